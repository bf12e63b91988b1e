import {
  DeleteObjectCommand,
  GetBucketReplicationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type ReplicationRule,
} from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws/clients.js';
import { protectedBuckets, type Config, type ProtectedBucket } from '../config/index.js';
import { SOURCE_VERSION_METADATA } from '../protect/s3/metadata.js';
import { byKey, listVersions, type Version } from '../protect/s3/versions.js';

/**
 * EMULATION of S3 replication, for the sandbox only: moto stores a bucket's replication configuration but never
 * replicates. This applies each source bucket's *stored* rule (read back from the emulator, so a rule an attacker
 * deleted stops replication here too) as S3 would: new versions are written into the destination bucket with
 * the source version id recorded, delete markers only when the rule says so. Never used against AWS.
 */
export interface ReplicationPass {
  bucket: string;
  replicated: { key: string; sourceVersionId: string; vaultVersionId: string; at: Date }[];
  deleteMarkers: number;
  skipped: 'no-rule' | 'rule-disabled' | null;
}

export async function emulateReplication(clients: AwsClients, config: Config): Promise<ReplicationPass[]> {
  const passes: ReplicationPass[] = [];
  for (const bucket of protectedBuckets(config)) passes.push(await replicateBucket(clients, config, bucket));
  return passes;
}

async function replicateBucket(
  clients: AwsClients,
  config: Config,
  bucket: ProtectedBucket,
): Promise<ReplicationPass> {
  const pass: ReplicationPass = { bucket: bucket.bucket, replicated: [], deleteMarkers: 0, skipped: null };
  const source = clients.for(S3Client, bucket.account, bucket.region);
  const rule = await source
    .send(new GetBucketReplicationCommand({ Bucket: bucket.bucket }))
    .then((r) => r.ReplicationConfiguration?.Rules?.[0])
    .catch(() => undefined);
  if (!rule) return { ...pass, skipped: 'no-rule' };
  if (rule.Status !== 'Enabled') return { ...pass, skipped: 'rule-disabled' };
  const destination = rule.Destination?.Bucket?.replace(/^arn:aws:s3:::/, '');
  if (!destination) return { ...pass, skipped: 'no-rule' };
  // The replication role writes into the vault account's bucket.
  const vault = clients.for(S3Client, config.organizations.vault.vaultAccount, config.vault.region);
  // moto 5.2 keeps a rule's DeleteMarkerReplication as Disabled whatever was put, so that one field comes from the config.
  const replicateMarkers = config.replication.deleteMarkerReplication;
  const already = await replicatedSourceVersions(vault, destination, rulePrefix(rule));
  for await (const [key, history] of byKey(listVersions(source, bucket.bucket, rulePrefix(rule)))) {
    const seen = already.get(key) ?? { versions: new Set<string>(), newestMarker: 0 };
    for (const version of [...history].reverse()) {
      if (version.deleteMarker) {
        if (replicateMarkers && version.lastModified.getTime() > seen.newestMarker) {
          await vault.send(new DeleteObjectCommand({ Bucket: destination, Key: key }));
          pass.deleteMarkers++;
        }
      } else if (!seen.versions.has(version.versionId)) {
        const vaultVersionId = await replicateVersion(source, bucket.bucket, version, vault, destination);
        pass.replicated.push({ key, sourceVersionId: version.versionId, vaultVersionId, at: new Date() });
      }
    }
  }
  return pass;
}

function rulePrefix(rule: ReplicationRule): string | undefined {
  return rule.Filter?.Prefix || rule.Prefix || undefined;
}

/** Source version ids already in the destination, per key, and the time of the newest delete marker. */
async function replicatedSourceVersions(vault: S3Client, bucket: string, prefix: string | undefined) {
  const seen = new Map<string, { versions: Set<string>; newestMarker: number }>();
  for await (const [key, history] of byKey(listVersions(vault, bucket, prefix))) {
    const entry = { versions: new Set<string>(), newestMarker: 0 };
    for (const v of history) {
      if (v.deleteMarker) {
        entry.newestMarker = Math.max(entry.newestMarker, v.lastModified.getTime());
        continue;
      }
      const head = await vault.send(
        new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: v.versionId }),
      );
      entry.versions.add(head.Metadata?.[SOURCE_VERSION_METADATA] ?? v.versionId);
    }
    seen.set(key, entry);
  }
  return seen;
}

/**
 * Copies one source version into the vault, keeping content type, user metadata and SHA-256 checksum. A GET
 * and PUT rather than CopyObject: moto refuses a CopyObject into an Object Lock bucket without an MD5 header.
 */
export async function replicateVersion(
  source: S3Client,
  sourceBucket: string,
  version: Version,
  vault: S3Client,
  vaultBucket: string,
): Promise<string> {
  const object = await source.send(
    new GetObjectCommand({
      Bucket: sourceBucket,
      Key: version.key,
      VersionId: version.versionId,
      ChecksumMode: 'ENABLED',
    }),
  );
  const body = await object.Body!.transformToByteArray();
  const put = await vault.send(
    new PutObjectCommand({
      Bucket: vaultBucket,
      Key: version.key,
      Body: body,
      ContentType: object.ContentType,
      ChecksumAlgorithm: 'SHA256',
      ...(object.ChecksumSHA256 ? { ChecksumSHA256: object.ChecksumSHA256 } : {}),
      Metadata: { ...object.Metadata, [SOURCE_VERSION_METADATA]: version.versionId },
    }),
  );
  return put.VersionId!;
}
