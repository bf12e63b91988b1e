import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { CreateVolumeCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { DescribeFileSystemsCommand, EFSClient } from '@aws-sdk/client-efs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { quickstart } from '../../test/support/config.js';
import { useMoto } from '../../test/support/moto.js';
import { estimateCost } from './estimate.js';
import { observeSizes, withOverrides } from './observe.js';
import { priceSheet } from './prices.js';

const config = quickstart();
const WORKLOAD = '100000000002';
const NOW = new Date('2026-11-23T12:00:00Z');
const day = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

describe('observed sizes for airgap cost (moto: RDS, EBS; client mock: moto publishes no S3 or Aurora storage metrics)', () => {
  const moto = useMoto();
  const cw = mockClient(CloudWatchClient);
  afterAll(() => cw.restore());

  it('reads S3 BucketSizeBytes and NumberOfObjects (newest day), RDS allocated storage, Aurora VolumeBytesUsed, tagged EBS volume sizes', async () => {
    cw.on(GetMetricStatisticsCommand, { MetricName: 'BucketSizeBytes' }).resolves({
      Datapoints: [
        { Timestamp: day(2), Average: 900 * 1024 ** 3 },
        { Timestamp: day(1), Average: 1000 * 1024 ** 3 },
      ],
    });
    cw.on(GetMetricStatisticsCommand, { MetricName: 'NumberOfObjects' }).resolves({
      Datapoints: [{ Timestamp: day(1), Average: 5_000_000 }],
    });
    cw.on(GetMetricStatisticsCommand, { MetricName: 'VolumeBytesUsed' }).resolves({ Datapoints: [] });
    await moto.clients.for(RDSClient, WORKLOAD).send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'payments-db',
        DBInstanceClass: 'db.t3.micro',
        Engine: 'postgres',
        AllocatedStorage: 100,
        MasterUsername: 'admin',
        MasterUserPassword: 'not-a-secret-1',
      }),
    );
    const ec2 = moto.clients.for(EC2Client, WORKLOAD);
    const tagged = await ec2.send(
      new CreateVolumeCommand({
        AvailabilityZone: 'us-east-1a',
        Size: 200,
        TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'airgap', Value: 'protect' }] }],
      }),
    );
    await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 999 }));

    const sizes = await observeSizes(moto.clients, config, NOW);
    expect(sizes).toEqual({
      s3: { 'payments-invoices': { storedGiB: 1000, objects: 5_000_000 } },
      rds: { 'payments-db': { storedGiB: 100 } },
      // No data point: left out, never guessed.
      aurora: {},
      ebs: { [tagged.VolumeId!]: { storedGiB: 200 } },
      efs: {},
    });
    const bucketQuery = cw
      .commandCalls(GetMetricStatisticsCommand)
      .find((c) => c.args[0].input.MetricName === 'BucketSizeBytes')!.args[0].input;
    expect(bucketQuery).toMatchObject({
      Namespace: 'AWS/S3',
      Dimensions: [
        { Name: 'BucketName', Value: 'payments-invoices' },
        { Name: 'StorageType', Value: 'StandardStorage' },
      ],
      Period: 86_400,
    });

    // --sizes overrides field by field, and supplies what cannot be observed (change rates).
    const merged = withOverrides(sizes, {
      s3: { 'payments-invoices': { storedGiB: 1200, monthlyWriteGiB: 300 } },
      aurora: { 'payments-ledger': { storedGiB: 400, dailyChangeGiB: 10 } },
    });
    expect(merged.s3?.['payments-invoices']).toEqual({
      storedGiB: 1200,
      objects: 5_000_000,
      monthlyWriteGiB: 300,
    });
    expect(merged.rds?.['payments-db']).toEqual({ storedGiB: 100 });
    const estimate = estimateCost(config, merged, priceSheet('us-east-1'));
    expect(estimate.unsized).toEqual([]);
    expect(estimate.resources.find((r) => r.resource === tagged.VolumeId)?.paths.length).toBeGreaterThan(0);
  }, 120_000);

  it('reads each protected EFS file system’s metered size, by id or ARN, and leaves out one that is gone (client mock: moto’s file systems hold no data)', async () => {
    const efs = mockClient(EFSClient);
    try {
      efs
        .on(DescribeFileSystemsCommand, { FileSystemId: 'fs-0000000000000000a' })
        .resolves({ FileSystems: [{ SizeInBytes: { Value: 500 * 1024 ** 3 } } as never] });
      efs
        .on(DescribeFileSystemsCommand, { FileSystemId: 'fs-0000000000000000b' })
        .resolves({ FileSystems: [{ SizeInBytes: { Value: 3 * 1024 ** 3 } } as never] });
      efs
        .on(DescribeFileSystemsCommand, { FileSystemId: 'fs-0000000000000000c' })
        .rejects(Object.assign(new Error('gone'), { name: 'FileSystemNotFound' }));
      const arn = `arn:aws:elasticfilesystem:us-east-1:${WORKLOAD}:file-system/fs-0000000000000000b`;
      const withEfs = quickstart([
        [
          ['protect', 'efs'],
          [{ account: WORKLOAD, names: ['fs-0000000000000000a', 'fs-0000000000000000c'], arns: [arn] }],
        ],
      ]);
      expect((await observeSizes(moto.clients, withEfs, NOW)).efs).toEqual({
        'fs-0000000000000000a': { storedGiB: 500 },
        [arn]: { storedGiB: 3 },
      });
      expect(efs.commandCalls(DescribeFileSystemsCommand).map((c) => c.args[0].input.FileSystemId)).toEqual([
        'fs-0000000000000000a',
        'fs-0000000000000000c',
        'fs-0000000000000000b',
      ]);
    } finally {
      efs.restore();
    }
  }, 120_000);
});
