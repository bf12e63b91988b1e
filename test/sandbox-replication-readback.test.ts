import {
  CreateBucketCommand,
  GetBucketReplicationCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { readBucket } from '../src/audit/read-bucket.js';
import { bucketRules } from '../src/audit/rules/s3.js';
import { AwsClients } from '../src/aws/clients.js';
import { protectedBuckets } from '../src/config/index.js';
import { replicationConfiguration } from '../src/protect/s3/replication.js';
import { SANDBOX_BASE_CREDENTIALS, SANDBOX_ROLE } from '../src/sandbox/session.js';
import { ownAccounts, quickstart } from './support/config.js';
import { useMoto } from './support/moto.js';

const accounts = ownAccounts('63', '64');
const config = quickstart(accounts.edits);
const bucket = protectedBuckets(config)[0]!;

describe('sandbox S3 clients read back delete-marker replication (moto answers Disabled whatever was stored)', () => {
  const moto = useMoto();

  it('threat #5: the attacker’s delete-marker replication reads back Enabled, and the audit flags it as drift (moto)', async () => {
    const s3 = moto.clients.for(S3Client, accounts.workload, bucket.region);
    await s3.send(new CreateBucketCommand({ Bucket: bucket.bucket }));
    await s3.send(
      new PutBucketVersioningCommand({
        Bucket: bucket.bucket,
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    const markersOn = replicationConfiguration(config, bucket);
    markersOn.Rules![0]!.DeleteMarkerReplication = { Status: 'Enabled' };
    await s3.send(
      new PutBucketReplicationCommand({ Bucket: bucket.bucket, ReplicationConfiguration: markersOn }),
    );

    const read = await s3.send(new GetBucketReplicationCommand({ Bucket: bucket.bucket }));
    expect(read.ReplicationConfiguration?.Rules?.[0]?.DeleteMarkerReplication).toEqual({ Status: 'Enabled' });
    // The same read without the sandbox's read-back: what moto itself answers.
    const plain = new AwsClients({
      endpoint: moto.server.endpoint,
      region: bucket.region,
      roleName: SANDBOX_ROLE,
      baseCredentials: SANDBOX_BASE_CREDENTIALS,
    }).for(S3Client, accounts.workload, bucket.region);
    const raw = await plain.send(new GetBucketReplicationCommand({ Bucket: bucket.bucket }));
    expect(raw.ReplicationConfiguration?.Rules?.[0]?.DeleteMarkerReplication).toEqual({ Status: 'Disabled' });

    expect(
      bucketRules(await readBucket(moto.clients, config, bucket), config).find(
        (f) => f.control === 'SOURCE_DELETE_MARKER_REPLICATION',
      ),
    ).toMatchObject({
      status: 'fail',
      reason: 'delete markers replicate although the config says not to',
    });
  });

  it('a rule put again without delete-marker replication reads back Disabled (moto)', async () => {
    const s3 = moto.clients.for(S3Client, accounts.workload, bucket.region);
    await s3.send(
      new PutBucketReplicationCommand({
        Bucket: bucket.bucket,
        ReplicationConfiguration: replicationConfiguration(config, bucket),
      }),
    );
    const read = await s3.send(new GetBucketReplicationCommand({ Bucket: bucket.bucket }));
    expect(read.ReplicationConfiguration?.Rules?.[0]?.DeleteMarkerReplication).toEqual({
      Status: 'Disabled',
    });
  });
});
