import {
  CreateBucketCommand,
  DeleteBucketEncryptionCommand,
  GetBucketEncryptionCommand,
  GetBucketReplicationCommand,
  PutBucketEncryptionCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { readBucket } from '../src/audit/read-bucket.js';
import { bucketRules } from '../src/audit/rules/s3.js';
import { AwsClients } from '../src/aws/clients.js';
import { protectedBuckets } from '../src/config/index.js';
import { configureReplication, replicationConfiguration } from '../src/protect/s3/replication.js';
import { SANDBOX_BASE_CREDENTIALS, SANDBOX_ROLE } from '../src/sandbox/session.js';
import { ownAccounts, quickstart } from './support/config.js';
import { useMoto } from './support/moto.js';

const accounts = ownAccounts('63', '64');
const config = quickstart(accounts.edits);
const bucket = protectedBuckets(config)[0]!;

describe('sandbox S3 clients read back what moto drops: delete-marker replication (moto answers Disabled whatever was stored), the SSE-C block (moto answers no BlockedEncryptionTypes)', () => {
  const moto = useMoto();
  /** The same clients without the sandbox's read-back: what moto itself answers, or what another process puts. */
  const plain = () =>
    new AwsClients({
      endpoint: moto.server.endpoint,
      region: bucket.region,
      roleName: SANDBOX_ROLE,
      baseCredentials: SANDBOX_BASE_CREDENTIALS,
    }).for(S3Client, accounts.workload, bucket.region);
  const sseCControl = async () =>
    bucketRules(await readBucket(moto.clients, config, bucket), config).find(
      (f) => f.control === 'SOURCE_SSE_C_BLOCKED',
    );
  const rulesRead = async (s3: S3Client) =>
    (await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket.bucket })))
      .ServerSideEncryptionConfiguration?.Rules;
  const bucketKms = {
    ApplyServerSideEncryptionByDefault: {
      SSEAlgorithm: 'aws:kms' as const,
      KMSMasterKeyID: `arn:aws:kms:${bucket.region}:${accounts.workload}:key/bucket-own-key`,
    },
    BucketKeyEnabled: true,
  };
  const sseCBlock = { BlockedEncryptionTypes: { EncryptionType: ['SSE-C' as const] } };

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
    const raw = await plain().send(new GetBucketReplicationCommand({ Bucket: bucket.bucket }));
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

  it('threat #2: the SSE-C block configure-replication puts beside the bucket’s own SSE-KMS default reads back, and the audit passes it (moto)', async () => {
    const s3 = moto.clients.for(S3Client, accounts.workload, bucket.region);
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket.bucket,
        ServerSideEncryptionConfiguration: { Rules: [bucketKms] },
      }),
    );
    await configureReplication(moto.clients, config, bucket);

    expect(await rulesRead(s3)).toEqual([{ ...bucketKms, ...sseCBlock }]);
    expect(await rulesRead(plain())).toEqual([bucketKms]);
    expect(await sseCControl()).toMatchObject({ status: 'pass' });
  });

  it('threat #2: an attacker’s encryption put without the SSE-C block reads back without it, and the audit fails it (moto)', async () => {
    const s3 = moto.clients.for(S3Client, accounts.workload, bucket.region);
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket.bucket,
        ServerSideEncryptionConfiguration: { Rules: [{ ...bucketKms, ...sseCBlock }] },
      }),
    );
    expect(await rulesRead(s3)).toEqual([{ ...bucketKms, ...sseCBlock }]);
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket.bucket,
        ServerSideEncryptionConfiguration: { Rules: [bucketKms] },
      }),
    );

    expect(await rulesRead(s3)).toEqual([bucketKms]);
    expect(await sseCControl()).toMatchObject({ status: 'fail', reason: 'SSE-C writes are not blocked' });
  });

  it('threat #2: a deleted encryption configuration is forgotten, so one put again elsewhere without the block reads as moto answers it (moto)', async () => {
    const s3 = moto.clients.for(S3Client, accounts.workload, bucket.region);
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket.bucket,
        ServerSideEncryptionConfiguration: { Rules: [{ ...bucketKms, ...sseCBlock }] },
      }),
    );
    await s3.send(new DeleteBucketEncryptionCommand({ Bucket: bucket.bucket }));
    // Another process (the AWS CLI, an earlier airgap run) puts the same rule without the block.
    await plain().send(
      new PutBucketEncryptionCommand({
        Bucket: bucket.bucket,
        ServerSideEncryptionConfiguration: { Rules: [bucketKms] },
      }),
    );

    expect(await rulesRead(s3)).toEqual([bucketKms]);
    expect(await sseCControl()).toMatchObject({ status: 'fail' });
  });

  it('threat #2: a rule other than the one put (another key, put by another process) reads as moto answers it, without the block (moto)', async () => {
    const s3 = moto.clients.for(S3Client, accounts.workload, bucket.region);
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket.bucket,
        ServerSideEncryptionConfiguration: { Rules: [{ ...bucketKms, ...sseCBlock }] },
      }),
    );
    const otherKey = {
      ApplyServerSideEncryptionByDefault: {
        SSEAlgorithm: 'aws:kms' as const,
        KMSMasterKeyID: `arn:aws:kms:${bucket.region}:${accounts.workload}:key/attacker-key`,
      },
      BucketKeyEnabled: false,
    };
    await plain().send(
      new PutBucketEncryptionCommand({
        Bucket: bucket.bucket,
        ServerSideEncryptionConfiguration: { Rules: [otherKey] },
      }),
    );

    expect(await rulesRead(s3)).toEqual([otherKey]);
  });
});
