import {
  GetBucketEncryptionCommand,
  PutBucketEncryptionCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  S3Client,
  type ReplicationConfiguration,
  type ServerSideEncryptionRule,
} from '@aws-sdk/client-s3';
import type { AwsClients } from '../../aws/clients.js';
import { RESOURCE_NAMES, ROLE_NAMES, type Config, type ProtectedBucket } from '../../config/index.js';

export const REPLICATION_RULE_ID = 'airgap-vault';

/**
 * The replication rule of a protected bucket: everything, into its own vault bucket in the vault account,
 * re-encrypted with the vault key, owned by the vault, with Replication Time Control and metrics.
 */
export function replicationConfiguration(config: Config, bucket: ProtectedBucket): ReplicationConfiguration {
  const { vaultAccount } = config.organizations.vault;
  const rtc = config.replication.replicationTimeControl;
  return {
    Role: `arn:aws:iam::${bucket.account}:role/${ROLE_NAMES.replication}`,
    Rules: [
      {
        ID: REPLICATION_RULE_ID,
        Priority: 1,
        Status: 'Enabled',
        Filter: { Prefix: '' },
        DeleteMarkerReplication: {
          Status: config.replication.deleteMarkerReplication ? 'Enabled' : 'Disabled',
        },
        SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
        Destination: {
          Bucket: `arn:aws:s3:::${bucket.vaultBucket}`,
          Account: vaultAccount,
          AccessControlTranslation: { Owner: 'Destination' },
          EncryptionConfiguration: {
            ReplicaKmsKeyID: `arn:aws:kms:${config.vault.region}:${vaultAccount}:${RESOURCE_NAMES.vaultKeyAlias(config)}`,
          },
          ...(rtc
            ? {
                ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
                Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
              }
            : {}),
        },
      },
    ],
  };
}

/**
 * Applies the replication rule to an existing protected bucket, as `airgap s3 configure-replication` does:
 * versioning on (replication needs it), the rule, and the SSE-C block where configured. Every call is a
 * PUT of the full desired state, so running it twice changes nothing.
 */
export async function configureReplication(
  clients: AwsClients,
  config: Config,
  bucket: ProtectedBucket,
): Promise<void> {
  const s3 = clients.for(S3Client, bucket.account, bucket.region);
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: bucket.bucket, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  await s3.send(
    new PutBucketReplicationCommand({
      Bucket: bucket.bucket,
      ReplicationConfiguration: replicationConfiguration(config, bucket),
    }),
  );
  if (config.replication.blockSseCOnSource) {
    const current = await s3
      .send(new GetBucketEncryptionCommand({ Bucket: bucket.bucket }))
      .catch(() => undefined);
    const rules: ServerSideEncryptionRule[] = current?.ServerSideEncryptionConfiguration?.Rules ?? [
      { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
    ];
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket.bucket,
        ServerSideEncryptionConfiguration: {
          Rules: rules.map((r) => ({ ...r, BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] } })),
        },
      }),
    );
  }
}
