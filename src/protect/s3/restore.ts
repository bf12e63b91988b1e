import {
  CreateBucketCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { AwsClients } from '../../aws/clients.js';
import type { Config, ProtectedBucket } from '../../config/index.js';
import { ROLE_NAMES } from '../../config/names.js';
import { InputError } from '../../errors.js';
import { DRILL_NAME_PREFIX, isDrillsOwn } from '../../drill/prefix.js';
import { RESTORE_BUCKET_PREFIX } from '../../infra/restore/restore-stack.js';
import { mapBounded } from '../../util/concurrency.js';
import type { RetryOptions } from '../../util/retry.js';
import { bucketExists } from './bucket-exists.js';
import { copyRestoreItem, restoredByChecksum, type CopyCheck } from './restore-copy.js';
import { selectAt, type RestoreItem } from './restore-plan.js';
import { listVersions } from './versions.js';

export interface S3RestoreOptions {
  at: Date;
  to: string;
  prefix?: string | undefined;
  dryRun?: boolean;
  /** Restore into a target that holds keys this restore would not write (they are left as they are). */
  force?: boolean;
  /** The drill's own restore (its id): the target is named `airgap-drill-<id>-…`, a name no other restore takes. */
  drill?: string;
  concurrency?: number;
  onProgress?: (done: number, total: number, bytes: number) => void;
  retry?: RetryOptions;
}

export interface S3RestoreReport {
  source: string;
  vaultBucket: string;
  target: string;
  targetAccount: string;
  at: string;
  prefix: string | null;
  dryRun: boolean;
  planned: { keys: number; bytes: number };
  restored: number;
  skippedAlreadyRestored: number;
  /** Keys the target held that are not part of the state at T (only with force): left untouched. */
  foreignKeys: number;
  failed: { key: string; versionId: string; reason: string }[];
  items: { key: string; versionId: string; size: number; checksum?: string | undefined }[];
  seconds: number;
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** ISO 8601 with a zone, as users type it; anything else (no zone, 2026-02-30) is bad input, in one line. */
export function parseRestoreTime(text: string): Date {
  const at = new Date(text);
  const [, y, m, d] = /^(\d{4})-(\d{2})-(\d{2})/.exec(text) ?? [];
  const calendarOk =
    !Number.isNaN(at.getTime()) &&
    new Date(Date.UTC(Number(y), Number(m) - 1, Number(d))).getUTCDate() === Number(d);
  if (!ISO_WITH_ZONE.test(text) || !calendarOk) {
    throw new InputError([
      `--at ${JSON.stringify(text)}: not an ISO 8601 time with a zone; allowed e.g. 2026-11-23T06:00:00Z or 2026-11-23T07:00:00+01:00`,
    ]);
  }
  return at;
}

/**
 * A restore target's name: `airgap-restore-…`, the only buckets the restore role writes for real restores; the
 * drill's own are `airgap-drill-<id>-…`, which the operator may delete in its clean-up, so no real restore goes there.
 */
export function checkRestoreTarget(name: string, drill?: string): void {
  if (isDrillsOwn(name, drill)) return;
  if (name.startsWith(DRILL_NAME_PREFIX))
    throw new InputError([
      `--to ${name}: ${DRILL_NAME_PREFIX}… buckets are the drill's own, which its clean-up deletes; restore targets are named ${RESTORE_BUCKET_PREFIX}…, e.g. ${RESTORE_BUCKET_PREFIX}${name.slice(DRILL_NAME_PREFIX.length)}`,
    ]);
  if (!name.startsWith(RESTORE_BUCKET_PREFIX)) {
    throw new InputError([
      `--to ${name}: restore targets are named ${RESTORE_BUCKET_PREFIX}…, the only buckets the restore role may write; e.g. ${RESTORE_BUCKET_PREFIX}${name}`,
    ]);
  }
}

/** The plan of a restore: for each key under the prefix, the vault version that was current at `at`. */
export async function planRestore(
  vault: S3Client,
  vaultBucket: string,
  at: Date,
  prefix?: string,
): Promise<RestoreItem[]> {
  const plan: RestoreItem[] = [];
  for await (const item of selectAt(listVersions(vault, vaultBucket, prefix), at)) plan.push(item);
  return plan;
}

/**
 * Restores the state of a protected bucket at a time into a bucket of the restore account, by server-side
 * copies of exact vault version ids (never "latest", which may be the ransomed one), each checked after the
 * copy. Keys deleted before T are simply not written, so the restore never deletes anything and its role
 * needs no delete permission (the versioning nuance of the AWS Backup POC: restoring into a versioned bucket
 * that already holds newer versions would need deletes; a fresh target does not). Re-running resumes: a key
 * the target already holds with the planned content (same ETag, or else the same stored checksum: SSE-KMS ETags
 * differ between copies) is skipped. A target holding other keys is refused unless `force` (threat #32).
 */
export async function restoreBucket(
  clients: AwsClients,
  config: Config,
  bucket: ProtectedBucket,
  opts: S3RestoreOptions,
): Promise<S3RestoreReport> {
  checkRestoreTarget(opts.to, opts.drill);
  const started = Date.now();
  const restoreAccount = config.organizations.vault.restoreAccount;
  const vaultS3 = clients.for(S3Client, config.organizations.vault.vaultAccount, config.vault.region);
  // The restore account's side runs as its restore role: the operator writes nothing there, and the restore role
  // is the one the vault bucket and key let copy a vault version out (server-side, through S3).
  const target = clients.as(ROLE_NAMES.restore).for(S3Client, restoreAccount, config.vault.region);

  const plan = await planRestore(vaultS3, bucket.vaultBucket, opts.at, opts.prefix);
  const report: S3RestoreReport = {
    source: bucket.bucket,
    vaultBucket: bucket.vaultBucket,
    target: opts.to,
    targetAccount: restoreAccount,
    at: opts.at.toISOString(),
    prefix: opts.prefix ?? null,
    dryRun: opts.dryRun ?? false,
    planned: { keys: plan.length, bytes: plan.reduce((n, i) => n + i.size, 0) },
    restored: 0,
    skippedAlreadyRestored: 0,
    foreignKeys: 0,
    failed: [],
    items: [],
    seconds: 0,
  };
  if (opts.dryRun) {
    report.items = plan.map((i) => ({ key: i.key, versionId: i.versionId, size: i.size }));
    return report;
  }

  const existing = await prepareTarget(target, opts.to);
  const planned = new Set(plan.map((i) => i.key));
  const foreign = [...existing.keys()].filter((k) => !planned.has(k));
  if (foreign.length > 0 && !opts.force) {
    throw new InputError([
      `--to ${opts.to}: the bucket already holds ${foreign.length} keys this restore would not write (e.g. ${JSON.stringify(foreign[0])}); choose a new target bucket or pass --force`,
    ]);
  }
  report.foreignKeys = foreign.length;

  let done = 0;
  let bytes = 0;
  const vault = { s3: vaultS3, bucket: bucket.vaultBucket };
  const into = { s3: target, bucket: opts.to };
  const check: CopyCheck = {};
  await mapBounded(plan, opts.concurrency ?? 64, async (item) => {
    try {
      const there = existing.get(item.key);
      const sameSize = there !== undefined && there.size === item.size;
      const restoredAs = !sameSize
        ? undefined
        : there.etag === item.etag
          ? `etag:${item.etag}`
          : await restoredByChecksum(vault, into, item, opts.retry);
      if (restoredAs) {
        report.skippedAlreadyRestored++;
        report.items.push({
          key: item.key,
          versionId: item.versionId,
          size: item.size,
          checksum: restoredAs,
        });
      } else {
        const copied = await copyRestoreItem(vault, into, item, check, opts.retry);
        report.restored++;
        report.items.push({
          key: item.key,
          versionId: item.versionId,
          size: item.size,
          checksum: copied.checksum,
        });
      }
      bytes += item.size;
    } catch (e) {
      report.failed.push({
        key: item.key,
        versionId: item.versionId,
        reason: e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e),
      });
    }
    opts.onProgress?.(++done, plan.length, bytes);
  });
  report.items.sort((a, b) => (a.key < b.key ? -1 : 1));
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

/** Creates the target if absent (private, versioned); else returns what its current versions hold. */
async function prepareTarget(
  s3: S3Client,
  name: string,
): Promise<Map<string, { size: number; etag: string | undefined }>> {
  const exists = await bucketExists(s3, name);
  const current = new Map<string, { size: number; etag: string | undefined }>();
  if (!exists) {
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: name,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      }),
    );
    // Versioned, so a forced or repeated copy over a key keeps the earlier copy instead of replacing it.
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    return current;
  }
  for await (const page of listVersions(s3, name)) {
    for (const v of page) {
      if (current.has(v.key)) continue; // newest first: only the current entry counts
      current.set(v.key, v.deleteMarker ? { size: -1, etag: undefined } : { size: v.size, etag: v.etag });
    }
  }
  for (const [key, v] of current) if (v.size < 0) current.delete(key);
  return current;
}
