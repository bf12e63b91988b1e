import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../src/cli/main.js';

const cost = (...args: string[]) =>
  run(['node', 'airgap', 'cost', '--config', 'examples/quickstart.yaml', ...args]);

describe('airgap cost (in-process CLI)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints the estimate of the example sizes as JSON, every resource sized', async () => {
    const out = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await cost('--sizes', 'examples/quickstart-sizes.yaml', '--output', 'json')).toBe(0);
    const estimate = JSON.parse(String(out.mock.calls[0]![0])) as {
      unsized: string[];
      monthlyUsdByPath: Record<string, number>;
    };
    expect(estimate.unsized).toEqual([]);
    // 44.40 (S3); 15.20 + 14.70 + 17.50 (RDS, Aurora, EBS copies); see src/cost/estimate.test.ts for the arithmetic
    expect(estimate.monthlyUsdByPath['s3-replication']).toBe(44.4);
    expect(estimate.monthlyUsdByPath['snapshot-copy']).toBe(47.4);
  });

  it('exits 2 with one line per problem, naming the file and the key, on a malformed sizes file', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const file = join(mkdtempSync(join(tmpdir(), 'airgap-')), 'sizes.yaml');
    writeFileSync(file, 's3:\n  payments-invoices: { storedGB: 10 }\n');
    expect(await cost('--sizes', file)).toBe(2);
    expect(err.mock.calls.map((c) => String(c[0]))).toEqual([
      expect.stringMatching(new RegExp(`^${file}: s3\\.payments-invoices\\.storedGiB: .*expected number`)),
      expect.stringMatching(new RegExp(`^${file}: s3\\.payments-invoices: Unrecognized key: "storedGB"`)),
    ]);
  });
});
