import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateVolumeCommand, DescribeVolumesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { CreateDBInstanceCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  CreateBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckFailed } from '../src/errors.js';
import { evidenceBucketName } from '../src/drill/preflight.js';
import { runDrill, type DrillEvidence } from '../src/drill/run.js';
import { synthesize } from '../src/infra/synth.js';
import type { WrittenReport } from '../src/report/drill-report.js';
import { provisionSandbox } from '../src/sandbox/provision.js';
import { provisionSnapshotSandbox } from '../src/sandbox/snapshot-provision.js';
import { quickstart } from './support/config.js';
import { useMoto } from './support/moto.js';

const W = '610000000002';
const VAULT = '620000000002';
const config = quickstart([
  [['organizations', 'source', 'managementAccount'], '610000000001'],
  [['organizations', 'source', 'workloadAccounts', 0, 'id'], W],
  [['organizations', 'source', 'backupAccount'], '610000000003'],
  [['organizations', 'vault', 'managementAccount'], '620000000001'],
  [['organizations', 'vault', 'vaultAccount'], VAULT],
  [['organizations', 'vault', 'airGapAccount'], '620000000003'],
  [['organizations', 'vault', 'restoreAccount'], '620000000004'],
  [['protect', 's3', 0, 'account'], W],
  [['protect', 'rds', 0, 'account'], W],
  [['protect', 'aurora', 0, 'account'], W],
  [['protect', 'ebs', 0, 'account'], W],
]);
const region = config.vault.region;

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
  let production: { volume: string };

  beforeAll(async () => {
    const clients = moto.clients;
    await provisionSandbox(clients, config);
    await provisionSnapshotSandbox(clients, config);
    // The workload and vault accounts each in an organization of their own (moto's ids are random).
    for (const account of [W, VAULT])
      await clients
        .for(OrganizationsClient, account)
        .send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const vaultS3 = clients.for(S3Client, VAULT, region);
    const evidenceBucket = evidenceBucketName(config);
    await vaultS3.send(new CreateBucketCommand({ Bucket: evidenceBucket, ObjectLockEnabledForBucket: true }));
    await vaultS3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: evidenceBucket,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } },
        },
      }),
    );
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
    synthesize(config, templates, { nag: false });

    process.env['AWS_ACCESS_KEY_ID'] = 'AKIAAIRGAPOPERATOR00';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'operator';
    ({ evidence, report } = await runDrill(config, {
      target: 'aws',
      endpoint: moto.server.endpoint,
      templates,
      keys: 4,
      waitMs: { replication: 1_000, copy: 0 },
      reportDir: mkdtempSync(join(tmpdir(), 'airgap-aws-reports-')),
    }));
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

  it('creates only drill-named resources, and its objects only under its own prefix', () => {
    expect(evidence.snapshots).toEqual([]);
    expect(evidence.manifest.length).toBeGreaterThan(0);
    for (const m of evidence.manifest) expect(m.key.startsWith(`airgap-drill/${evidence.id}/`)).toBe(true);
    expect(evidence.cleanedUp).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`:db:airgap-drill-${evidence.id}-rds-0`),
        expect.stringContaining(`:cluster:airgap-drill-${evidence.id}-aurora-0`),
        expect.stringMatching(/^vol-/),
        expect.stringMatching(/^s3:\/\/airgap-restore-drill-\d+$/),
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

  it('keeps every evidence file in the evidence bucket under Object Lock COMPLIANCE', async () => {
    expect(evidence.evidenceStore).toBe(
      `s3://${evidenceBucketName(config)}/drill-${evidence.startedAt.replace(/[:.]/g, '-')}/`,
    );
    const s3 = moto.clients.for(S3Client, VAULT, region);
    for (const f of report!.files.filter((x) => x.file !== 'evidence.json')) {
      const head = await s3.send(
        new HeadObjectCommand({
          Bucket: evidenceBucketName(config),
          Key: `${report!.dir.split('/').pop()}/${f.file}`,
        }),
      );
      expect(head.ObjectLockMode).toBe('COMPLIANCE');
    }
  });

  it('refuses to start when the preflight fails, naming the check, and creates nothing', async () => {
    const missing = quickstart([
      ...([
        [['organizations', 'source', 'managementAccount'], '610000000001'],
        [['organizations', 'source', 'workloadAccounts', 0, 'id'], W],
        [['organizations', 'vault', 'managementAccount'], '620000000001'],
        [['organizations', 'vault', 'vaultAccount'], VAULT],
        [['organizations', 'vault', 'restoreAccount'], '620000000004'],
        [['protect'], { s3: [{ account: W, names: ['payments-invoices', 'never-deployed'] }] }],
      ] as [(string | number)[], unknown][]),
    ]);
    const before = await moto.clients.for(RDSClient, W, region).send(new DescribeDBInstancesCommand({}));
    const run = runDrill(missing, { target: 'aws', endpoint: moto.server.endpoint, templates });
    await expect(run).rejects.toBeInstanceOf(CheckFailed);
    await expect(run).rejects.toThrow(/vault bucket of never-deployed: NoSuchBucket/);
    const after = await moto.clients.for(RDSClient, W, region).send(new DescribeDBInstancesCommand({}));
    expect(after.DBInstances).toHaveLength(before.DBInstances!.length);
  }, 60_000);
});
