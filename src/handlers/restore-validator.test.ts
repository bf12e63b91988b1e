import {
  BackupClient,
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  PutRestoreValidationResultCommand,
} from '@aws-sdk/client-backup';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

process.env['POWERTOOLS_METRICS_NAMESPACE'] = 'AirGapRecover';
process.env['POWERTOOLS_SERVICE_NAME'] = 'restore-validator';
process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
// Metrics to the global console (spied on), and on although POWERTOOLS_DEV would turn them off.
process.env['POWERTOOLS_DEV'] = 'true';
process.env['AIRGAP_DEPLOYMENT'] = 'quickstart';
process.env['POWERTOOLS_METRICS_DISABLED'] = 'false';
const { handler } = await import('./restore-validator.js');

const context = { functionName: 'restore-validator', awsRequestId: 'r1' } as Context;
/** Shaped like AWS Backup's documented "Restore Job State Change" event. */
const event = (detail: Record<string, unknown>) =>
  ({
    source: 'aws.backup',
    'detail-type': 'Restore Job State Change',
    detail: {
      restoreJobId: 'job-1',
      status: 'COMPLETED',
      restoreTestingPlanArn:
        'arn:aws:backup:us-east-1:200000000004:restore-testing-plan:quickstart_airgap-abc',
      ...detail,
    },
  }) as unknown as EventBridgeEvent<'Restore Job State Change', unknown>;

