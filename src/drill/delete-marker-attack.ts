import {
  DeleteObjectCommand,
  paginateListObjectsV2,
  PutBucketReplicationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws/clients.js';
import { readBucket } from '../audit/read-bucket.js';
import { bucketRules } from '../audit/rules/s3.js';
import type { Finding } from '../audit/model.js';
import { protectedBuckets, type Config, type ProtectedBucket } from '../config/index.js';
import { replicationConfiguration } from '../protect/s3/replication.js';
import type { ProofModel } from '../proof/model.js';
import { principals } from '../proof/principals.js';
import {
  listAll,
  runAttempts,
  sampleKey,
  type Attempt,
  type AttackRecord,
  type DrillScope,
} from './attacks.js';

/** What the vault held of one bucket's drill data before and after the delete-marker attack (threat #5). */
export interface DeleteMarkerOutcome {
  bucket: string;
  vaultBucket: string;
  vaultVersionsBefore: number;
  vaultVersionsAfter: number;
  /** Delete markers in the vault afterwards: replicated ones when the attacker's rule change was carried out. */
  vaultMarkersAfter: number;
  /** Vault versions present before the attack and gone after it (`key@versionId`): must be none. */
  lost: string[];
}

/**
 * Threat #5: the attacker turns on delete-marker replication, then deletes every object, so the vault's current
 * view empties too. Tried first as a source administrator under the source SCPs (which refuse the rule change),
 * then as the source management account, which no SCP binds, would have it: the SCPs detached, the rule changed,
 * every object deleted. The delete markers replicate (`replicate`), and the vault must still hold every version.
 */
export async function runDeleteMarkerAttack(
  clients: AwsClients,
  config: Config,
  model: ProofModel,
  bucket: ProtectedBucket,
  scope: DrillScope,
  replicate: () => Promise<unknown>,
): Promise<{ records: AttackRecord[]; outcome: DeleteMarkerOutcome }> {
  const vault = clients.for(S3Client, config.organizations.vault.vaultAccount, config.vault.region);
  const held = async () => listAll(vault, bucket.vaultBucket, scope.prefix);
  const before = (await held()).filter((v) => !v.deleteMarker);
  const plan = deleteMarkerAttempts({ clients, config, model, bucket, scope });
  const guarded = await runAttempts(model, plan.guarded, scope);
  const unguardedRecords = await runAttempts(plan.unguardedModel, plan.unguarded, scope);
  await replicate();
  const after = await held();
  const kept = new Set(after.filter((v) => !v.deleteMarker).map((v) => `${v.key}@${v.versionId}`));
  return {
    records: [...guarded, ...unguardedRecords],
    outcome: {
      bucket: bucket.bucket,
      vaultBucket: bucket.vaultBucket,
      vaultVersionsBefore: before.length,
      vaultVersionsAfter: kept.size,
      vaultMarkersAfter: after.filter((v) => v.deleteMarker).length,
      lost: before.map((v) => `${v.key}@${v.versionId}`).filter((v) => !kept.has(v)),
    },
  };
}

/** The source-side change each executed attack makes, and the audit control that must see it (threats #3, #5). */
const DRIFT_OF: Record<string, string> = {
  's3:PutReplicationConfiguration': 'SOURCE_DELETE_MARKER_REPLICATION',
  's3:PutLifecycleConfiguration': 'SOURCE_LIFECYCLE_EXPIRY',
};

/**
 * After the attack: the protected buckets judged by `airgap audit`'s S3 rules, their failures kept, and one
 * problem per executed source change no control flagged.
 */
export async function driftAfterAttack(
  clients: AwsClients,
  config: Config,
  attacks: AttackRecord[],
): Promise<{ drift: Finding[]; unflagged: string[] }> {
  const buckets = await Promise.all(protectedBuckets(config).map((b) => readBucket(clients, config, b)));
  const drift = buckets.flatMap((b) => bucketRules(b, config)).filter((f) => f.status === 'fail');
  const unflagged = attacks
    .filter((a) => a.target === 'source' && a.emulator === 'executed' && DRIFT_OF[a.action])
    .filter(
      (a) =>
        !drift.some((f) => f.control === DRIFT_OF[a.action] && a.resource === `arn:aws:s3:::${f.resource}`),
    )
    .map((a) => `drift not flagged: ${a.attack} (${a.action}) left ${DRIFT_OF[a.action]} passing`);
  return { drift, unflagged };
}

/** Threat #5's attempts, built without a call: under the source SCPs, and with them detached (`unguardedModel`). */
export function deleteMarkerAttempts(ctx: {
  clients: AwsClients;
  config: Config;
  model: ProofModel;
  bucket: ProtectedBucket;
  scope: DrillScope;
}): { guarded: Attempt[]; unguarded: Attempt[]; unguardedModel: ProofModel } {
  const { clients, config, model, bucket, scope } = ctx;
  const who = principals(model);
  const sourceAdmin = who.find((p) => p.id === `source-admin:${bucket.account}`)!;
  const managementAdmin = who.find((p) => p.id === 'source-management-admin')!;
  const { managementAccount, id: sourceOrg } = config.organizations.source;
  const source = clients.for(S3Client, bucket.account, bucket.region);

  const markersOn = replicationConfiguration(config, bucket);
  for (const rule of markersOn.Rules ?? []) rule.DeleteMarkerReplication = { Status: 'Enabled' };
  const bucketArn = `arn:aws:s3:::${bucket.bucket}`;
  const enableMarkers = (label: string): Attempt => ({
    actor: sourceAdmin,
    attack: label,
    action: 's3:PutReplicationConfiguration',
    resource: bucketArn,
    resourceAccount: bucket.account,
    target: 'source',
    production: true,
    send: async () => {
      await source.send(
        new PutBucketReplicationCommand({ Bucket: bucket.bucket, ReplicationConfiguration: markersOn }),
      );
      return 'delete-marker replication enabled on the vault rule';
    },
  });
  const guarded: Attempt[] = [
    enableMarkers('turn on delete-marker replication (threat #5)'),
    {
      actor: managementAdmin,
      attack: 'detach the source organization’s SCPs (threat #5)',
      action: 'organizations:DetachPolicy',
      resource: `arn:aws:organizations::${managementAccount}:policy/${sourceOrg}/service_control_policy/*`,
      resourceAccount: managementAccount,
      target: 'source',
    },
  ];
  // What a fully compromised source organization can do: its SCPs are defence in depth, not the vault's guard.
  const unguarded = { ...model, guardrails: model.guardrails.filter((g) => g.organization !== 'source') };
  const unguardedAttempts: Attempt[] = [
    enableMarkers('turn on delete-marker replication, the source SCPs detached (threat #5)'),
    {
      actor: sourceAdmin,
      attack: 'delete every object, delete-marker replication on (threat #5)',
      action: 's3:DeleteObject',
      resource: `${bucketArn}/${sampleKey(scope)}`,
      resourceAccount: bucket.account,
      target: 'source',
      send: async () => {
        let n = 0;
        const listing = { client: source };
        for await (const page of paginateListObjectsV2(listing, {
          Bucket: bucket.bucket,
          ...(scope.prefix ? { Prefix: scope.prefix } : {}),
        }))
          for (const { Key } of page.Contents ?? []) {
            await source.send(new DeleteObjectCommand({ Bucket: bucket.bucket, Key }));
            n++;
          }
        return `${n} objects deleted (a delete marker each; their versions stay)`;
      },
    },
  ];
  return { guarded, unguarded: unguardedAttempts, unguardedModel: unguarded };
}
