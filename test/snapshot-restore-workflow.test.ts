import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../src/cli/main.js';
import { Catalog, type CatalogEntry } from '../src/catalog/catalog.js';
import { RESOURCE_NAMES, ROLE_NAMES } from '../src/config/index.js';
import { quickstart, quickstartYaml } from './support/config.js';
import { useMoto } from './support/moto.js';

const config = quickstart();
const { vaultAccount: VAULT } = config.organizations.vault;
const region = config.vault.region;
const copy = (id: string, service: CatalogEntry['service'], at: string, where = region): CatalogEntry => ({
  id,
  service,
  sourceArn: `arn:aws:rds:${where}:100000000002:snapshot:${id}`,
  sourceAccount: '100000000002',
  sourceResource: `arn:aws:rds:${where}:100000000002:db:orders`,
  region: where,
  vaultCopyId: `airgap-${id}`,
  vaultCopyArn: `arn:aws:rds:${where}:${VAULT}:snapshot:airgap-${id}`,
  createdAt: at,
  retainUntil: '2099-01-01T00:00:00.000Z',
  state: 'available',
});
const older = copy('0a0000000000000000000001', 'rds', '2026-11-23T06:00:00.000Z');
const newer = copy('0a0000000000000000000002', 'rds', '2026-11-23T12:00:00.000Z');
const elsewhere = copy('0b0000000000000000000001', 'aurora', '2026-11-23T12:00:00.000Z', 'eu-west-1');

describe('airgap restore rds|aurora|ebs --workflow (moto: Step Functions stores executions, DynamoDB catalog)', () => {
  const moto = useMoto(region);
  let file: string;
  let machine: string;
  const sfn = () => moto.clients.for(SFNClient, VAULT, region);
  const executions = async () =>
    (await sfn().send(new ListExecutionsCommand({ stateMachineArn: machine }))).executions ?? [];
  const out: string[] = [];
  const err: string[] = [];
  const cli = async (...args: string[]) => {
    out.length = 0;
    err.length = 0;
    const log = vi.spyOn(console, 'log').mockImplementation((l: string) => void out.push(l));
    const error = vi.spyOn(console, 'error').mockImplementation((l: string) => void err.push(l));
    try {
      return await run([
        'node',
        'airgap',
        'restore',
        ...args,
        '--config',
        file,
        '--endpoint',
        moto.server.endpoint,
        '--workflow',
      ]);
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  };
  const json = () => JSON.parse(out.join('\n')) as { execution: { arn: string } };

  beforeAll(async () => {
    file = join(mkdtempSync(join(tmpdir(), 'airgap-')), 'airgap.yaml');
    writeFileSync(file, quickstartYaml());
    const catalog = new Catalog({
      clients: moto.clients,
      account: VAULT,
      region,
      table: RESOURCE_NAMES.catalogTable(config),
    });
    await catalog.createForSandbox();
    for (const e of [older, newer, elsewhere]) await catalog.record(e);
    machine = (
      await sfn().send(
        new CreateStateMachineCommand({
          name: RESOURCE_NAMES.restoreWorkflow(config),
          roleArn: `arn:aws:iam::${VAULT}:role/${ROLE_NAMES.restoreWorkflowStates}`,
          definition: JSON.stringify({ StartAt: 'Run', States: { Run: { Type: 'Pass', End: true } } }),
        }),
      )
    ).stateMachineArn!;
  });
  afterEach(() => vi.restoreAllMocks());

  it('threat #31: --dry-run names the execution it would start and starts none', async () => {
    expect(await cli('rds', '--from', 'orders', '--dry-run', '--output', 'json')).toBe(0);
    expect(json()).toMatchObject({
      dryRun: true,
      request: { service: 'rds', from: newer.id },
      execution: { status: 'NOT_STARTED', started: false },
    });
    expect(await executions()).toHaveLength(0);
  });

  it('starts the workflow with the request pinned to the resolved copy, and prints the execution ARN', async () => {
    expect(await cli('rds', '--from', 'orders', '--at', '2026-11-23T07:00:00Z')).toBe(0);
    const [execution] = await executions();
    expect(out.join('\n')).toContain(execution!.executionArn);
    const described = await sfn().send(
      new DescribeExecutionCommand({ executionArn: execution!.executionArn }),
    );
    expect(JSON.parse(described.input!)).toEqual({
      service: 'rds',
      from: older.id,
      to: `airgap-restore-${older.id.slice(0, 16)}`,
    });
  });

  it('threat #32: a re-run for the same resource and point in time finds the running execution, never starts a second', async () => {
    expect(await cli('rds', '--from', 'orders', '--at', '2026-11-23T07:00:00Z', '--output', 'json')).toBe(0);
    const first = json();
    expect(await cli('rds', '--from', older.vaultCopyId, '--output', 'json')).toBe(0);
    const again = json();
    expect(again).toMatchObject({ execution: { status: 'RUNNING', started: false } });
    expect(again.execution.arn).toBe(first.execution.arn);
    expect(await executions()).toHaveLength(1);
  });

  it('threat #32: once that execution stopped, a re-run starts the next one (name-2) and says how the last ended', async () => {
    const [execution] = await executions();
    await sfn().send(new StopExecutionCommand({ executionArn: execution!.executionArn }));
    expect(await cli('rds', '--from', older.id, '--output', 'json')).toBe(0);
    const report = json();
    expect(report).toMatchObject({
      execution: { name: `${execution!.name}-2`, status: 'RUNNING', started: true },
      earlierFailures: [{ name: execution!.name, status: 'ABORTED' }],
    });
    expect(await executions()).toHaveLength(2);
  });

  it('a copy outside the vault region: one line naming the region, exit 2, nothing started', async () => {
    const before = (await executions()).length;
    expect(await cli('aurora', '--from', elsewhere.id)).toBe(2);
    expect(err).toEqual([
      `--workflow: the vault copy ${elsewhere.vaultCopyId} is in eu-west-1; the restore workflow restores copies of the vault region ${region} only: run without --workflow`,
    ]);
    expect(await executions()).toHaveLength(before);
  });
});