describe('restore test validation handler (client mock: moto has no restore jobs or PutRestoreValidationResult)', () => {
  const backup = mockClient(BackupClient);
  const s3 = mockClient(S3Client);
  const rds = mockClient(RDSClient);
  const kms = mockClient(KMSClient);
  const KEY = 'arn:aws:kms:us-east-1:200000000004:key/restore';
  const LAG = 'arn:aws:backup:us-east-1:100000000004:backup-vault:quickstart-airgap-lag';
  const POINT = 'arn:aws:backup:us-east-1:100000000004:recovery-point:rp-1';
  /**
   * A restored cluster as DescribeDBClusters shows it after an AWS Backup restore: no member instance (AWS Backup
   * creates none), usable unless edited.
   */
  const cluster = (edits: Record<string, unknown> = {}) => ({
    DBClusters: [
      {
        DBClusterIdentifier: 'rt-1',
        Status: 'available',
        DBClusterMembers: [],
        Engine: 'aurora-mysql',
        EngineVersion: '8.0.mysql_aurora.3.08.0',
        StorageEncrypted: true,
        KmsKeyId: KEY,
        DeletionProtection: false,
        ...edits,
      },
    ],
  });
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  /** The EMF metrics published, as [name, dimension names, dimension values]. */
  const metrics = () =>
    log.mock.calls.flatMap(([line]) => {
      if (typeof line !== 'string' || !line.includes('"_aws"')) return [];
      const emf = JSON.parse(line) as Record<string, unknown> & {
        _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] };
      };
      const [m] = emf._aws.CloudWatchMetrics;
      const dims = m!.Dimensions[0] ?? [];
      return [[m!.Metrics[0]!.Name, dims, dims.map((d) => emf[d])]];
    });
  beforeEach(() => {
    for (const m of [backup, s3, rds, kms]) m.reset();
    backup.on(PutRestoreValidationResultCommand).resolves({});
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: 'restore', Arn: KEY } });
    backup.on(DescribeRestoreJobCommand).resolves({ RecoveryPointArn: POINT, BackupVaultArn: LAG });
    backup.on(GetRecoveryPointRestoreMetadataCommand).resolves({
      RestoreMetadata: { engine: 'aurora-mysql', engineVersion: '8.0.mysql_aurora.3.08.0' },
    });
    // What AWS answers for a cluster restored by AWS Backup: it has no instance.
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
    log.mockClear();
  });
  afterAll(() => {
    for (const m of [backup, s3, rds, kms]) m.restore();
    log.mockRestore();
    for (const k of ['POWERTOOLS_DEV', 'POWERTOOLS_METRICS_DISABLED', 'AIRGAP_DEPLOYMENT'])
      delete process.env[k];
  });

  it('a failed validation publishes RestoreTestFailures with exactly the dimension the restore account alarm queries; a pass publishes RestoreTestsPassed', async () => {
    s3.on(ListObjectsV2Command).resolvesOnce({ KeyCount: 0 }).resolves({ KeyCount: 2 });
    const arn = 'arn:aws:s3:::airgap-restore-x';
    await handler(event({ createdResourceArn: arn, resourceType: 'S3' }), context);
    await handler(event({ createdResourceArn: arn, resourceType: 'S3' }), context);
    expect(metrics().filter(([name]) => name !== 'ColdStart')).toEqual([
      ['RestoreTestFailures', ['ResourceType'], ['S3']],
      ['RestoreTestsPassed', ['ResourceType'], ['S3']],
    ]);
  });
  const reported = () => backup.commandCalls(PutRestoreValidationResultCommand).map((c) => c.args[0].input);

  it('a restored bucket with objects is reported SUCCESSFUL to AWS Backup', async () => {
    s3.on(ListObjectsV2Command).resolves({ KeyCount: 1 });
    const verdict = await handler(event({ createdResourceArn: 'arn:aws:s3:::airgap-restore-x' }), context);
    expect(verdict).toEqual({
      status: 'SUCCESSFUL',
      message: 'restored bucket airgap-restore-x holds objects',
    });
    expect(reported()).toEqual([
      {
        RestoreJobId: 'job-1',
        ValidationStatus: 'SUCCESSFUL',
        ValidationStatusMessage: 'restored bucket airgap-restore-x holds objects',
      },
    ]);
  });

  it('threat #30: an empty restored bucket, or an Aurora cluster that is not available, is reported FAILED', async () => {
    s3.on(ListObjectsV2Command).resolves({ KeyCount: 0 });
    await handler(event({ createdResourceArn: 'arn:aws:s3:::airgap-restore-x' }), context);
    rds.on(DescribeDBClustersCommand).resolves(cluster({ Status: 'inaccessible-encryption-credentials' }));
    await handler(event({ createdResourceArn: 'arn:aws:rds:us-east-1:200000000004:cluster:rt-1' }), context);
    expect(reported().map((r) => [r.ValidationStatus, r.ValidationStatusMessage])).toEqual([
      ['FAILED', 'restored bucket airgap-restore-x is empty'],
      [
        'FAILED',
        'restored cluster rt-1 is not usable: cluster status is inaccessible-encryption-credentials, not available',
      ],
    ]);
  });

  it('an available Aurora cluster passes; a type it does not check fails by name rather than passing unseen', async () => {
    rds.on(DescribeDBClustersCommand).resolves(cluster());
    await handler(event({ createdResourceArn: 'arn:aws:rds:us-east-1:200000000004:cluster:rt-1' }), context);
    await handler(
      event({ createdResourceArn: 'arn:aws:ec2:us-east-1:200000000004:volume/vol-1', resourceType: 'EBS' }),
      context,
    );
    expect(reported().map((r) => [r.ValidationStatus, r.ValidationStatusMessage])).toEqual([
      [
        'SUCCESSFUL',
        'restored cluster rt-1 passes the cluster checks: available, aurora-mysql 8.0.mysql_aurora.3.08.0 as backed up, under the restore key, deletable; data not queried: AWS Backup restores an Aurora cluster without a DB instance',
      ],
      ['FAILED', 'no validation for EBS: only S3 buckets and Aurora clusters are checked'],
    ]);
  });

  it('threat #30: an Aurora restore test is checked against its recovery point in the shared vault and the restore key, every failed check reported (client mock: moto has no AWS Backup restore jobs)', async () => {
    rds.on(DescribeDBClustersCommand).resolves(
      cluster({
        EngineVersion: '8.0.mysql_aurora.3.09.0',
        KmsKeyId: 'arn:aws:kms:us-east-1:100000000002:key/source',
        DeletionProtection: true,
      }),
    );
    await handler(
      event({
        createdResourceArn: 'arn:aws:rds:us-east-1:200000000004:cluster:rt-1',
        resourceType: 'Aurora',
      }),
      context,
    );
    expect(backup.commandCalls(GetRecoveryPointRestoreMetadataCommand)[0]!.args[0].input).toEqual({
      BackupVaultName: 'quickstart-airgap-lag',
      BackupVaultAccountId: '100000000004',
      RecoveryPointArn: POINT,
    });
    expect(reported()[0]).toEqual({
      RestoreJobId: 'job-1',
      ValidationStatus: 'FAILED',
      ValidationStatusMessage: [
        "restored cluster rt-1 is not usable: engineVersion is 8.0.mysql_aurora.3.09.0, the recovery point's is 8.0.mysql_aurora.3.08.0",
        `encrypted with arn:aws:kms:us-east-1:100000000002:key/source, not the restore key ${KEY}`,
        'deletion protection is on: AWS Backup cannot delete the test cluster after its validation',
      ].join('; '),
    });
  });

  it('threat #30: an Aurora restore test passes on its cluster alone, since AWS Backup restores a cluster without any DB instance, and the verdict says the data was not queried (client mock: DescribeDBClusters with empty DBClusterMembers, as AWS shows such a cluster)', async () => {
    rds.on(DescribeDBClustersCommand).resolves(cluster());
    const verdict = await handler(
      event({
        createdResourceArn: 'arn:aws:rds:us-east-1:200000000004:cluster:rt-1',
        resourceType: 'Aurora',
      }),
      context,
    );
    expect(verdict).toMatchObject({ status: 'SUCCESSFUL' });
    expect(reported()).toEqual([
      expect.objectContaining({
        ValidationStatus: 'SUCCESSFUL',
        ValidationStatusMessage: expect.stringMatching(
          /available, .* as backed up, under the restore key, deletable; data not queried: AWS Backup restores an Aurora cluster without a DB instance$/,
        ),
      }),
    ]);
    expect(metrics().filter(([name]) => name !== 'ColdStart')).toEqual([
      ['RestoreTestsPassed', ['ResourceType'], ['Aurora']],
    ]);
  });

  it('a failing check (access denied) is a FAILED result with the reason, not a crash', async () => {
    s3.on(ListObjectsV2Command).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    await handler(event({ createdResourceArn: 'arn:aws:s3:::airgap-restore-x' }), context);
    expect(reported()[0]).toMatchObject({
      ValidationStatus: 'FAILED',
      ValidationStatusMessage: expect.stringMatching(/AccessDenied: denied/),
    });
  });

  it('ignores restore jobs outside restore testing, and unfinished ones: nothing is reported', async () => {
    expect(await handler(event({ restoreTestingPlanArn: undefined }), context)).toEqual({
      skipped: 'not a completed restore test',
    });
    expect(await handler(event({ status: 'RUNNING' }), context)).toEqual({
      skipped: 'not a completed restore test',
    });
    expect(reported()).toEqual([]);
  });
});
