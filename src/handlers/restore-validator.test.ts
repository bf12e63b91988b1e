import { BackupClient, PutRestoreValidationResultCommand } from '@aws-sdk/client-backup';
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';

process.env['POWERTOOLS_METRICS_NAMESPACE'] = 'AirGapRecover';
process.env['POWERTOOLS_SERVICE_NAME'] = 'restore-validator';
process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
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
  beforeEach(() => {
    for (const m of [backup, s3, rds]) m.reset();
    backup.on(PutRestoreValidationResultCommand).resolves({});
  });
  afterAll(() => {
    for (const m of [backup, s3, rds]) m.restore();
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
    rds
      .on(DescribeDBClustersCommand)
      .resolves({ DBClusters: [{ Status: 'inaccessible-encryption-credentials' }] });
    await handler(event({ createdResourceArn: 'arn:aws:rds:us-east-1:200000000004:cluster:rt-1' }), context);
    expect(reported().map((r) => [r.ValidationStatus, r.ValidationStatusMessage])).toEqual([
      ['FAILED', 'restored bucket airgap-restore-x is empty'],
      ['FAILED', 'restored cluster rt-1 is inaccessible-encryption-credentials'],
    ]);
  });

  it('an available Aurora cluster passes; a type it does not check fails by name rather than passing unseen', async () => {
    rds
      .on(DescribeDBClustersCommand)
      .resolves({ DBClusters: [{ Status: 'available', Engine: 'aurora-mysql' }] });
    await handler(event({ createdResourceArn: 'arn:aws:rds:us-east-1:200000000004:cluster:rt-1' }), context);
    await handler(
      event({ createdResourceArn: 'arn:aws:ec2:us-east-1:200000000004:volume/vol-1', resourceType: 'EBS' }),
      context,
    );
    expect(reported().map((r) => [r.ValidationStatus, r.ValidationStatusMessage])).toEqual([
      ['SUCCESSFUL', 'restored cluster rt-1 is available (aurora-mysql)'],
      ['FAILED', 'no validation for EBS: only S3 buckets and Aurora clusters are checked'],
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
