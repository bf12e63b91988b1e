import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DescribeVolumesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DescribeDBInstancesCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import {
  CreateBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { AwsClients, observeCommands, type SentCommand } from '../src/aws/clients.js';
import { preflight, type PreflightCheck } from '../src/drill/preflight.js';
import { RESOURCE_NAMES, ROLE_NAMES, TAGS } from '../src/config/index.js';
import { cleanUpDrill } from '../src/drill/cleanup.js';
import { keyArnOf } from '../src/protect/kms/key-facts.js';
import { snapshotApis } from '../src/protect/snapshots/apis.js';
import { drillName } from '../src/drill/prefix.js';
import { keepEvidence, type KeptEvidence } from '../src/drill/evidence-store.js';
import { CheckFailed } from '../src/errors.js';
import { runDrill, type DrillEvidence } from '../src/drill/run.js';
import { TEMPLATES_ONLY } from '../src/infra/app.js';
import { synthesize } from '../src/infra/synth.js';
import type { WrittenReport } from '../src/report/drill-report.js';
import { ensureLockedBucket } from '../src/sandbox/locked-bucket.js';
import { provisionSandbox } from '../src/sandbox/provision.js';
import { provisionSnapshotSandbox } from '../src/sandbox/snapshot-provision.js';
import { ownAccounts, quickstart } from './support/config.js';
import { deniedCalls, resourceFacts } from './support/denied-calls.js';
import { useMoto } from './support/moto.js';
import { loadModel } from '../src/proof/model.js';

const accounts = ownAccounts('61', '62');
const { workload: W, vault: VAULT, restore: RESTORE } = accounts;
const TRUSTS_NOBODY = JSON.stringify({ Version: '2012-10-17', Statement: [] });
const config = quickstart(accounts.edits);
const region = config.vault.region;
const evidenceBucket = RESOURCE_NAMES.evidenceBucket(config);

/**
 * `--target aws` against moto through the endpoint override, as if it were AWS: the test deploys what the stacks
 * would (with the sandbox's provisioning, standing in for CloudFormation), then the drill gets no provisioning
 * and no emulation. moto replicates nothing, copies no shared snapshot and enforces no policy, so this drill
 * cannot pass: it shows the plumbing (preflight, drill-only names and tags, production never sent an attack,
 * clean-up by tag, evidence under Object Lock), and that missing replication and copies fail the verdict.
 */
describe('airgap drill --target aws, against moto as if it were AWS (no provisioning, no emulation)', () => {
  const moto = useMoto(region);
  const templates = mkdtempSync(join(tmpdir(), 'airgap-aws-drill-'));
  let evidence: DrillEvidence;
  let report: WrittenReport | undefined;
  let kept: KeptEvidence[];
  let production: { volume: string };
  const sent: SentCommand[] = [];

  beforeAll(async () => {
    const clients = moto.clients;
    await provisionSandbox(clients, config);
    await provisionSnapshotSandbox(clients, config);
    // The workload and vault accounts each in an organization of their own (moto's ids are random).
    for (const account of [W, VAULT])
      await clients
        .for(OrganizationsClient, account)
        .send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    await ensureLockedBucket(clients.for(S3Client, VAULT, region), evidenceBucket, {
      mode: 'COMPLIANCE',
      days: config.vault.retention.days,
    });
    // The restore stack's role (the sandbox provisioning has no use for it).
    await clients
      .for(IAMClient, RESTORE)
      .send(new CreateRoleCommand({ RoleName: ROLE_NAMES.restore, AssumeRolePolicyDocument: TRUSTS_NOBODY }));
    // Production, untagged: the drill must leave every one of these alone.
    await clients.for(S3Client, W, region).send(
      new PutObjectCommand({
        Bucket: 'payments-invoices',
        Key: 'invoices/0001.json',
        Body: '{"production":true}',
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    await clients.for(RDSClient, W, region).send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'payments-db',
        Engine: 'postgres',
        DBInstanceClass: 'db.t3.micro',
        AllocatedStorage: 20,
        MasterUsername: 'u',
        MasterUserPassword: 'password1',
      }),
    );
    const volume = await clients.for(EC2Client, W, region).send(
      new CreateVolumeCommand({
        AvailabilityZone: `${region}a`,
        Size: 8,
        TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'airgap', Value: 'protect' }] }],
      }),
    );
    production = { volume: volume.VolumeId! };
    synthesize(config, templates, TEMPLATES_ONLY);

    const stop = observeCommands((c) => sent.push(c));
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIAAIRGAPOPERATOR00';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'operator';
    ({
      evidence,
      report,
      kept = [],
    } = await runDrill(config, {
      target: 'aws',
      endpoint: moto.server.endpoint,
      templates,
      keys: 4,
      waitMs: { replication: 1_000, copy: 0 },
      reportDir: mkdtempSync(join(tmpdir(), 'airgap-aws-reports-')),
    }));
    stop();
  }, 180_000);

  it('runs the preflight checks of the accounts first, all passed', () => {
    expect(evidence.target).toBe('aws');
    expect(evidence.preflight.map((c) => c.check)).toEqual(
      expect.arrayContaining([
        `account ${W} answers through arn:aws:iam::${W}:role/AirGapOperator`,
        'the vault is in another organization than every workload account',
        'vault bucket of payments-invoices',
        'evidence bucket',
        'recovery catalog',
      ]),
    );
    expect(evidence.preflight.filter((c) => !c.passed)).toEqual([]);
  });

  it('every call it sends is allowed to the role that sends it: AirGapOperator, or AirGapRestore for the restore account’s restore steps (policies evaluated by iam-simulate)', async () => {
    const model = loadModel(config, templates);
    const facts = await resourceFacts(moto.clients, config, model);
    expect(sent.length).toBeGreaterThan(0);
    // Its restore buckets are created by the restore role and verified and removed by the operator, both by the
    // drill's name. (Vault copies and catalog writes are the deployed copier's: the drill only reads the catalog.)
    expect(sent).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ account: RESTORE, role: ROLE_NAMES.restore, command: 'CreateBucket' }),
        expect.objectContaining({ account: RESTORE, role: ROLE_NAMES.operator, command: 'DeleteBucket' }),
      ]),
    );
    expect((await deniedCalls(model, 'drill --target aws', sent, facts)).map((d) => d.line)).toEqual([]);
  });

  it('its restore step’s calls in the restore account (copy, then restore, each tagged as created) are granted to the restore role, and its clean-up’s to the operator, which leaves a real restore (moto: it copies no shared snapshot, so the restore role copies stand-ins of the vault copies in its own account)', async () => {
    const id = evidence.id;
    const rds = moto.clients.for(RDSClient, RESTORE, region);
    const s3 = moto.clients.for(S3Client, RESTORE, region);
    // Stand-ins for the shared vault copies (created unobserved, untagged: the clean-up must leave them).
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'stand-in-db',
        DBInstanceClass: 'db.t3.micro',
        Engine: 'postgres',
        AllocatedStorage: 20,
        MasterUsername: 'u',
        MasterUserPassword: 'password1',
      }),
    );
    await rds.send(
      new CreateDBSnapshotCommand({
        DBInstanceIdentifier: 'stand-in-db',
        DBSnapshotIdentifier: 'stand-in-rds',
      }),
    );
    await rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'stand-in-cluster',
        Engine: 'aurora-postgresql',
        MasterUsername: 'u',
        MasterUserPassword: 'password1',
      }),
    );
    await rds.send(
      new CreateDBClusterSnapshotCommand({
        DBClusterIdentifier: 'stand-in-cluster',
        DBClusterSnapshotIdentifier: 'stand-in-aurora',
      }),
    );
    const ec2 = moto.clients.for(EC2Client, RESTORE, region);
    const volume = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: `${region}a`, Size: 8 }));
    const ebs = await ec2.send(new CreateSnapshotCommand({ VolumeId: volume.VolumeId! }));
    // A real restore, which the operator may neither read nor delete.
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'airgap-restore-orders',
        DBInstanceClass: 'db.t3.micro',
        Engine: 'postgres',
        AllocatedStorage: 20,
        MasterUsername: 'u',
        MasterUserPassword: 'password1',
        Tags: [{ Key: TAGS.restoredFrom, Value: 'c0ffee' }],
      }),
    );
    await s3.send(new CreateBucketCommand({ Bucket: 'airgap-restore-orders' }));

    const calls: SentCommand[] = [];
    const stop = observeCommands((c) => calls.push(c));
    const operator = new AwsClients({
      region,
      roleName: ROLE_NAMES.operator,
      endpoint: moto.server.endpoint,
    });
    const apis = snapshotApis(operator.as(ROLE_NAMES.restore));
    const kmsKeyArn = (await keyArnOf(
      operator.as(ROLE_NAMES.restore),
      RESTORE,
      region,
      RESOURCE_NAMES.restoreKeyAlias(config),
    ))!;
    const restored: string[] = [];
    const copies: string[] = [];
    try {
      for (const [n, [service, standIn]] of (
        [
          ['rds', 'stand-in-rds'],
          ['aurora', 'stand-in-aurora'],
          ['ebs', ebs.SnapshotId!],
        ] as const
      ).entries()) {
        // What restoreSnapshot asks of the restore role once the vault copy is shared: copy it under the restore
        // key as `airgap-restore-<catalog id>`, then restore it under the drill's name, both tagged with the drill id.
        const tags = { [TAGS.drill]: id, [TAGS.restoredFrom]: `catalog-${n}` };
        const source = (await apis[service].describeOwned(RESTORE, region, standIn))!;
        const copy = await apis[service].copyWithin(source, {
          account: RESTORE,
          region,
          id: `airgap-restore-${n}0123456789abcdef0123456`,
          kmsKeyArn,
          tags: { ...tags, [TAGS.sourceArn]: source.arn },
        });
        copies.push(copy.id);
        const r = await apis[service].restoreFrom(copy, {
          account: RESTORE,
          region,
          name: drillName(id, `restore-${n}`),
          tags,
        });
        restored.push(r.id);
      }
    } finally {
      stop();
    }
    const stopCleanUp = observeCommands((c) => calls.push(c));
    const done = await cleanUpDrill(operator, config, id).finally(stopCleanUp);
    expect(done.failed).toEqual([]);
    expect(done.deleted).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`:db:${drillName(id, 'restore-0')}`),
        expect.stringContaining(`:db:${drillName(id, 'restore-1')}-1`),
        expect.stringContaining(`:cluster:${drillName(id, 'restore-1')}`),
        expect.stringContaining(`:snapshot:${copies[0]}`),
        expect.stringContaining(`:cluster-snapshot:${copies[1]}`),
        copies[2],
        restored[2],
      ]),
    );
    const restoreRoleCalls = calls.filter((c) => c.role === ROLE_NAMES.restore).map((c) => c.command);
    expect(restoreRoleCalls).toEqual(
      expect.arrayContaining([
        'CopyDBSnapshot',
        'RestoreDBInstanceFromDBSnapshot',
        'CopyDBClusterSnapshot',
        'RestoreDBClusterFromSnapshot',
        'CopySnapshot',
        'CreateVolume',
      ]),
    );
    const deletes = calls.filter((c) => c.account === RESTORE && c.command.startsWith('Delete'));
    expect(new Set(deletes.map((c) => c.command))).toEqual(
      new Set([
        'DeleteDBInstance',
        'DeleteDBCluster',
        'DeleteDBSnapshot',
        'DeleteDBClusterSnapshot',
        'DeleteVolume',
        'DeleteSnapshot',
      ]),
    );
    const model = loadModel(config, templates);
    const denied = await deniedCalls(
      model,
      'drill --target aws',
      calls,
      await resourceFacts(moto.clients, config, model),
    );
    expect(denied.map((d) => d.line)).toEqual([]);
    const left = await rds.send(new DescribeDBInstancesCommand({}));
    expect(left.DBInstances?.map((d) => d.DBInstanceIdentifier).sort()).toEqual([
      'airgap-restore-orders',
      'stand-in-db',
    ]);
    expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toContain(
      'airgap-restore-orders',
    );
  });

  it('creates only drill-named resources, and its objects only under its own prefix', () => {
    expect(evidence.snapshots).toEqual([]);
    expect(evidence.manifest.length).toBeGreaterThan(0);
    for (const m of evidence.manifest) expect(m.key.startsWith(`airgap-drill/${evidence.id}/`)).toBe(true);
    expect(evidence.cleanedUp).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`:db:airgap-drill-${evidence.id}-rds-0`),
        expect.stringContaining(`:cluster:airgap-drill-${evidence.id}-aurora-0`),
        expect.stringMatching(/^vol-/),
        `s3://${drillName(evidence.id, 's3-0')}`,
      ]),
    );
  });

  it('sends no attack that would change production; attacks on its own data run', () => {
    const notSent = evidence.attacks.filter((a) => a.emulator === 'not sent' && a.policy === 'allowed');
    expect(notSent.map((a) => a.attack)).toEqual(
      expect.arrayContaining([
        'add a lifecycle rule expiring everything',
        'schedule the snapshot share key’s deletion',
      ]),
    );
    expect(evidence.attacks.filter((a) => a.target === 'vault' && a.emulator !== 'not sent')).toEqual([]);
    expect(evidence.attacks.find((a) => a.attack === 'delete every object version')?.emulator).toBe(
      'executed',
    );
    expect(evidence.attacks.some((a) => a.attack.includes('Object Lock alone'))).toBe(false);
  });

  it('fails the verdict when replication and snapshot copies never reach the vault (moto does neither)', () => {
    expect(evidence.verdict.passed).toBe(false);
    expect(evidence.verdict.reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^s3:\/\/payments-invoices\/airgap-drill\/.*: not in the vault$/),
        expect.stringContaining(`:snapshot:airgap-drill-${evidence.id}-rds-0-`),
      ]),
    );
  });

  it('cleans up by drill tag only: production objects, databases and volumes stay', async () => {
    const s3 = moto.clients.for(S3Client, W, region);
    const left = await s3.send(new ListObjectVersionsCommand({ Bucket: 'payments-invoices' }));
    expect([...(left.Versions ?? []), ...(left.DeleteMarkers ?? [])].map((v) => v.Key)).toEqual([
      'invoices/0001.json',
    ]);
    const dbs = await moto.clients.for(RDSClient, W, region).send(new DescribeDBInstancesCommand({}));
    expect(dbs.DBInstances?.map((d) => d.DBInstanceIdentifier)).toEqual(['payments-db']);
    const vols = await moto.clients.for(EC2Client, W, region).send(new DescribeVolumesCommand({}));
    expect(vols.Volumes?.map((v) => v.VolumeId)).toEqual([production.volume]);
  });

  it('keeps every report file in the evidence bucket, locked COMPLIANCE by the bucket default (moto)', async () => {
    expect(evidence.evidenceStore).toBe(
      `s3://${evidenceBucket}/drill-${evidence.startedAt.replace(/[:.]/g, '-')}/`,
    );
    expect(kept.map((k) => [k.uri.split('/').pop(), k.outcome])).toEqual(
      report!.files.map((f) => [f.file, 'added']),
    );
    const s3 = moto.clients.for(S3Client, VAULT, region);
    for (const f of report!.files) {
      const head = await s3.send(
        new HeadObjectCommand({ Bucket: evidenceBucket, Key: `${basename(report!.dir)}/${f.file}` }),
      );
      expect(head.ObjectLockMode).toBe('COMPLIANCE');
      expect(head.ObjectLockRetainUntilDate!.getTime()).toBeGreaterThan(
        Date.now() + (config.vault.retention.days - 1) * 86_400_000,
      );
    }
  });

  it('re-keeping the same report is no error and writes no second version (moto)', async () => {
    const s3 = moto.clients.for(S3Client, VAULT, region);
    const versions = async () =>
      (await s3.send(new ListObjectVersionsCommand({ Bucket: evidenceBucket }))).Versions?.length;
    const before = await versions();
    const again = await keepEvidence(moto.clients, config, report!);
    expect(again.map((k) => k.outcome)).toEqual(report!.files.map(() => 'already kept'));
    expect(await versions()).toBe(before);
  });

  it('never overwrites kept evidence with other content, and says which file (moto)', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'airgap-aws-reports-'));
    const dir = join(copy, basename(report!.dir));
    cpSync(report!.dir, dir, { recursive: true });
    writeFileSync(join(dir, 'report.md'), '# rewritten\n');
    const rewrite = keepEvidence(moto.clients, config, { ...report!, dir });
    await expect(rewrite).rejects.toBeInstanceOf(CheckFailed);
    await expect(rewrite).rejects.toThrow(
      /report\.md is already kept with SHA-256 .*evidence is never overwritten/,
    );
  });

  it('refuses to start when the preflight fails, naming the check, and creates nothing', async () => {
    const missing = quickstart([
      ...accounts.edits,
      [['protect'], { s3: [{ account: W, names: ['payments-invoices', 'never-deployed'] }] }],
    ]);
    const before = await moto.clients.for(RDSClient, W, region).send(new DescribeDBInstancesCommand({}));
    const run = runDrill(missing, { target: 'aws', endpoint: moto.server.endpoint, templates });
    await expect(run).rejects.toBeInstanceOf(CheckFailed);
    await expect(run).rejects.toThrow(/vault bucket of never-deployed: NoSuchBucket/);
    const after = await moto.clients.for(RDSClient, W, region).send(new DescribeDBInstancesCommand({}));
    expect(after.DBInstances).toHaveLength(before.DBInstances!.length);
  }, 60_000);

  describe('a missing precondition is one line naming it and what puts it in place; nothing is created', () => {
    const operatorOn = (endpoint: string) =>
      new AwsClients({ region, roleName: ROLE_NAMES.operator, endpoint });
    const failed = (checks: PreflightCheck[]) =>
      checks.filter((c) => !c.passed).map((c) => `${c.check}: ${c.detail}`);

    it('accounts where nothing is deployed: each stack’s missing piece named with its stack (moto)', async () => {
      const bare = quickstart([
        [['organizations', 'source', 'workloadAccounts', 0, 'id'], '630000000002'],
        [['organizations', 'vault', 'vaultAccount'], '640000000002'],
        [['organizations', 'vault', 'restoreAccount'], '640000000004'],
        [['protect', 's3', 0, 'account'], '630000000002'],
        [['protect', 'rds', 0, 'account'], '630000000002'],
        [['protect', 'aurora', 0, 'account'], '630000000002'],
        [['protect', 'ebs', 0, 'account'], '630000000002'],
      ]);
      const lines = failed(await preflight(operatorOn(moto.server.endpoint), bare));
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^vault bucket of payments-invoices: NoSuchBucket: .*; deploy quickstart-airgap-vault-buckets-1 \(airgap synth\) in account 640000000002$/,
          ),
          expect.stringMatching(
            /^replication of payments-invoices into the vault: .*; run `airgap s3 configure-replication --bucket payments-invoices`$/,
          ),
          expect.stringMatching(
            /^evidence bucket: .*; deploy quickstart-airgap-vault \(airgap synth\) in account 640000000002$/,
          ),
          expect.stringMatching(
            /^vault key in us-east-1: NotFoundException: .*; deploy quickstart-airgap-vault /,
          ),
          expect.stringMatching(
            /^restore key in us-east-1: NotFoundException: .*; deploy quickstart-airgap-restore /,
          ),
          expect.stringMatching(
            /^snapshot share key of 630000000002 in us-east-1: .*; add account 630000000002 \(us-east-1\) to the quickstart-airgap-source-regional StackSet$/,
          ),
          expect.stringMatching(
            /^recovery catalog: ResourceNotFoundException: .*; deploy quickstart-airgap-vault /,
          ),
          expect.stringMatching(
            /^restore role AirGapRestore: NoSuchEntity.*; deploy quickstart-airgap-restore /,
          ),
        ]),
      );
      for (const line of lines) expect(line).not.toContain('\n');
      expect(new Set(lines).size).toBe(lines.length);
    });

    it('an account whose operator role cannot be assumed: one line with the trust fix, none of its other checks (moto; client mock: moto never refuses AssumeRole)', async () => {
      const clients = operatorOn(moto.server.endpoint);
      const sts = mockClient(clients.for(STSClient, RESTORE));
      sts
        .on(GetCallerIdentityCommand)
        .rejects(
          Object.assign(
            new Error(
              `User: arn:aws:sts::${VAULT}:assumed-role/ops/me is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${RESTORE}:role/AirGapOperator`,
            ),
            { name: 'AccessDenied' },
          ),
        );
      try {
        const lines = failed(await preflight(clients, config));
        expect(lines).toEqual([
          expect.stringMatching(
            new RegExp(
              `^account ${RESTORE} answers through arn:aws:iam::${RESTORE}:role/AirGapOperator: AccessDenied: .*; create AirGapOperator in account ${RESTORE} with a trust policy that lets .* assume it$`,
            ),
          ),
        ]);
      } finally {
        sts.restore();
      }
    });

    it('credentials that do not answer at all: a single line, no check per account (moto endpoint closed)', async () => {
      const lines = failed(await preflight(operatorOn('http://127.0.0.1:9'), config));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^AWS credentials: .*may assume AirGapOperator in every account$/);
    }, 60_000);
  });
});
