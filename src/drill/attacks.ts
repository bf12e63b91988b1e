import {
  DeleteObjectCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketReplicationCommand,
  PutObjectCommand,
  PutObjectRetentionCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateKeyCommand, KMSClient, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { randomBytes } from 'node:crypto';
import type { AwsClients } from '../aws/clients.js';
import { listVersions, type Version } from '../protect/s3/versions.js';
import { TAGS, type Config, type ProtectedBucket } from '../config/index.js';
import { authorize } from '../proof/evaluate.js';
import { vaultResource, type ProofModel } from '../proof/model.js';
import { principals, type Principal } from '../proof/principals.js';

export interface AttackRecord {
  actor: string;
  attack: string;
  action: string;
  resource: string;
  /** Where the attacked data lives: the source is compromised by assumption; the vault must hold. */
  target: 'source' | 'vault';
  policy: 'allowed' | 'denied';
  decidedBy: string[];
  emulator: 'executed' | 'refused' | 'not sent';
  emulatorDetail: string;
  /** Who stopped it: a policy statement, Object Lock, or nothing. */
  stoppedBy: string;
  gotThrough: boolean;
  at: string;
}

export interface Attempt {
  actor: Principal;
  attack: string;
  action: string;
  resource: string;
  resourceAccount: string;
  target: 'source' | 'vault';
  context?: Record<string, string>;
  resourcePolicy?: object;
  /** The call against the emulator, sent only if AWS would authorize it; absent where moto cannot perform it. */
  send?: () => Promise<string>;
  /** It would change production (a bucket's configuration, a shared key, the vault): never sent to real accounts. */
  production?: boolean;
}

/** What one drill may touch: its id (tags), its key prefix, and whether production attempts may be sent at all. */
export interface DrillScope {
  id: string;
  prefix: string;
  sendsProductionAttacks: boolean;
}

/**
 * The ransomware playbook, as an administrator of the source organization and then, with stolen credentials,
 * against the vault (also as a vault administrator without MFA). moto enforces no policy, so each attempt is
 * first authorized by the same evaluation as `airgap prove` and sent to the emulator only if AWS would allow it.
 */
export async function runAttacks(
  clients: AwsClients,
  config: Config,
  model: ProofModel,
  bucket: ProtectedBucket,
  scope: DrillScope,
): Promise<AttackRecord[]> {
  const source = clients.for(S3Client, bucket.account, bucket.region);
  const vaultS3 = clients.for(S3Client, config.organizations.vault.vaultAccount, config.vault.region);
  const created = await clients.for(KMSClient, bucket.account, bucket.region).send(
    new CreateKeyCommand({
      Description: 'drill: source workload key',
      Tags: [{ TagKey: TAGS.drill, TagValue: scope.id }],
    }),
  );
  const versions = await listAll(source, bucket.bucket, scope.prefix);
  const vaultVersions = await listAll(vaultS3, bucket.vaultBucket, scope.prefix);
  // The drill's own first version in the vault (a delete marker is no locked data: S3 lets anyone with the right
  // delete one); when none reached it, the attempts are authorized on its key alone.
  const firstVault = vaultVersions.find((v) => !v.deleteMarker) ?? {
    key: versions[0]?.key ?? sampleKey(scope),
    versionId: undefined,
  };
  const attempts = s3Attempts({
    clients,
    config,
    model,
    bucket,
    scope,
    versions,
    firstVault,
    sourceKey: { arn: created.KeyMetadata!.Arn!, keyId: created.KeyMetadata!.KeyId! },
  });
  const records = await runAttempts(model, attempts, scope);
  if (scope.sendsProductionAttacks && firstVault.versionId)
    records.push(
      await objectLockProbe(vaultS3, bucket, { key: firstVault.key, versionId: firstVault.versionId }),
    );
  return records;
}

/** What the S3 playbook aims at: found by the drill at attack time, or named in advance by the dry run's plan. */
export interface S3AttackContext {
  clients: AwsClients;
  config: Config;
  model: ProofModel;
  bucket: ProtectedBucket;
  scope: DrillScope;
  /** The source bucket's versions under the drill's prefix. */
  versions: Version[];
  /** The version the vault attacks aim at; without a version id they are authorized on its key alone. */
  firstVault: { key: string; versionId: string | undefined };
  /** The workload key the drill creates in the source account. */
  sourceKey: { arn: string; keyId: string };
}

/** A key of the drill's workload, for attempts authorized before any object exists. */
export const sampleKey = (scope: Pick<DrillScope, 'prefix'>) => `${scope.prefix}invoices/0000.json`;

/** The S3 playbook's attempts, built without a call: each `send` runs only if `runAttempts` sends it. */
export function s3Attempts(ctx: S3AttackContext): Attempt[] {
  const { clients, config, model, bucket, scope, versions, firstVault, sourceKey } = ctx;
  const { vault } = config.organizations;
  const who = principals(model);
  const sourceAdmin = who.find((p) => p.id === `source-admin:${bucket.account}`)!;
  const vaultAdmin = who.find((p) => p.id === 'vault-admin')!;
  const source = clients.for(S3Client, bucket.account, bucket.region);
  const vaultS3 = clients.for(S3Client, vault.vaultAccount, config.vault.region);
  const sourceKms = clients.for(KMSClient, bucket.account, bucket.region);
  const vaultBucketArn = `arn:aws:s3:::${bucket.vaultBucket}`;
  const vaultKey = vaultResource(model, 'key')!;
  const sample = versions[0]?.key ?? firstVault.key;
  const sendsOnVersion = <T>(send: T) => (firstVault.versionId ? send : undefined);

  const onSource = (
    attack: string,
    action: string,
    resource: string,
    send: Attempt['send'],
    context?: Record<string, string>,
  ): Attempt => ({
    actor: sourceAdmin,
    attack,
    action,
    resource,
    resourceAccount: bucket.account,
    target: 'source',
    send,
    ...(context ? { context } : {}),
  });
  const productionOnSource = (...args: Parameters<typeof onSource>): Attempt => ({
    ...onSource(...args),
    production: true,
  });
  const onVault = (
    actor: Principal,
    attack: string,
    action: string,
    resource: string,
    send?: Attempt['send'],
  ): Attempt => ({
    actor,
    attack,
    action,
    resource,
    resourceAccount: vault.vaultAccount,
    target: 'vault',
    production: true,
    ...(send ? { send } : {}),
  });
  const vaultAttacks = (actor: Principal, s3: S3Client): Attempt[] => [
    // Vault operators may read the vault; what they must not do is destroy it. Strangers may do neither.
    ...(actor.trust === 'attacker'
      ? [onVault(actor, 'decrypt vault data with the vault key', 'kms:Decrypt', vaultKey.arn)]
      : []),
    onVault(
      actor,
      'delete a locked vault version',
      's3:DeleteObjectVersion',
      `${vaultBucketArn}/${firstVault.key}`,
      sendsOnVersion(async () => {
        await s3.send(
          new DeleteObjectCommand({
            Bucket: bucket.vaultBucket,
            Key: firstVault.key,
            VersionId: firstVault.versionId,
          }),
        );
        return 'version deleted';
      }),
    ),
    onVault(
      actor,
      'shorten a vault version’s retention',
      's3:PutObjectRetention',
      `${vaultBucketArn}/${firstVault.key}`,
      sendsOnVersion(async () => {
        await s3.send(
          new PutObjectRetentionCommand({
            Bucket: bucket.vaultBucket,
            Key: firstVault.key,
            VersionId: firstVault.versionId,
            Retention: { Mode: 'COMPLIANCE', RetainUntilDate: new Date(Date.now() + 60_000) },
          }),
        );
        return 'retention shortened';
      }),
    ),
    onVault(
      actor,
      'expire the vault with a lifecycle rule',
      's3:PutLifecycleConfiguration',
      vaultBucketArn,
      async () => {
        await s3.send(
          new PutBucketLifecycleConfigurationCommand({
            Bucket: bucket.vaultBucket,
            LifecycleConfiguration: expireAll,
          }),
        );
        return 'lifecycle rule set';
      },
    ),
    onVault(actor, 'open the vault bucket policy', 's3:PutBucketPolicy', vaultBucketArn, async () => {
      await s3.send(
        new PutBucketPolicyCommand({
          Bucket: bucket.vaultBucket,
          Policy: '{"Version":"2012-10-17","Statement":[]}',
        }),
      );
      return 'bucket policy replaced';
    }),
    // moto can neither address another account's key by ARN nor enforce key policies: policy decides alone.
    onVault(actor, 'schedule the vault key’s deletion', 'kms:ScheduleKeyDeletion', vaultKey.arn),
  ];

  return [
    // moto takes no SSE-C over plain HTTP, so an authorized SSE-C overwrite is replayed as a plain one.
    onSource(
      'overwrite every object with "encrypted" data (SSE-C)',
      's3:PutObject',
      `arn:aws:s3:::${bucket.bucket}/${sample}`,
      () => overwriteAll(source, bucket.bucket, versions, scope.id),
      { 's3:x-amz-server-side-encryption-customer-algorithm': 'AES256' },
    ),
    onSource(
      'overwrite every object with ransomed bytes',
      's3:PutObject',
      `arn:aws:s3:::${bucket.bucket}/${sample}`,
      () => overwriteAll(source, bucket.bucket, versions, scope.id),
    ),
    productionOnSource(
      'add a lifecycle rule expiring everything',
      's3:PutLifecycleConfiguration',
      `arn:aws:s3:::${bucket.bucket}`,
      async () => {
        await source.send(
          new PutBucketLifecycleConfigurationCommand({
            Bucket: bucket.bucket,
            LifecycleConfiguration: expireAll,
          }),
        );
        return 'lifecycle rule set';
      },
    ),
    productionOnSource(
      'disable replication to the vault',
      's3:PutReplicationConfiguration',
      `arn:aws:s3:::${bucket.bucket}`,
      async () => {
        await source.send(
          new PutBucketReplicationCommand({
            Bucket: bucket.bucket,
            ReplicationConfiguration: {
              Role: `arn:aws:iam::${bucket.account}:role/x`,
              Rules: [
                {
                  Status: 'Disabled',
                  Destination: { Bucket: 'arn:aws:s3:::x' },
                  Filter: { Prefix: '' },
                  Priority: 1,
                  DeleteMarkerReplication: { Status: 'Disabled' },
                },
              ],
            },
          }),
        );
        return 'replication rule disabled';
      },
    ),
    onSource(
      'delete every object version',
      's3:DeleteObjectVersion',
      `arn:aws:s3:::${bucket.bucket}/${sample}`,
      async () => {
        for (const v of await listAll(source, bucket.bucket, scope.prefix)) {
          await source.send(
            new DeleteObjectCommand({ Bucket: bucket.bucket, Key: v.key, VersionId: v.versionId }),
          );
        }
        return 'every version and delete marker deleted';
      },
    ),
    {
      ...onSource(
        'schedule the source key’s deletion',
        'kms:ScheduleKeyDeletion',
        sourceKey.arn,
        async () => {
          await sourceKms.send(
            new ScheduleKeyDeletionCommand({ KeyId: sourceKey.keyId, PendingWindowInDays: 7 }),
          );
          return 'key deletion scheduled';
        },
      ),
      // The workload's own key carries KMS's default policy: the account administers it through IAM.
      resourcePolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${bucket.account}:root` },
            Action: 'kms:*',
            Resource: '*',
          },
        ],
      },
    },
    ...vaultAttacks(sourceAdmin, clients.for(S3Client, bucket.account, config.vault.region)),
    ...vaultAttacks(vaultAdmin, vaultS3),
  ];
}

/** The proof's evaluation of one attempt, in Strict mode: one concrete request, every fact known. */
export function authorizeAttempt(model: ProofModel, a: Attempt): ReturnType<typeof authorize> {
  return authorize(
    model,
    a.actor,
    {
      action: a.action,
      resource: a.resource,
      resourceAccount: a.resourceAccount,
      ...(a.context ? { context: a.context } : {}),
      ...(a.resourcePolicy ? { resourcePolicy: a.resourcePolicy } : {}),
    },
    'Strict',
  );
}

/**
 * Each attempt is authorized first by the proof's evaluation (Strict mode: one concrete request, every fact known)
 * and sent only if AWS would allow it; where it is sent and the target refuses, the refusal is recorded too.
 */
export async function runAttempts(
  model: ProofModel,
  attempts: Attempt[],
  scope: Pick<DrillScope, 'sendsProductionAttacks'>,
): Promise<AttackRecord[]> {
  const records: AttackRecord[] = [];
  for (const a of attempts) {
    const decision = await authorizeAttempt(model, a);
    const record: AttackRecord = {
      actor: a.actor.label,
      attack: a.attack,
      action: a.action,
      resource: a.resource,
      target: a.target,
      policy: decision.allowed ? 'allowed' : 'denied',
      decidedBy: decision.decidedBy,
      emulator: 'not sent',
      emulatorDetail: decision.allowed ? '' : 'AWS would refuse it, so it was not sent',
      stoppedBy: decision.allowed ? 'nothing' : decision.decidedBy.join(', '),
      gotThrough: false,
      at: new Date().toISOString(),
    };
    const sendable = a.send && (scope.sendsProductionAttacks || !a.production);
    if (decision.allowed && !sendable) {
      record.emulatorDetail = a.send
        ? 'AWS would allow it; not sent, as it would change production'
        : 'AWS would allow it; the emulator cannot perform it';
      record.gotThrough = a.target === 'vault';
    } else if (decision.allowed && a.send) {
      try {
        record.emulatorDetail = await a.send();
        record.emulator = 'executed';
      } catch (e) {
        record.emulator = 'refused';
        record.emulatorDetail = e instanceof Error ? e.message : String(e);
        record.stoppedBy = `emulator: ${record.emulatorDetail}`;
      }
      record.gotThrough = a.target === 'vault' && record.emulator !== 'refused';
    }
    records.push(record);
  }
  return records;
}

/**
 * Tests the last line on its own: the vault administrator's delete, with the governance bypass header, sent
 * to the emulator as if every policy were gone. COMPLIANCE must refuse it; GOVERNANCE does not.
 */
async function objectLockProbe(
  s3: S3Client,
  bucket: ProtectedBucket,
  version: { key: string; versionId: string },
): Promise<AttackRecord> {
  const record: AttackRecord = {
    actor: 'vault account administrator, every policy assumed gone',
    attack: 'delete a locked vault version with the governance bypass (Object Lock alone)',
    action: 's3:DeleteObjectVersion',
    resource: `arn:aws:s3:::${bucket.vaultBucket}/${version.key}`,
    target: 'vault',
    policy: 'allowed',
    decidedBy: ['policies skipped on purpose: this probes Object Lock alone'],
    emulator: 'executed',
    emulatorDetail: 'version deleted',
    stoppedBy: 'nothing',
    gotThrough: true,
    at: new Date().toISOString(),
  };
  try {
    await s3.send(
      new DeleteObjectCommand({
        Bucket: bucket.vaultBucket,
        Key: version.key,
        VersionId: version.versionId,
        BypassGovernanceRetention: true,
      }),
    );
  } catch (e) {
    record.emulator = 'refused';
    record.emulatorDetail = `Object Lock refused (${(e as { name?: string }).name ?? 'AccessDenied'})`;
    record.stoppedBy = 'Object Lock (COMPLIANCE)';
    record.gotThrough = false;
  }
  return record;
}

async function overwriteAll(
  s3: S3Client,
  bucket: string,
  versions: Version[],
  drillId: string,
): Promise<string> {
  const keys = new Set(versions.filter((v) => !v.deleteMarker).map((v) => v.key));
  for (const key of keys) {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: randomBytes(256),
        ChecksumAlgorithm: 'SHA256',
        Tagging: drillTagging(drillId),
      }),
    );
  }
  return `${keys.size} objects overwritten`;
}

const expireAll = {
  Rules: [
    {
      ID: 'ransom',
      Status: 'Enabled' as const,
      Filter: { Prefix: '' },
      Expiration: { Days: 1 },
      NoncurrentVersionExpiration: { NoncurrentDays: 1 },
    },
  ],
};

export async function listAll(s3: S3Client, bucket: string, prefix: string): Promise<Version[]> {
  const out: Version[] = [];
  for await (const page of listVersions(s3, bucket, prefix || undefined)) out.push(...page);
  return out;
}

/** The drill tag as S3's Tagging header wants it, so clean-up on AWS finds every version the drill wrote. */
export const drillTagging = (id: string) => `${encodeURIComponent(TAGS.drill)}=${encodeURIComponent(id)}`;
