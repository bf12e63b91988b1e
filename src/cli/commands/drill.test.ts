import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DrillEvidence } from '../../drill/run.js';
import { run } from '../main.js';

// The drill itself is tested end to end in test/drill.test.ts; here, only what the CLI makes of its verdict.
const runDrill = vi.hoisted(() => vi.fn());
vi.mock('../../drill/run.js', async (original) => ({
  ...(await original<typeof import('../../drill/run.js')>()),
  runDrill,
}));

const verdict = (passed: boolean, reasons: string[]) => ({
  evidence: { verdict: { passed, reasons }, startedAt: '2026-11-23T22:00:00.000Z' } as DrillEvidence,
  report: { dir: 'reports/drill-2026-11-23T22-00-00-000Z', files: [] },
});
const drill = () => run(['node', 'airgap', 'drill', '--config', 'examples/quickstart.yaml']);

describe('airgap drill (in-process CLI; the drill itself mocked)', () => {
  const out: string[] = [];
  const err: string[] = [];
  beforeEach(() => {
    vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    vi.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    out.length = 0;
    err.length = 0;
  });

  it('a drill an attack got through is FAILED, exits 1 and names the attack on stderr', async () => {
    const reason =
      'attack got through: vault account administrator without MFA: delete a vault copy (rds:DeleteDBSnapshot)';
    runDrill.mockResolvedValueOnce(verdict(false, [reason]));
    expect(await drill()).toBe(1);
    expect(out).toEqual([expect.stringMatching(/^drill FAILED; evidence in reports\/drill-/)]);
    expect(err.join('\n')).toContain(`  - ${reason}`);
  });

  it('a passed drill exits 0 with its one verdict line', async () => {
    runDrill.mockResolvedValueOnce(verdict(true, []));
    expect(await drill()).toBe(0);
    expect(out).toEqual([expect.stringMatching(/^drill PASSED; evidence in reports\/drill-/)]);
    expect(err).toEqual([]);
  });
});
