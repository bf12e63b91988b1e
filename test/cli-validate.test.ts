import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli/main.js';

describe('airgap validate (in-process CLI)', () => {
  it('exits 0 on the quickstart', async () => {
    expect(await run(['node', 'airgap', 'validate', '--config', 'examples/quickstart.yaml'])).toBe(0);
  });

  it('exits 2 on bad input and leaves the file as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'airgap-'));
    const file = join(dir, 'airgap.yaml');
    const text = readFileSync('examples/quickstart.yaml', 'utf8').replace('days: 30', 'days: 0');
    writeFileSync(file, text);
    expect(await run(['node', 'airgap', 'validate', '--config', file])).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('exits 2 with one line naming the file when it does not exist', async () => {
    expect(await run(['node', 'airgap', 'validate', '--config', '/nonexistent/airgap.yaml'])).toBe(2);
  });
});

describe('airgap schema (compiled bin)', () => {
  it('prints a JSON Schema that rejects unknown top-level keys', async () => {
    const { stdout } = await promisify(execFile)('node', ['bin/airgap.js', 'schema']);
    const schema = JSON.parse(stdout) as { additionalProperties: boolean; required: string[] };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'organizations', 'vault', 'protect']));
  });
});

describe('airgap (compiled bin) when AWS cannot be reached', () => {
  it('says so in one line on stderr, with no SDK notice and no stack trace, and exits 3', async () => {
    const argv = ['bin/airgap.js', 's3', 'verify', '--config', 'examples/quickstart.yaml'];
    const options = ['--bucket', 'payments-invoices', '--endpoint', 'http://127.0.0.1:9'];
    const failed = await promisify(execFile)('node', [...argv, ...options], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' },
    }).then(
      () => undefined,
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect(failed?.code).toBe(3);
    expect(failed?.stderr).toMatch(/^connect ECONNREFUSED 127\.0\.0\.1:9\n$/);
  });
});
