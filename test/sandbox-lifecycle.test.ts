import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../src/cli/main.js';
import { isRunning } from '../src/sandbox/lifecycle.js';
import { awsClientsFor, readSandboxState } from '../src/sandbox/state.js';
import { quickstart, QUICKSTART_PATH } from './support/config.js';

const configFile = fileURLToPath(QUICKSTART_PATH);

/** Runs the CLI in-process; returns the exit code and what it printed. */
async function airgap(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await run(['node', 'airgap', ...args]);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('airgap sandbox up / status / down (moto)', () => {
  const cwd = process.cwd();
  const endpoint = process.env['AWS_ENDPOINT_URL'];
  beforeAll(() => {
    delete process.env['AWS_ENDPOINT_URL'];
    process.chdir(mkdtempSync(join(tmpdir(), 'airgap-sandbox-')));
  });
  afterAll(() => {
    // Never leave a moto_server behind, even when a test failed half-way.
    const state = readSandboxState();
    if (state && isRunning(state.pid)) process.kill(state.pid, 'SIGTERM');
    process.chdir(cwd);
    if (endpoint !== undefined) process.env['AWS_ENDPOINT_URL'] = endpoint;
  });

  it('up starts moto on a loopback port, provisions the config, records the state and prints the environment', async () => {
    const { code, out } = await airgap('sandbox', 'up', '--config', configFile);
    expect(code).toBe(0);
    const state = readSandboxState()!;
    expect(state.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(isRunning(state.pid)).toBe(true);
    expect(state.accounts).toMatchObject({ vault: '200000000002', restore: '200000000004' });
    expect(out).toContain(`export AWS_ENDPOINT_URL=${state.endpoint}`);
    expect(out).toContain('payments-invoices -> airgap-vault-100000000002-payments-invoices');
  });

  it('status --output json gives the endpoint and every role account, for scripts', async () => {
    const { code, out } = await airgap('sandbox', 'status', '--output', 'json');
    expect(code).toBe(0);
    const status = JSON.parse(out) as {
      running: boolean;
      endpoint: string;
      accounts: Record<string, string>;
    };
    expect(status).toMatchObject({ running: true, endpoint: readSandboxState()!.endpoint });
    expect(status.accounts).toMatchObject({
      'source-management': '100000000001',
      'workload:payments': '100000000002',
      'vault-management': '200000000001',
    });
  });

  it('re-running up on the live sandbox reuses it and creates nothing', async () => {
    const before = readSandboxState()!;
    const { code, out } = await airgap('sandbox', 'up', '--config', configFile, '--output', 'json');
    expect(code).toBe(0);
    const again = JSON.parse(out) as { pid: number; provision: { created: string[] } };
    expect(again.pid).toBe(before.pid);
    expect(again.provision.created).toEqual([]);
  });

  it('commands reach the sandbox from its state file when no endpoint is given', async () => {
    expect(awsClientsFor(quickstart()).endpoint).toBe(readSandboxState()!.endpoint);
    const { code, out } = await airgap(
      's3',
      'verify',
      '--config',
      configFile,
      '--bucket',
      'payments-invoices',
    );
    expect(code).toBe(0);
    expect(out).toContain('0 versions verified');
  });

  it('audit runs to its end on the sandbox: an API moto lacks (ListRestoreJobs) fails that control, saying so, and the audit goes on (exit 1: the sandbox is no full deployment)', async () => {
    const { code, out, err } = await airgap('audit', '--config', configFile);
    expect(code).toBe(1);
    expect(err).toMatch(/^audit: \d+ control\(s\) failed$/);
    expect(out).toMatch(
      /FAIL +RESTORE_TIME_FOR_RESOURCES_MEET_TARGET +restore-jobs \(\d{12}\): completed restore jobs could not be read: the endpoint answered HTTP 404 with no AWS response: it does not serve this API/,
    );
    // The rest was judged: the S3 path the sandbox provisions passes.
    expect(out).toMatch(/pass +SOURCE_REPLICATION +payments-invoices/i);
  });

  it('a bucket the config does not protect is one line and exit 2', async () => {
    const { code, err } = await airgap('s3', 'verify', '--config', configFile, '--bucket', 'nope');
    expect(code).toBe(2);
    expect(err).toBe(`--bucket nope: not a protected bucket of ${configFile}; protected: payments-invoices`);
  });

  it('down stops only the recorded pid and clears the state', async () => {
    const { pid } = readSandboxState()!;
    const { code, out } = await airgap('sandbox', 'down');
    expect(code).toBe(0);
    expect(out).toBe(`stopped the sandbox (pid ${pid})`);
    for (let i = 0; i < 50 && isRunning(pid); i++) await new Promise((r) => setTimeout(r, 100));
    expect(isRunning(pid)).toBe(false);
    expect(existsSync(join('.airgap', 'sandbox.json'))).toBe(false);
    const status = await airgap('sandbox', 'status');
    expect(status.out).toContain('no sandbox is running');
  });
});
