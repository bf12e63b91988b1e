import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../src/cli/main.js';
import { QUICKSTART_PATH } from './support/config.js';
import { useMoto } from './support/moto.js';

const SOURCE_ACCOUNT = '450000000002';
const VAULT_ACCOUNT = '460000000002';

/** The quickstart with this file's own accounts, written where the CLI can read it. */
function configFile(): string {
  const doc = parseDocument(readFileSync(QUICKSTART_PATH, 'utf8'));
  doc.setIn(['organizations', 'source', 'managementAccount'], '450000000001');
  doc.setIn(['organizations', 'source', 'workloadAccounts', 0, 'id'], SOURCE_ACCOUNT);
  doc.setIn(['organizations', 'source', 'backupAccount'], '450000000003');
  doc.setIn(['organizations', 'vault', 'managementAccount'], '460000000001');
  doc.setIn(['organizations', 'vault', 'vaultAccount'], VAULT_ACCOUNT);
  doc.setIn(['organizations', 'source', 'airGapAccount'], '450000000009');
  doc.setIn(['organizations', 'vault', 'restoreAccount'], '460000000004');
  doc.setIn(['protect'], { s3: [{ account: SOURCE_ACCOUNT, names: ['orders'] }] });
  const file = join(mkdtempSync(join(tmpdir(), 'airgap-repl-')), 'airgap.yaml');
  writeFileSync(file, doc.toString());
  return file;
}

async function airgap(...args: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    return { code: await run(['node', 'airgap', ...args]), out: out.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('airgap s3 configure-replication (moto)', () => {
  const moto = useMoto();
  const file = configFile();
  let s3: S3Client;
  const cli = (...args: string[]) =>
    airgap('s3', 'configure-replication', '--config', file, '--endpoint', moto.server.endpoint, ...args);
  const replication = () =>
    s3.send(new GetBucketReplicationCommand({ Bucket: 'orders' })).then(
      (r) => r.ReplicationConfiguration,
      () => undefined,
    );

  beforeAll(async () => {
    s3 = moto.clients.for(S3Client, SOURCE_ACCOUNT);
    await s3.send(new CreateBucketCommand({ Bucket: 'orders' }));
  });
  afterAll(() => vi.restoreAllMocks());

  it('threat #31, threat #2: --dry-run prints the PUTs it would send, the SSE-C block among them, and changes nothing', async () => {
    const { code, out } = await cli('--bucket', 'orders', '--dry-run', '--output', 'json');
    expect(code).toBe(0);
    const plan = JSON.parse(out) as { dryRun: boolean; steps: { call: string; input: unknown }[] };
    expect(plan.dryRun).toBe(true);
    expect(plan.steps.map((s) => s.call)).toEqual([
      'PutBucketVersioning',
      'PutBucketReplication',
      'PutBucketEncryption',
    ]);
    // Threat #2: the bucket has no default encryption of its own, so SSE-S3, with SSE-C blocked beside it.
    expect(plan.steps[2]?.input).toEqual({
      Bucket: 'orders',
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
            BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
          },
        ],
      },
    });
    expect(await replication()).toBeUndefined();
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'orders' }))).Status).toBeUndefined();
  });

  it('applies versioning and the vault rule as the bucket account, and a second run changes nothing', async () => {
    const first = await cli('--bucket', 'orders');
    expect(first.code).toBe(0);
    expect(first.out).toContain(
      `orders (account ${SOURCE_ACCOUNT}) -> airgap-vault-${SOURCE_ACCOUNT}-orders`,
    );
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'orders' }))).Status).toBe('Enabled');
    const rule = await replication();
    expect(rule?.Role).toBe(`arn:aws:iam::${SOURCE_ACCOUNT}:role/AirGapReplication`);
    expect(rule?.Rules?.[0]).toMatchObject({
      ID: 'airgap-vault',
      Status: 'Enabled',
      Destination: {
        Bucket: `arn:aws:s3:::airgap-vault-${SOURCE_ACCOUNT}-orders`,
        Account: VAULT_ACCOUNT,
        AccessControlTranslation: { Owner: 'Destination' },
      },
    });
    expect((await cli('--bucket', 'orders')).code).toBe(0);
    expect(await replication()).toEqual(rule);
  });

  it('refuses a bucket the config does not protect, in one line, exit 2', async () => {
    expect((await cli('--bucket', 'not-protected')).code).toBe(2);
  });
});
