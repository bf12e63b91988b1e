import type { AwsClients } from '../../aws/clients.js';
import { catalogId } from '../../catalog/catalog.js';
import { RESOURCE_NAMES, TAGS, type Config } from '../../config/index.js';
import { keyArnOf, readKeyFacts } from '../kms/key-facts.js';
import { isShareable, judgeKey, type KeyVerdict } from '../kms/key-verdict.js';
import { keyAdvice } from './key-advice.js';
import type { OwnedSnapshot, SnapshotApi, SnapshotService } from './model.js';
import { isProtected, resourceOfArn } from './selection.js';

export interface ShareContext {
  clients: AwsClients;
  config: Config;
  apis: Record<SnapshotService, SnapshotApi>;
}

/** A new snapshot in a workload account: what the snapshot event names. */
export interface ShareRequest {
  service: SnapshotService;
  account: string;
  region: string;
  snapshotId: string;
}

/**
 * shared / already-shared: the vault can copy `shared` (the snapshot itself, or its re-copy under the share key).
 * recopying: the snapshot cannot be shared as it is; a copy under the share key is under way and is shared when
 * it completes (its own completion event, or the next run, finishes the work).
 * refused: nothing was shared; `notes` say exactly what to change. not-protected, not-ready: nothing to do now.
 */
export interface ShareOutcome {
  action: 'shared' | 'already-shared' | 'recopying' | 'refused' | 'not-protected' | 'not-ready';
  snapshot: string;
  shared?: string;
  notes: string[];
}

/** The deterministic id of a snapshot's re-copy under the share key (EBS finds it by its source-ARN tag). */
export const recopyId = (sourceArn: string) => `airgap-share-${catalogId(sourceArn)}`;

/**
 * The source-side share step: share a new snapshot of a protected resource with the vault account. Snapshots
 * AWS will not share (AWS-managed key, automated or AWS Backup snapshots) or that the vault could not decrypt
 * (unencrypted, a key that does not grant the vault) are never shared as they are (threat #13): they are
 * re-copied under the source stack's share key, and the notes say what to change so the re-copy is not needed.
 * Idempotent: the re-copy has a deterministic id, and sharing twice adds the vault account once.
 */
export async function shareWithVault(ctx: ShareContext, req: ShareRequest): Promise<ShareOutcome> {
  const api = ctx.apis[req.service];
  const snap = await api.describeOwned(req.account, req.region, req.snapshotId);
  const ref = `${req.service} snapshot ${req.snapshotId} (account ${req.account}, ${req.region})`;
  if (!snap) return { action: 'refused', snapshot: ref, notes: [`${ref} not found`] };
  if (snap.status !== 'available')
    return { action: 'not-ready', snapshot: snap.arn, notes: [`${ref} is not complete yet`] };

  const resources = await api.listResources(req.account, req.region);
  const resource =
    resources.find((r) => r.arn === snap.resource) ?? resourceOfArn(snap.resource, req.service);
  if (!isProtected(ctx.config, resource))
    return {
      action: 'not-protected',
      snapshot: snap.arn,
      notes: [`${resource.arn} is not selected by protect.${req.service} of the config`],
    };

  const alias = RESOURCE_NAMES.sourceKeyAlias(ctx.config);
  const shareKeyArn = await keyArnOf(ctx.clients, req.account, req.region, alias);
  const verdict = await verdictOf(ctx, snap, shareKeyArn);
  const advice = keyAdvice(verdict, {
    service: req.service,
    resource: resource.name,
    shareKeyAlias: alias,
    vaultAccount: ctx.config.organizations.vault.vaultAccount,
  });
  const problems = [
    ...(snap.type === 'manual' ? [] : [`is an ${snap.type} snapshot, which AWS does not let you share`]),
    ...('problem' in verdict ? [verdict.problem] : []),
  ];
  if (problems.length === 0) return share(ctx, snap.arn, snap, []);

  const cannotCopy =
    verdict.kind === 'unusable' ||
    verdict.kind === 'unreadable' ||
    (verdict.kind === 'unencrypted' && req.service === 'aurora');
  if (cannotCopy)
    return {
      action: 'refused',
      snapshot: snap.arn,
      notes: [`${snap.arn} ${problems.join(' and ')}: ${advice}`],
    };
  if (!shareKeyArn)
    return {
      action: 'refused',
      snapshot: snap.arn,
      notes: [
        `${snap.arn} ${problems.join(' and ')}, and the share key ${alias} does not exist in account ${req.account} ${req.region}: deploy the source StackSet instance there (airgap synth writes it and its parameters to the manifest)`,
      ],
    };

  const id = recopyId(snap.arn);
  const why = [
    `${snap.arn} ${problems.join(' and ')}: re-copied as ${id} under ${alias}, and that copy is what the vault gets` +
      (isShareable(verdict) ? '' : `; to share directly, ${advice}`),
  ];
  const existing = await api.findCopy(req.account, req.region, id, snap.arn);
  if (!existing) {
    const started = await api.copyWithin(snap, {
      account: req.account,
      region: req.region,
      id,
      kmsKeyArn: shareKeyArn,
      tags: { [TAGS.sourceArn]: snap.arn, [TAGS.createdAt]: snap.createdAt.toISOString() },
    });
    return { action: 'recopying', snapshot: snap.arn, shared: started.arn, notes: why };
  }
  if (existing.status === 'pending')
    return { action: 'recopying', snapshot: snap.arn, shared: existing.arn, notes: why };
  const recopy = await api.describeOwned(req.account, req.region, existing.id);
  if (existing.status === 'failed' || !recopy)
    return {
      action: 'refused',
      snapshot: snap.arn,
      notes: [`the copy ${existing.id} of ${snap.arn} under ${alias} failed: delete it to retry; ${advice}`],
    };
  const checked = await verdictOf(ctx, recopy, shareKeyArn);
  if (checked.kind !== 'share-key')
    return {
      action: 'refused',
      snapshot: snap.arn,
      notes: [
        `the copy ${recopy.arn} of ${snap.arn} is not under ${alias}: it ${'problem' in checked ? checked.problem : 'uses another key'}; delete it to retry`,
      ],
    };
  return share(ctx, snap.arn, recopy, why);
}

async function verdictOf(
  ctx: ShareContext,
  snap: OwnedSnapshot,
  shareKeyArn: string | undefined,
): Promise<KeyVerdict> {
  const facts =
    snap.encrypted && snap.kmsKeyId
      ? await readKeyFacts(ctx.clients, snap.account, snap.region, snap.kmsKeyId)
      : undefined;
  return judgeKey(facts, {
    encrypted: snap.encrypted,
    keyId: snap.kmsKeyId,
    shareKeyArn,
    vaultAccount: ctx.config.organizations.vault.vaultAccount,
  });
}

/** Shares `snap` (the requested snapshot, or its re-copy) with the vault account, once. */
async function share(
  ctx: ShareContext,
  requested: string,
  snap: OwnedSnapshot,
  notes: string[],
): Promise<ShareOutcome> {
  const vault = ctx.config.organizations.vault.vaultAccount;
  const api = ctx.apis[snap.service];
  if ((await api.sharedWith(snap.account, snap.region, snap.id)).includes(vault))
    return { action: 'already-shared', snapshot: requested, shared: snap.arn, notes };
  await api.shareWith(snap.account, snap.region, snap.id, vault);
  return { action: 'shared', snapshot: requested, shared: snap.arn, notes };
}
