import { CreateFileSystemCommand, EFSClient } from '@aws-sdk/client-efs';
import { S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { observeCommands, type SentCommand } from '../src/aws/clients.js';
import { run } from '../src/cli/main.js';
import { protectedBuckets, ROLE_NAMES, TAGS } from '../src/config/index.js';
import { synthesize } from '../src/infra/synth.js';
import { loadModel, type ProofModel } from '../src/proof/model.js';
import { runCopier } from '../src/protect/snapshots/copier.js';
import { provisionSandbox } from '../src/sandbox/provision.js';
import { emulateReplication } from '../src/sandbox/replication-emulator.js';
import { emulatedSnapshotApis } from '../src/sandbox/snapshot-copy-emulator.js';
import { provisionSnapshotSandbox } from '../src/sandbox/snapshot-provision.js';
import { ownAccounts, quickstart, quickstartYaml } from './support/config.js';
import { deniedCalls, resourceFacts } from './support/denied-calls.js';
import type { ResourceFacts } from './support/iam-requests.js';
import { mockWhatMotoLacks } from './support/lacking-mocks.js';
import { useMoto } from './support/moto.js';
import { put } from './support/s3.js';
import { dbInstance, sharedDbSnapshot } from './support/snapshot-fixtures.js';

const accounts = ownAccounts('73', '74');
const { workload: W, vault: VAULT } = accounts;
const FS = 'fs-0123456789abcdef0';
const edits: Parameters<typeof quickstart>[0] = [
  ...accounts.edits,
  [
    ['protect'],
    {
      s3: [{ account: W, names: ['operated'] }],
      rds: [{ account: W, names: ['orders'] }],
      efs: [{ account: W, names: [FS] }],
    },
  ],
];
const config = quickstart(edits);
const region = config.vault.region;
const bucket = protectedBuckets(config)[0]!;
const fileSystem = `arn:aws:elasticfilesystem:${region}:${W}:file-system/${FS}`;
describe('AirGapOperator holds every call the CLI sends (moto; client mock: moto lacks AWS Backup jobs and recovery points, EFS replication, CloudTrail, Config and GuardDuty state; each call evaluated against the synthesized policies by iam-simulate, Discovery mode)', () => {
  const moto = useMoto(region);
  const dir = mkdtempSync(join(tmpdir(), 'airgap-operator-'));
  const file = join(dir, 'airgap.yaml');
  const templates = join(dir, 'templates');
  let model: ProofModel;
  let facts: ResourceFacts;
  const recorded = new Map<string, SentCommand[]>();
  let unmock = () => {};
  afterAll(() => unmock());

  const check = async (command: string, sent: SentCommand[], against = model) =>
    (await deniedCalls(against, command, sent, facts)).map((d) => d.line);

  async function cli(...args: string[]): Promise<SentCommand[]> {
    const sent: SentCommand[] = [];
    const stop = observeCommands((s) => sent.push(s));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await run(['node', 'airgap', ...args, '--config', file, '--endpoint', moto.server.endpoint]);
    } finally {
      stop();
      log.mockRestore();
    }
    expect(sent.length).toBeGreaterThan(0);
    recorded.set(args.slice(0, 2).join(' '), sent);
    return sent;
  }

  beforeAll(async () => {
    writeFileSync(file, quickstartYaml(edits));
    synthesize(config, templates, { nag: false, bundle: false });
    model = loadModel(config, templates);
    await provisionSandbox(moto.clients, config);
    const catalog = await provisionSnapshotSandbox(moto.clients, config);
    await put(moto.clients.for(S3Client, W, region), bucket.bucket, 'a.txt', 'a');
    await emulateReplication(moto.clients, config);
    await dbInstance(moto.clients, W, region, 'orders');
    await sharedDbSnapshot(moto.clients, W, region, 'orders', 'orders-1', VAULT);
    const apis = emulatedSnapshotApis(moto.clients, config);
    await runCopier(
      { clients: moto.clients, config, catalog, apis },
      await apis.rds.listShared(VAULT, region),
    );
    facts = await resourceFacts(moto.clients, config, model);
    // The vault-efs stack's replica of the protected file system, and what AWS Backup would restore from it.
    await moto.clients.for(EFSClient, VAULT, region).send(
      new CreateFileSystemCommand({
        CreationToken: 'replica',
        Encrypted: true,
        Tags: [{ Key: TAGS.sourceArn, Value: fileSystem }],
      }),
    );
    const restored = await moto.clients
      .for(EFSClient, config.organizations.vault.restoreAccount, region)
      .send(new CreateFileSystemCommand({ CreationToken: 'made-by-aws-backup' }));
    unmock = mockWhatMotoLacks(config, restored.FileSystemArn!);
  }, 180_000);

  it('status (moto)', async () => {
    expect(await check('status', await cli('status'))).toEqual([]);
  });

  it('audit (moto; client mock: CloudTrail, Config, GuardDuty, AWS Backup)', async () => {
    const sent = await cli('audit', '--templates', templates);
    expect(new Set(sent.map((c) => c.command))).toEqual(
      expect.objectContaining(
        new Set(['GetTrailStatus', 'DescribeConfigurationRecorderStatus', 'GetDetector', 'ListBackupPlans']),
      ),
    );
    // Each restore key's rotation, which the audit holds on.
    expect(sent.map((c) => c.command)).toContain('GetKeyRotationStatus');
    expect(await check('audit', sent)).toEqual([]);
  });

  it('s3 verify (moto), its drift reads of both buckets’ configuration among its calls', async () => {
    const sent = await cli('s3', 'verify', '--bucket', bucket.bucket);
    expect(sent.map((c) => `${c.command} ${c.account}`)).toEqual(
      expect.arrayContaining([
        `GetBucketReplication ${W}`,
        `GetBucketLifecycleConfiguration ${W}`,
        `GetBucketEncryption ${W}`,
        `GetObjectLockConfiguration ${VAULT}`,
        `GetBucketEncryption ${VAULT}`,
      ]),
    );
    expect(await check('s3 verify', sent)).toEqual([]);
  });

  it('restore s3 (moto)', async () => {
    const at = new Date().toISOString();
    const sent = await cli(
      'restore',
      's3',
      '--bucket',
      bucket.bucket,
      '--at',
      at,
      '--to',
      'airgap-restore-op',
    );
    expect(await check('restore s3', sent)).toEqual([]);
  });

  it('restore rds (moto, cross-account copy emulated: checked as the CopyDBSnapshot it stands for)', async () => {
    expect(await check('restore rds', await cli('restore', 'rds', '--from', 'orders'))).toEqual([]);
  });

  it('s3 configure-replication (moto): the operator’s grant is overruled by the source SCP, which leaves replication and versioning to break-glass', async () => {
    const sent = await cli('s3', 'configure-replication', '--bucket', bucket.bucket);
    const denied = await deniedCalls(model, 's3 configure-replication', sent, facts);
    expect(denied.map((d) => `${d.role} ${d.action} ${d.line.split('(').pop()}`)).toEqual([
      'AirGapOperator s3:PutBucketVersioning scp:airgap-source-protection/DenyReplicationTamperingExceptBreakGlass)',
      'AirGapOperator s3:PutReplicationConfiguration scp:airgap-source-protection/DenyReplicationTamperingExceptBreakGlass)',
    ]);
  });

  it('s3 backfill (moto; the sandbox’s copies checked as the Batch Replication job they stand for; threat #31: --dry-run only reads)', async () => {
    await put(moto.clients.for(S3Client, W, region), bucket.bucket, 'b.txt', 'not replicated');
    const planned = await cli('s3', 'backfill', '--bucket', bucket.bucket, '--dry-run');
    // threat #31: the dry run only reads (listings, and the vault versions' source version ids).
    expect(new Set(planned.map((c) => c.command))).toEqual(new Set(['ListObjectVersions', 'HeadObject']));
    const sent = [...planned, ...(await cli('s3', 'backfill', '--bucket', bucket.bucket))];
    expect(sent.map((c) => c.command)).toContain('CreateJob');
    expect(await check('s3 backfill', sent)).toEqual([]);
  });

  it('backup status (client mock: moto lacks AWS Backup recovery points and jobs)', async () => {
    expect(await check('backup status', await cli('backup', 'status'))).toEqual([]);
  });

  it('restore --from backup (moto: KMS, S3; client mock: AWS Backup), as AirGapRestore', async () => {
    const sent = await cli(
      'restore',
      '--from',
      'backup',
      '--resource',
      bucket.bucket,
      '--recovery-point',
      'latest',
    );
    expect(sent.map((c) => c.command)).toContain('StartRestoreJob');
    expect(await check('restore --from backup', sent)).toEqual([]);
  });

  it('restore efs (moto: EFS, KMS; client mock: AWS Backup copy and restore jobs)', async () => {
    const sent = await cli('restore', 'efs', '--from', FS);
    expect(sent.map((c) => c.command)).toEqual(expect.arrayContaining(['StartCopyJob', 'StartRestoreJob']));
    expect(await check('restore efs', sent)).toEqual([]);
  });

  it('efs configure-replication (moto: EFS file systems; client mock: EFS replication)', async () => {
    const sent = await cli('efs', 'configure-replication');
    expect(sent.map((c) => c.command)).toContain('CreateReplicationConfiguration');
    expect(await check('efs configure-replication', sent)).toEqual([]);
  });

  it.each([
    ['preflight', ['preflight']],
    ['snapshots status', ['snapshots', 'status']],
    ['cost --observe', ['cost', '--observe']],
  ])('%s (moto)', async (command, args) => {
    expect(await check(command, await cli(...args))).toEqual([]);
  });

  it('names the command, account, role and action a policy lacks: s3 verify without the read of the source’s replication rule (threat #4)', async () => {
    const weakened = structuredClone(model);
    const operator = weakened.roles.find((r) => r.account === W && r.name === ROLE_NAMES.operator)!;
    for (const p of operator.policies)
      for (const st of p.policy.Statement as { Sid?: string; Action: string | string[] }[])
        if (st.Sid === 'ReadProtectedBuckets')
          st.Action = [st.Action].flat().filter((a) => a !== 's3:GetReplicationConfiguration');
    const found = await check('s3 verify', recorded.get('s3 verify')!, weakened);
    expect(found).toEqual([
      expect.stringMatching(
        new RegExp(
          `^s3 verify: GetBucketReplication in the workload account ${W} as AirGapOperator: s3:GetReplicationConfiguration on arn:aws:s3:::${bucket.bucket} denied`,
        ),
      ),
    ]);
  });

  it('names the command, account, role and action a policy lacks: s3 verify without the vault’s version metadata reads', async () => {
    const weakened = structuredClone(model);
    const operator = weakened.roles.find((r) => r.account === VAULT && r.name === ROLE_NAMES.operator)!;
    for (const p of operator.policies)
      p.policy.Statement = p.policy.Statement.filter(
        (st: { Sid?: string }) => st.Sid !== 'ReadVaultVersionMetadata',
      );
    const found = await check('s3 verify', recorded.get('s3 verify')!, weakened);
    expect(found).toEqual([
      expect.stringMatching(
        new RegExp(
          `^s3 verify: HeadObject in the vault account ${VAULT} as AirGapOperator: s3:GetObjectVersion on arn:aws:s3:::${bucket.vaultBucket}/a\\.txt denied`,
        ),
      ),
    ]);
  });
});
