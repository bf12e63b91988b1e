import {
  BackupClient,
  DescribeRecoveryPointCommand,
  GetRecoveryPointRestoreMetadataCommand,
  ListRecoveryPointsByBackupVaultCommand,
  ListRestoreJobsCommand,
  StartRestoreJobCommand,
} from '@aws-sdk/client-backup';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DBClusterNotFoundFault, DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { quickstart } from '../../../test/support/config.js';
import { AwsClients, type AwsOptions } from '../../aws/clients.js';
import { ROLE_NAMES } from '../../config/index.js';
import { CheckFailed, InputError } from '../../errors.js';
import { resolveResource, restoreFromBackup, type BackupRestoreOptions } from './restore.js';
import { defaultTargetName, restoreMetadata } from './restore-metadata.js';

const config = quickstart();
const BUCKET = 'arn:aws:s3:::payments-invoices';
const LEDGER = 'arn:aws:rds:us-east-1:100000000002:cluster:payments-ledger';
const RESTORE_KEY = 'arn:aws:kms:us-east-1:200000000004:key/1111-2222';
const rp = (id: string) => `arn:aws:backup:us-east-1:100000000004:recovery-point:${id}`;

describe('restore metadata (pure)', () => {
  it('S3 always restores into a new bucket under the restore key, keeping only the point in time', () => {
    expect(
      restoreMetadata(
        's3',
        {
          RestoreTime: '2026-11-22T06:00:00Z',
          DestinationBucketName: 'payments-invoices',
          NewBucket: 'false',
        },
        { name: 'airgap-restore-x', kmsKeyArn: RESTORE_KEY },
      ),
    ).toEqual({
      RestoreTime: '2026-11-22T06:00:00Z',
      DestinationBucketName: 'airgap-restore-x',
      NewBucket: 'true',
      Encrypted: 'true',
      EncryptionType: 'SSE-KMS',
      KMSKey: RESTORE_KEY,
      CreationToken: expect.stringMatching(/^[0-9a-f]{36}$/),
    });
  });

  it('Aurora keeps the engine facts and drops what binds the source account (network, groups, key)', () => {
    const source = {
      dbClusterIdentifier: 'payments-ledger',
      engine: 'aurora-postgresql',
      engineVersion: '16.4',
      port: '5432',
      dbSubnetGroupName: 'prod-subnets',
      vpcSecurityGroupIds: '["sg-prod"]',
      kmsKeyId: 'arn:aws:kms:us-east-1:100000000002:key/prod',
      availabilityZones: '["us-east-1a"]',
      DBClusterParameterGroupName: 'prod-params',
    };
    const target = { name: 'airgap-restore-ledger', kmsKeyArn: RESTORE_KEY };
    expect(restoreMetadata('aurora', source, target)).toEqual({
      engine: 'aurora-postgresql',
      engineVersion: '16.4',
      port: '5432',
      dbClusterIdentifier: 'airgap-restore-ledger',
      kmsKeyId: RESTORE_KEY,
    });
    expect(
      restoreMetadata('aurora', source, {
        ...target,
        subnetGroup: 'restore-subnets',
        securityGroups: ['sg-r'],
      }),
    ).toMatchObject({ dbSubnetGroupName: 'restore-subnets', vpcSecurityGroupIds: '["sg-r"]' });
  });

  it('default targets are restore-prefixed, valid bucket and cluster names of at most 63 characters', () => {
    const name = defaultTargetName(
      'Payments_Ledger.with-a-very-long-name-that-goes-on-and-on',
      new Date('2026-11-22T06:05:00Z'),
    );
    expect(name).toMatch(/^airgap-restore-[a-z0-9-]+-202611220605$/);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).not.toMatch(/--/);
  });

  it('resolves names the config protects, accepts tag-selected ARNs of workload accounts, rejects the rest', () => {
    expect(resolveResource(config, 'payments-invoices')).toEqual({ arn: BUCKET, account: '100000000002' });
    expect(resolveResource(config, 'payments-ledger').arn).toBe(LEDGER);
    const tagged = 'arn:aws:rds:us-east-1:100000000002:cluster:tagged';
    expect(resolveResource(config, tagged)).toEqual({ arn: tagged, account: '100000000002' });
    expect(() => resolveResource(config, 'someone-elses-bucket')).toThrow(InputError);
  });
});

