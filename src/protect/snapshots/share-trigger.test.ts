import { describe, expect, it } from 'vitest';
import { shareRequestOf } from './share-trigger.js';

const base = { account: '100000000002', region: 'us-east-1' };

describe('shareRequestOf (event shapes as AWS documents them)', () => {
  it('reads an RDS manual snapshot event and an Aurora cluster snapshot event', () => {
    expect(
      shareRequestOf({
        ...base,
        'detail-type': 'RDS DB Snapshot Event',
        detail: {
          SourceType: 'SNAPSHOT',
          SourceArn: 'arn:aws:rds:us-east-1:100000000002:snapshot:rds:orders-2026-11-23-05-00',
        },
      }),
    ).toEqual({ ...base, service: 'rds', snapshotId: 'rds:orders-2026-11-23-05-00' });
    expect(
      shareRequestOf({
        ...base,
        'detail-type': 'RDS DB Cluster Snapshot Event',
        detail: { SourceArn: 'arn:aws:rds:us-east-1:100000000002:cluster-snapshot:ledger-manual' },
      }),
    ).toEqual({ ...base, service: 'aurora', snapshotId: 'ledger-manual' });
  });

  it('reads a succeeded EBS snapshot and ignores a failed one', () => {
    const ebs = (result: string) =>
      shareRequestOf({
        ...base,
        'detail-type': 'EBS Snapshot Notification',
        detail: {
          event: 'createSnapshot',
          result,
          snapshot_id: 'arn:aws:ec2::us-east-1:snapshot/snap-0123456789abcdef0',
        },
      });
    expect(ebs('succeeded')).toEqual({ ...base, service: 'ebs', snapshotId: 'snap-0123456789abcdef0' });
    expect(ebs('failed')).toBeUndefined();
  });

  it('reads a completed AWS Backup job of EBS by its recovery point, and ignores a running one or S3', () => {
    const job = (state: string, resourceType: string) =>
      shareRequestOf({
        ...base,
        'detail-type': 'Backup Job State Change',
        detail: {
          state,
          resourceType,
          recoveryPointArn: 'arn:aws:ec2:us-east-1::snapshot/snap-0fedcba9876543210',
        },
      });
    expect(job('COMPLETED', 'EBS')).toEqual({
      ...base,
      service: 'ebs',
      snapshotId: 'snap-0fedcba9876543210',
    });
    expect(job('RUNNING', 'EBS')).toBeUndefined();
    expect(job('COMPLETED', 'S3')).toBeUndefined();
  });
});
