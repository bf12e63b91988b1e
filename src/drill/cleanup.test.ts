import {
  DeleteSnapshotCommand,
  DeleteVolumeCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DeleteDBSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import {
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectTaggingCommand,
  ListBucketsCommand,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../aws/clients.js';
import { parseConfig } from '../config/load.js';
import { TAGS } from '../config/names.js';
import { cleanUpDrill } from './cleanup.js';
import { drillName, drillPrefix } from './prefix.js';

const ID = '20261123t130000000z';
const mine = [{ Key: TAGS.drill, Value: ID }];
const other = [{ Key: TAGS.drill, Value: '20261122t090000000z' }];
const config = parseConfig(
  `name: t
organizations:
  source: { id: o-source0001, managementAccount: '100000000001', regions: [us-east-1],
            workloadAccounts: [{ id: '100000000002', name: w }] }
  vault: { id: o-vault00001, managementAccount: '200000000001', vaultAccount: '200000000002',
           restoreAccount: '200000000004' }
vault: { region: us-east-1, retention: { days: 30 } }
protect: { s3: [{ account: '100000000002', names: [data] }] }
governance: { controlTower: true }
`,
  'cleanup.yaml',
);
const rds = mockClient(RDSClient);
const ec2 = mockClient(EC2Client);
const s3 = mockClient(S3Client);
const failed = (name: string, message: string) => Object.assign(new Error(message), { name });
const sent = (mock: typeof rds | typeof ec2 | typeof s3, Command: abstract new (...a: never[]) => object) =>
  mock.commandCalls(Command as never).map((c) => c.args[0].input as Record<string, unknown>);

describe('drill clean-up on AWS (client mock: a delete AWS refuses half-way is not something moto does)', () => {
  const endpoint = process.env['AWS_ENDPOINT_URL'];
  beforeEach(() => {
    delete process.env['AWS_ENDPOINT_URL'];
    for (const m of [rds, ec2, s3]) m.reset();
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        { DBInstanceIdentifier: 'a', DBInstanceArn: 'arn:db:a', TagList: mine },
        { DBInstanceIdentifier: 'b', DBInstanceArn: 'arn:db:b', TagList: mine },
        { DBInstanceIdentifier: 'prod', DBInstanceArn: 'arn:db:prod', TagList: [] },
        { DBInstanceIdentifier: 'older', DBInstanceArn: 'arn:db:older', TagList: other },
      ],
    });
    rds.on(DescribeDBClustersCommand).resolves({
      DBClusters: [{ DBClusterIdentifier: 'c', DBClusterArn: 'arn:cluster:c', TagList: mine }],
    });
    rds.on(DescribeDBSnapshotsCommand).resolves({
      DBSnapshots: [{ DBSnapshotIdentifier: 's', DBSnapshotArn: 'arn:snapshot:s', TagList: mine }],
    });
    rds.on(DescribeDBClusterSnapshotsCommand).rejects(failed('AccessDenied', 'not authorized'));
    rds.on(DeleteDBInstanceCommand).resolves({});
    rds
      .on(DeleteDBInstanceCommand, { DBInstanceIdentifier: 'a' })
      .rejects(failed('InvalidDBInstanceStateFault', 'Instance a is not in available state'));
    rds.on(DeleteDBClusterCommand).resolves({});
    rds.on(DeleteDBSnapshotCommand).resolves({});
    ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotId: 'snap-1', Tags: mine }] });
    ec2.on(DeleteSnapshotCommand).rejects(failed('InvalidSnapshot.InUse', 'snap-1 is in use'));
    ec2.on(DescribeVolumesCommand).resolves({
      Volumes: [
        { VolumeId: 'vol-1', Tags: mine },
        { VolumeId: 'vol-prod', Tags: [] },
      ],
    });
    ec2.on(DeleteVolumeCommand).resolves({});
    s3.on(ListObjectVersionsCommand, { Bucket: 'data' }).resolves({
      Versions: [
        { Key: `${drillPrefix(ID)}k1`, VersionId: 'v1', LastModified: new Date() },
        { Key: `${drillPrefix(ID)}k2`, VersionId: 'v2', LastModified: new Date() },
      ],
    });
    s3.on(GetObjectTaggingCommand, { VersionId: 'v1' }).resolves({ TagSet: mine });
    s3.on(GetObjectTaggingCommand, { VersionId: 'v2' }).resolves({ TagSet: [] });
    s3.on(DeleteObjectCommand, { Bucket: 'data' }).rejects(failed('AccessDenied', 'denied'));
    // As if S3 ignored the prefix: another drill's restore bucket, a real restore's and production's come back too.
    s3.on(ListBucketsCommand).resolves({
      Buckets: [
        { Name: drillName(ID, 's3-0') },
        { Name: 'payroll' },
        { Name: 'airgap-restore-orders' },
        { Name: drillName('20261122t090000000z', 's3-0') },
      ],
    });
    s3.on(ListObjectVersionsCommand, { Bucket: drillName(ID, 's3-0') }).resolves({
      Versions: [{ Key: 'k', VersionId: 'r1', LastModified: new Date() }],
    });
    s3.on(DeleteObjectCommand, { Bucket: drillName(ID, 's3-0') }).resolves({});
    s3.on(DeleteBucketCommand).resolves({});
  });
  afterEach(() => {
    if (endpoint !== undefined) process.env['AWS_ENDPOINT_URL'] = endpoint;
  });

  it('tries every drill resource after a failure, and names each failure with its cause', async () => {
    const clients = new AwsClients({ region: 'us-east-1', roleName: 'AirGapOperator' });
    const report = await cleanUpDrill(clients, config, ID);
    expect(report.deleted).toEqual(
      expect.arrayContaining([
        'arn:db:b',
        'arn:cluster:c',
        'arn:snapshot:s',
        'vol-1',
        `s3://${drillName(ID, 's3-0')}`,
      ]),
    );
    expect(report.failed).toEqual(
      expect.arrayContaining([
        { resource: 'arn:db:a', error: 'InvalidDBInstanceStateFault: Instance a is not in available state' },
        { resource: 'snap-1', error: 'InvalidSnapshot.InUse: snap-1 is in use' },
        { resource: `s3://data/${drillPrefix(ID)}k1@v1`, error: 'AccessDenied: denied' },
        {
          resource: expect.stringMatching(/DB cluster snapshots in 200000000004\/us-east-1/),
          error: 'AccessDenied: not authorized',
        },
      ]),
    );
  });

  it('never touches what does not carry this drill’s tag or name: production, a real restore, or another drill’s resources', async () => {
    const clients = new AwsClients({ region: 'us-east-1', roleName: 'AirGapOperator' });
    await cleanUpDrill(clients, config, ID);
    const dbs = sent(rds, DeleteDBInstanceCommand).map((i) => i['DBInstanceIdentifier']);
    expect(new Set(dbs)).toEqual(new Set(['a', 'b']));
    expect(sent(ec2, DeleteVolumeCommand).map((i) => i['VolumeId'])).toEqual(['vol-1', 'vol-1']);
    expect(sent(s3, DeleteObjectCommand).map((i) => i['VersionId'])).toEqual(['v1', 'r1']);
    expect(sent(s3, DeleteBucketCommand).map((i) => i['Bucket'])).toEqual([drillName(ID, 's3-0')]);
    // Restore buckets are asked for by this drill's name, and only that one is even listed.
    expect(sent(s3, ListBucketsCommand).map((i) => i['Prefix'])).toEqual([drillName(ID, '')]);
    expect(sent(s3, ListObjectVersionsCommand).map((i) => i['Bucket'])).toEqual([
      'data',
      drillName(ID, 's3-0'),
    ]);
  });
});