describe('restore from the air-gapped vault (client mock: moto has no recovery points or restore jobs)', () => {
  const backup = mockClient(BackupClient);
  const kms = mockClient(KMSClient);
  const s3 = mockClient(S3Client);
  const rds = mockClient(RDSClient);
  /**
   * Records which account, as which role, each client was asked for: the restore must never need the air-gap
   * account, and acts in the restore account as its restore role.
   */
  class RecordingClients extends AwsClients {
    constructor(
      options: AwsOptions,
      readonly accounts: string[] = [],
    ) {
      super(options);
    }
    override as(roleName: string): AwsClients {
      return new RecordingClients({ ...this.options, roleName }, this.accounts);
    }
    override for<C>(Client: new (config: never) => C, account: string, region?: string): C {
      this.accounts.push(`${Client.name}@${account}/${this.options.roleName}`);
      return super.for(Client as never, account, region) as C;
    }
  }
  let clients: RecordingClients;
  const opts = (o: Partial<BackupRestoreOptions> = {}): BackupRestoreOptions => ({
    resource: 'payments-invoices',
    recoveryPoint: 'latest',
    dryRun: false,
    ...o,
  });

  beforeEach(() => {
    for (const m of [backup, kms, s3, rds]) m.reset();
    clients = new RecordingClients({
      region: 'us-east-1',
      roleName: 'AirGapOperator',
      baseCredentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
    });
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({
      RecoveryPoints: [
        {
          RecoveryPointArn: rp('old'),
          ResourceArn: BUCKET,
          Status: 'COMPLETED',
          CreationDate: new Date('2026-11-20T05:00:00Z'),
        },
        {
          RecoveryPointArn: rp('new'),
          ResourceArn: BUCKET,
          Status: 'COMPLETED',
          CreationDate: new Date('2026-11-22T05:00:00Z'),
        },
        {
          RecoveryPointArn: rp('partial'),
          ResourceArn: BUCKET,
          Status: 'PARTIAL',
          CreationDate: new Date('2026-11-23T05:00:00Z'),
        },
      ],
    });
    backup
      .on(GetRecoveryPointRestoreMetadataCommand)
      .resolves({ RestoreMetadata: { DestinationBucketName: 'payments-invoices' } });
    backup.on(ListRestoreJobsCommand).resolves({ RestoreJobs: [] });
    backup.on(StartRestoreJobCommand).resolves({ RestoreJobId: 'job-1' });
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: '1111-2222', Arn: RESTORE_KEY } });
    s3.on(HeadBucketCommand).rejects(Object.assign(new Error('NotFound'), { name: 'NotFound' }));
  });
  afterAll(() => {
    for (const m of [backup, kms, s3, rds]) m.restore();
  });

  it('threat #22: restores the newest usable S3 point through the RAM share, from the restore account, with the restore service role', async () => {
    const report = await restoreFromBackup(clients, config, opts());
    const list = backup.commandCalls(ListRecoveryPointsByBackupVaultCommand)[0]!.args[0].input;
    expect(list).toMatchObject({
      BackupVaultName: 'quickstart-airgap-lag',
      BackupVaultAccountId: '100000000004',
      ByResourceArn: BUCKET,
    });
    const start = backup.commandCalls(StartRestoreJobCommand)[0]!.args[0].input;
    expect(start).toMatchObject({
      RecoveryPointArn: rp('new'),
      IamRoleArn: 'arn:aws:iam::200000000004:role/AirGapBackupRestoreService',
      ResourceType: 'S3',
      Metadata: {
        NewBucket: 'true',
        DestinationBucketName: 'airgap-restore-payments-invoices-202611220500',
        KMSKey: RESTORE_KEY,
      },
    });
    expect(report).toMatchObject({
      restoreJobId: 'job-1',
      resumed: false,
      target: 'arn:aws:s3:::airgap-restore-payments-invoices-202611220500',
    });
    expect(new Set(clients.accounts.map((a) => a.split('@')[1]))).toEqual(
      new Set([`200000000004/${ROLE_NAMES.restore}`]),
    );
  });

  it('threat #31: --dry-run reads and plans but sends no StartRestoreJob', async () => {
    const report = await restoreFromBackup(clients, config, opts({ dryRun: true }));
    expect(backup.commandCalls(StartRestoreJobCommand)).toHaveLength(0);
    expect(report.restoreJobId).toBeUndefined();
    expect(report.request.RecoveryPointArn).toBe(rp('new'));
  });

  it('threat #32: a re-run finds the job it started and starts nothing new', async () => {
    backup.on(ListRestoreJobsCommand).resolves({
      RestoreJobs: [{ RestoreJobId: 'job-0', RecoveryPointArn: rp('new'), Status: 'RUNNING' }],
    });
    const report = await restoreFromBackup(clients, config, opts());
    expect(report).toMatchObject({ restoreJobId: 'job-0', resumed: true });
    expect(backup.commandCalls(StartRestoreJobCommand)).toHaveLength(0);
  });

  it('threat #32: refuses a target that exists and that no restore of this point created', async () => {
    s3.on(HeadBucketCommand).resolves({});
    await expect(restoreFromBackup(clients, config, opts({ to: 'airgap-restore-taken' }))).rejects.toThrow(
      /already exists in the restore account/,
    );
    expect(backup.commandCalls(StartRestoreJobCommand)).toHaveLength(0);
  });

  it('Aurora: a new cluster under the restore key in the restore network, and the instance it still needs', async () => {
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({
      RecoveryPoints: [
        {
          RecoveryPointArn: rp('db'),
          ResourceArn: LEDGER,
          Status: 'AVAILABLE',
          CreationDate: new Date('2026-11-22T05:00:00Z'),
        },
      ],
    });
    backup.on(GetRecoveryPointRestoreMetadataCommand).resolves({
      RestoreMetadata: {
        dbClusterIdentifier: 'payments-ledger',
        engine: 'aurora-mysql',
        dbSubnetGroupName: 'prod',
        vpcSecurityGroupIds: '["sg-prod"]',
      },
    });
    rds
      .on(DescribeDBClustersCommand)
      .rejects(new DBClusterNotFoundFault({ message: 'not found', $metadata: {} }));
    const report = await restoreFromBackup(
      clients,
      config,
      opts({
        resource: 'payments-ledger',
        to: 'airgap-restore-ledger',
        subnetGroup: 'restore-db',
        securityGroups: ['sg-restore'],
      }),
    );
    expect(backup.commandCalls(StartRestoreJobCommand)[0]!.args[0].input).toMatchObject({
      ResourceType: 'Aurora',
      Metadata: {
        dbClusterIdentifier: 'airgap-restore-ledger',
        engine: 'aurora-mysql',
        kmsKeyId: RESTORE_KEY,
        dbSubnetGroupName: 'restore-db',
        vpcSecurityGroupIds: '["sg-restore"]',
      },
    });
    expect(report.target).toBe('arn:aws:rds:us-east-1:200000000004:cluster:airgap-restore-ledger');
    expect(report.nextSteps[0]).toMatch(/create-db-instance --db-cluster-identifier airgap-restore-ledger/);
  });

  it('bad input changes nothing: a point of another resource, a target outside the restore prefix, an EBS volume', async () => {
    backup.on(DescribeRecoveryPointCommand).resolves({
      RecoveryPointArn: rp('x'),
      ResourceArn: LEDGER,
      Status: 'COMPLETED',
      CreationDate: new Date(),
    });
    await expect(restoreFromBackup(clients, config, opts({ recoveryPoint: rp('x') }))).rejects.toThrow(
      /a recovery point of .*payments-ledger, not of/,
    );
    await expect(restoreFromBackup(clients, config, opts({ to: 'prod-bucket' }))).rejects.toThrow(InputError);
    await expect(
      restoreFromBackup(
        clients,
        config,
        opts({ resource: 'arn:aws:ec2:us-east-1:100000000002:volume/vol-1' }),
      ),
    ).rejects.toThrow(/restore backup takes S3 buckets and Aurora clusters/);
    expect(backup.commandCalls(StartRestoreJobCommand)).toHaveLength(0);
  });

  it('latest with no usable point in the air-gapped vault is a failed check, not a guess', async () => {
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({ RecoveryPoints: [] });
    await expect(restoreFromBackup(clients, config, opts())).rejects.toThrow(CheckFailed);
  });
});
