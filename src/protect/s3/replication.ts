import {
  GetBucketEncryptionCommand,
  PutBucketEncryptionCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  S3Client,
  type PutBucketEncryptionCommandInput,
  type PutBucketReplicationCommandInput,
  type PutBucketVersioningCommandInput,
  type ReplicationConfiguration,
  type ServerSideEncryptionRule,
} from '@aws-sdk/client-s3';
import type { AwsClients } from '../../aws/clients.js';
import type { Config, ProtectedBucket } from '../../config/index.js';
import { RESOURCE_NAMES, ROLE_NAMES } from '../../config/names.js';

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

/** One PUT of the desired state onto a protected bucket. */
export type ReplicationStep =
  | { call: 'PutBucketVersioning'; input: PutBucketVersioningCommandInput }
  | { call: 'PutBucketReplication'; input: PutBucketReplicationCommandInput }
  | { call: 'PutBucketEncryption'; input: PutBucketEncryptionCommandInput };

export interface ReplicationPlan {
  bucket: string;
  account: string;
  vaultBucket: string;
  steps: ReplicationStep[];
}

/**
 * What `airgap s3 configure-replication` writes onto an existing protected bucket: versioning on (replication
 * needs it), the replication rule, and the SSE-C block where configured, kept beside the bucket's own default
 * encryption, which is the one thing read. Every step is a PUT of the full desired state, so applying the plan
 * twice changes nothing.
 */
export async function planReplication(
  clients: AwsClients,
  config: Config,
  bucket: ProtectedBucket,
): Promise<ReplicationPlan> {
  const steps: ReplicationStep[] = [
    {
      call: 'PutBucketVersioning',
      input: { Bucket: bucket.bucket, VersioningConfiguration: { Status: 'Enabled' } },
    },
    {
      call: 'PutBucketReplication',
      input: { Bucket: bucket.bucket, ReplicationConfiguration: replicationConfiguration(config, bucket) },
    },
  ];
  if (config.replication.blockSseCOnSource) {
    const s3 = clients.for(S3Client, bucket.account, bucket.region);
    // Only an absent configuration falls back to SSE-S3: a read that was refused or throttled would otherwise
    // replace the bucket's own default (SSE-KMS, its key) with SSE-S3.
    const current = await s3
      .send(new GetBucketEncryptionCommand({ Bucket: bucket.bucket }))
      .catch((e: unknown) => {
        if ((e as Error).name === 'ServerSideEncryptionConfigurationNotFoundError') return undefined;
        throw e;
      });
    const rules: ServerSideEncryptionRule[] = current?.ServerSideEncryptionConfiguration?.Rules ?? [
      { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
    ];
    steps.push({
      call: 'PutBucketEncryption',
      input: {
        Bucket: bucket.bucket,
        ServerSideEncryptionConfiguration: {
          Rules: rules.map((r) => ({ ...r, BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] } })),
        },
      },
    });
  }
  return { bucket: bucket.bucket, account: bucket.account, vaultBucket: bucket.vaultBucket, steps };
}

/** Sends a plan's PUTs, in order, as the bucket's account. */
export async function applyReplicationPlan(
  clients: AwsClients,
  bucket: ProtectedBucket,
  plan: ReplicationPlan,
): Promise<void> {
  const s3 = clients.for(S3Client, bucket.account, bucket.region);
  for (const step of plan.steps) {
    if (step.call === 'PutBucketVersioning') await s3.send(new PutBucketVersioningCommand(step.input));
    else if (step.call === 'PutBucketReplication') await s3.send(new PutBucketReplicationCommand(step.input));
    else await s3.send(new PutBucketEncryptionCommand(step.input));
  }
}

/** Plans and applies the replication rule of a protected bucket (the sandbox provisioning and the command). */
export async function configureReplication(
  clients: AwsClients,
  config: Config,
  bucket: ProtectedBucket,
): Promise<ReplicationPlan> {
  const plan = await planReplication(clients, config, bucket);
  await applyReplicationPlan(clients, bucket, plan);
  return plan;
}
