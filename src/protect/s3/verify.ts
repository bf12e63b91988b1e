import { S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from '../../aws/clients.js';
import type { Config, ProtectedBucket } from '../../config/index.js';
import { isWorkloadKey } from './canary.js';
import { inventoryVersions } from './inventory.js';
import { diffInventories } from './inventory-diff.js';
import { zipByKey, type Pages } from './key-merge.js';
import { sourceVersionsFromListing, vaultVersionsFromListing } from './vault-versions.js';
import { readDrift, type VerifyDrift } from './verify-drift.js';
import {
  checkKey,
  Tally,
  type DiffTotals,
  type SourceVersion,
  type VaultVersion,
  type VerifyPolicy,
} from './verify-check.js';

export interface VerifyOptions {
  /** Read the source side from this S3 Inventory manifest instead of listing the bucket. */
  sourceInventory?: string | undefined;
  /** Read the vault side from this S3 Inventory manifest instead of listing the vault bucket. */
  vaultInventory?: string | undefined;
  /** The clock the window is computed from; default now. */
  now?: Date;
  /** Findings kept in the report per kind (counts are always complete). */
  keep?: number;
  /**
   * Read the source and vault buckets' configuration and judge it with the audit's bucket controls; default true.
   * Off, verify makes no request at all when both sides are inventories.
   */
  drift?: boolean;
}

export interface VerifyReport extends DiffTotals {
  bucket: string;
  vaultBucket: string;
  window: { start: string; settledBefore: string };
  sources: { source: 'listing' | 'inventory'; vault: 'listing' | 'inventory' };
  /** The bucket configuration's drift; null when not read (`drift: false`). */
  drift: VerifyDrift | null;
  /** No missing, mismatched, short-retention or unexpected version, and no drift of severity `fail`. */
  ok: boolean;
  seconds: number;
}

/** The protected window of a config: retention days back from now, the newest RPO minutes still settling. */
export function verifyPolicy(config: Config, now: Date): VerifyPolicy {
  return {
    windowStart: new Date(now.getTime() - config.vault.retention.days * 86_400_000),
    settledBefore: new Date(now.getTime() - config.rpoMinutes.s3 * 60_000),
    retentionDays: config.vault.retention.days,
    mode: config.vault.retention.mode,
  };
}

/** Diffs two key-sorted histories in one pass: the engine behind `airgap s3 verify`, free of any SDK. */
export async function diffHistories(
  source: Pages<SourceVersion>,
  vault: Pages<VaultVersion>,
  policy: VerifyPolicy,
  keep = 1000,
): Promise<DiffTotals> {
  const tally = new Tally(keep);
  for await (const batch of zipByKey(source, vault)) {
    for (const { key, left, right } of batch) {
      // The status canary is proven by status itself; counted here it would read as workload.
      if (isWorkloadKey(key)) tally.add(checkKey(key, left, right, policy));
    }
  }
  return tally.done();
}

/**
 * Completeness and integrity of one protected bucket's vault: every source version in the protected window is
 * in the vault with the same size and checksum and a retention at least the policy's; and the drift of the two
 * buckets' configuration that would stop the vault receiving or locking what comes next (`verify-drift.ts`).
 * Read-only.
 */
export async function verifyBucket(
  clients: AwsClients,
  config: Config,
  bucket: ProtectedBucket,
  opts: VerifyOptions = {},
): Promise<VerifyReport> {
  const started = Date.now();
  const policy = verifyPolicy(config, opts.now ?? new Date());
  const sourceS3 = clients.for(S3Client, bucket.account, bucket.region);
  const vaultS3 = clients.for(S3Client, config.organizations.vault.vaultAccount, config.vault.region);
  const inWindow = (v: { deleteMarker: boolean; lastModified: Date }) =>
    !v.deleteMarker && v.lastModified.getTime() >= policy.windowStart.getTime();
  const { sourceInventory, vaultInventory } = opts;
  // The configuration first: a few requests, so a refused read stops verify before a diff of hours, not after.
  const drift = opts.drift === false ? null : await readDrift(clients, config, bucket);
  const diff =
    sourceInventory && vaultInventory
      ? await diffInventories(sourceInventory, vaultInventory, policy, { thread: true, keep: opts.keep })
      : await diffHistories(
          sourceInventory
            ? inventoryVersions(sourceInventory, { thread: true })
            : sourceVersionsFromListing(sourceS3, bucket.bucket, inWindow),
          vaultInventory
            ? inventoryVersions(vaultInventory, { thread: true })
            : vaultVersionsFromListing(vaultS3, bucket.vaultBucket),
          policy,
          opts.keep,
        );
  return {
    bucket: bucket.bucket,
    vaultBucket: bucket.vaultBucket,
    window: { start: policy.windowStart.toISOString(), settledBefore: policy.settledBefore.toISOString() },
    sources: {
      source: opts.sourceInventory ? 'inventory' : 'listing',
      vault: opts.vaultInventory ? 'inventory' : 'listing',
    },
    ...diff,
    drift,
    ok: diff.ok && (drift?.ok ?? true),
    seconds: (Date.now() - started) / 1000,
  };
}
