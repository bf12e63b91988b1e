import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketReplicationCommand,
  GetObjectLockConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws/clients.js';
import type { Config, ProtectedBucket } from '../config/index.js';
import { bucketExists } from '../protect/s3/bucket-exists.js';
import { absent } from './absent.js';
import type { BucketState } from './model.js';

/**
 * The configuration of one protected bucket (as its account) and of its vault bucket (as the vault account) that
 * the bucket rules judge: read by the audit for every protected bucket and by `airgap s3 verify` for its own. A
 * module of its own so that verify loads the S3 client only, not every client the audit reads with.
 */
export async function readBucket(
  clients: AwsClients,
  config: Config,
  bucket: ProtectedBucket,
): Promise<BucketState> {
  const source = clients.for(S3Client, bucket.account, bucket.region);
  const vault = clients.for(S3Client, config.organizations.vault.vaultAccount, config.vault.region);
  const vaultExists = await bucketExists(vault, bucket.vaultBucket);
  const [replication, lifecycle, sourceEnc, lock, vaultEnc] = await Promise.all([
    source
      .send(new GetBucketReplicationCommand({ Bucket: bucket.bucket }))
      .then((r) => r.ReplicationConfiguration, absent(undefined)),
    source
      .send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket.bucket }))
      .then((r) => r.Rules ?? [], absent([])),
    source
      .send(new GetBucketEncryptionCommand({ Bucket: bucket.bucket }))
      .then((r) => r.ServerSideEncryptionConfiguration?.Rules ?? [], absent([])),
    vaultExists
      ? vault
          .send(new GetObjectLockConfigurationCommand({ Bucket: bucket.vaultBucket }))
          .then((r) => r.ObjectLockConfiguration, absent(undefined))
      : undefined,
    vaultExists
      ? vault
          .send(new GetBucketEncryptionCommand({ Bucket: bucket.vaultBucket }))
          .then((r) => r.ServerSideEncryptionConfiguration?.Rules ?? [], absent([]))
      : [],
  ]);
  return {
    bucket,
    sourceReplication: replication,
    sourceLifecycle: lifecycle,
    sourceEncryption: sourceEnc,
    vaultExists,
    vaultObjectLock: lock,
    vaultEncryption: vaultEnc,
  };
}
