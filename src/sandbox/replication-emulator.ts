import {
  DeleteObjectCommand,
  GetBucketReplicationCommand,
  S3Client,
  type ReplicationRule,
} from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws/clients.js';
import { protectedBuckets, type Config, type ProtectedBucket } from '../config/index.js';
import { copyVersionToVault } from '../protect/s3/copy-version.js';
import { zipByKey } from '../protect/s3/key-merge.js';
import { vaultVersionsFromListing } from '../protect/s3/vault-versions.js';
import { listVersions } from '../protect/s3/versions.js';

/**
 * EMULATION of S3 replication, for the sandbox only: moto stores a bucket's replication configuration but never
 * replicates. This applies each source bucket's *stored* rule (read back with GetBucketReplication, so a rule
 * an attacker deleted or disabled stops replication here too) as S3 would, writing as the destination account:
 * new versions are written into the destination bucket with the source version id recorded (so a second pass
 * copies nothing), delete markers only when delete-marker replication is on. Never used against AWS.
 */
export interface ReplicationPass {
  bucket: string;
  /** `at`: when the copy was safe in the vault, for the drill's RPO. */
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
    .then((r) => [...(r.ReplicationConfiguration?.Rules ?? [])].sort(byPriority)[0])
    .catch(() => undefined);
  const destination = rule?.Destination?.Bucket?.replace(/^arn:aws:s3:::/, '');
  if (!rule || !destination) return { ...pass, skipped: 'no-rule' };
  if (rule.Status !== 'Enabled') return { ...pass, skipped: 'rule-disabled' };
  const vault = clients.for(
    S3Client,
    rule.Destination?.Account ?? config.organizations.vault.vaultAccount,
    config.vault.region,
  );
  // moto 5.2 answers GetBucketReplication with DeleteMarkerReplication Disabled and an empty prefix filter
  // whatever was stored; the sandbox's clients read back the marker setting of rules this process put
  // (readback.ts), and for rules put elsewhere it comes from the config the rule was made from.
  const replicateMarkers =
    rule.DeleteMarkerReplication?.Status === 'Enabled' || config.replication.deleteMarkerReplication;
  const prefix = rule.Filter?.Prefix || rule.Filter?.And?.Prefix || rule.Prefix || undefined;

  const histories = zipByKey(
    listVersions(source, bucket.bucket, prefix),
    vaultVersionsFromListing(vault, destination, prefix),
  );
  for await (const batch of histories) {
    for (const { key, left: history, right: copies } of batch) {
      const copied = new Set(copies.filter((c) => !c.deleteMarker).map((c) => c.sourceVersionId));
      const newestVaultMarker = Math.max(
        0,
        ...copies.filter((c) => c.deleteMarker).map((c) => c.lastModified.getTime()),
      );
      // Oldest first, so the vault's history has the source's order.
      for (const version of [...history].reverse()) {
        if (version.deleteMarker) {
          if (replicateMarkers && version.lastModified.getTime() > newestVaultMarker) {
            await vault.send(new DeleteObjectCommand({ Bucket: destination, Key: key }));
            pass.deleteMarkers++;
          }
        } else if (!copied.has(version.versionId)) {
          const { vaultVersionId } = await copyVersionToVault(
            source,
            bucket.bucket,
            version,
            vault,
            destination,
          );
          pass.replicated.push({ key, sourceVersionId: version.versionId, vaultVersionId, at: new Date() });
        }
      }
    }
  }
  return pass;
}

function byPriority(a: ReplicationRule, b: ReplicationRule): number {
  return (b.Priority ?? 0) - (a.Priority ?? 0);
}
