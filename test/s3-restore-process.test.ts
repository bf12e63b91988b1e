import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { restoredBucket } from './support/fake-restore-s3.js';

/**
 * `airgap restore s3 --output json` in a process of its own (test/support/restore-cli-process.ts: the fake S3 of
 * fake-restore-s3.ts, client mock, holding `keys` keys, each copy after the first two taking `copyMs`): its stdout
 * and stderr as they come, and its exit.
 */
function restoreProcess(keys: number, copyMs: number, ...more: string[]) {
  const argv = ['restore', 's3', '--config', 'examples/quickstart.yaml', '--bucket', restoredBucket.bucket];
  const options = [
    '--at',
    '2026-11-23T06:00:00Z',
    '--to',
    'airgap-restore-process',
    '--output',
    'json',
    ...more,
  ];
  const child = spawn(
    process.execPath,
    ['--no-warnings', '--import', 'tsx', 'test/support/restore-cli-process.ts', ...argv, ...options],
    {
      env: { ...process.env, RESTORE_KEYS: String(keys), RESTORE_COPY_MS: String(copyMs) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (out.stdout += String(chunk)));
  child.stderr.on('data', (chunk) => (out.stderr += String(chunk)));
  const exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, out, exit };
}

describe('airgap restore s3 stopped from outside (own process, client mock)', () => {
  it('a reader that closes the pipe (| head -c 100) stops the restore like any other stop: exit 141, one line on stderr saying what was done, no stack trace', async () => {
    const { child, out, exit } = restoreProcess(2000, 0);
    child.stdout.on('data', () => {
      if (out.stdout.length >= 100) child.stdout.destroy();
    });
    const [code] = await exit;
    expect(out.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^the output closed \(EPIPE\); stopped after restoring \d+ keys \(0 already there, 0 failed\): run again to resume$/,
      ),
    ]);
    expect(code).toBe(141);
    // Nothing new started once the reader had gone: far from the whole bucket was copied.
    const restored = Number(/restoring (\d+) keys/.exec(out.stderr)?.[1]);
    expect(restored).toBeGreaterThan(0);
    expect(restored).toBeLessThan(2000);
  });

  it('Ctrl-C (SIGINT) lets the copies in flight settle and completes the JSON report, its error saying it was interrupted and what was done; exit 130', async () => {
    const { child, out, exit } = restoreProcess(200, 100, '--concurrency', '2');
    child.stdout.once('data', () => child.kill('SIGINT'));
    const [code, signal] = await exit;
    expect([code, signal]).toEqual([130, null]);
    const report = JSON.parse(out.stdout) as {
      items: { key: string }[];
      restored: number;
      planned: { keys: number };
      error: string;
    };
    expect(report.error).toBe(
      `interrupted (SIGINT); stopped after restoring ${report.restored} keys (0 already there, 0 failed): run again to resume`,
    );
    // Every copy started was finished and reported, and none started after the signal.
    expect(new Set(report.items.map((i) => i.key)).size).toBe(report.restored);
    expect(report.planned.keys).toBe(report.restored);
    expect(report.restored).toBeLessThan(200);
    expect(out.stderr.trim().split('\n')).toEqual([
      'SIGINT: stopping once the work in flight has settled (again to stop at once)',
      report.error,
    ]);
  });

  it('a second Ctrl-C ends the process at once, copies in flight or not', async () => {
    const { child, out, exit } = restoreProcess(200, 600_000, '--concurrency', '2');
    child.stdout.once('data', () => child.kill('SIGINT'));
    child.stderr.on('data', () => {
      if (out.stderr.includes('again to stop at once')) child.kill('SIGINT');
    });
    const [code, signal] = await exit;
    // The first one did not end it: it said it was stopping.
    expect(out.stderr).toContain('SIGINT: stopping once the work in flight has settled');
    expect([code, signal]).toEqual([null, 'SIGINT']);
  });
});
