import {
  CreateBucketCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { AwsClients } from '../../aws/clients.js';
import type { Config, ProtectedBucket } from '../../config/index.js';
import { ROLE_NAMES } from '../../config/names.js';
import { errorLine, InputError } from '../../errors.js';
import { DRILL_NAME_PREFIX, isDrillsOwn } from '../../drill/prefix.js';
import { RESTORE_BUCKET_PREFIX } from '../../infra/restore/restore-stack.js';
import { mapBounded } from '../../util/concurrency.js';
import type { RetryOptions } from '../../util/retry.js';
import { bucketExists } from './bucket-exists.js';
import { copyRestoreItem, restoredByChecksum, type CopyCheck } from './restore-copy.js';
import type { Pages } from './key-merge.js';
import {
  restoreSteps,
  selectAt,
  type HeldObject,
  type RestoreItem,
  type RestoreStep,
} from './restore-plan.js';
import { listVersions, type Version } from './versions.js';

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
  /**
   * Each key as it completes (in `--dry-run`, as it is planned): the report itself holds no per-key list. Awaited:
   * a sink that waits for its output to drain holds the restore back, so a stalled reader costs no memory.
   */
  onItem?: (item: RestoredItem) => void | Promise<void>;
  /** `total` is undefined until the vault's listing has ended (known at once when a first pass ran). */
  onProgress?: (done: number, total: number | undefined, bytes: number) => void;
  retry?: RetryOptions;
  /**
   * Stops the restore once aborted (Ctrl-C, the output closed): no copy starts after it, those in flight settle, and
   * the restore throws `RestoreStopped` with the signal's reason.
   */
  signal?: AbortSignal | undefined;
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
  seconds: number;
  /**
   * Only in the report of a run that stopped before its end (`RestoreStopped`): why, and what was done (its counts
   * say the same).
   */
  error?: string;
}

/**
 * A restore that stopped before its end (a listing failed, its output closed, Ctrl-C): the report of what was done until
 * then, every copy in flight finished, so that a streamed report can still be closed and say why it stopped.
 */
export class RestoreStopped extends Error {
  constructor(
    readonly report: S3RestoreReport & { error: string },
    cause: unknown,
  ) {
    super(report.error, { cause });
    this.name = 'RestoreStopped';
  }
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

/** One key a restore wrote, found already there, or would write (`--dry-run`), with how its content was checked. */
export interface RestoredItem {
  key: string;
  versionId: string;
  size: number;
  checksum?: string | undefined;
}

/**
 * Restores the state of a protected bucket at a time into a bucket of the restore account, by server-side
 * copies of exact vault version ids (never "latest", which may be the ransomed one), each checked after the
 * copy. Keys deleted before T are simply not written, so the restore never deletes anything and its role
 * needs no delete permission (the versioning nuance of the AWS Backup POC: restoring into a versioned bucket
 * that already holds newer versions would need deletes; a fresh target does not). Re-running resumes: a key
 * the target already holds with the planned content (same ETag, or else the same stored checksum: SSE-KMS ETags
 * differ between copies) is skipped. A target holding other keys is refused unless `force` (threat #32).
 *
 * It streams: the vault's listing and the target's (both under the prefix) are merge-joined page by page and
 * copies start after the first page, so memory is bounded by the concurrency and a page, never by the bucket.
 * Each key is handed to `onItem` as it completes (the report keeps counts, and the failures); `onProgress` gets
 * the total once the listing has ended. An existing target that holds objects under the prefix is first
 * merge-joined once without writing, to count the keys the restore would not write: a refusal changes nothing.
 * With `force` nothing is refused, so there is no such pass. A run that stops before its end (anything but bad
 * input) throws `RestoreStopped` with the report of what was done.
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
  const vaultVersions = () => listVersions(vaultS3, bucket.vaultBucket, opts.prefix);

  const report: S3RestoreReport = {
    source: bucket.bucket,
    vaultBucket: bucket.vaultBucket,
    target: opts.to,
    targetAccount: restoreAccount,
    at: opts.at.toISOString(),
    prefix: opts.prefix ?? null,
    dryRun: opts.dryRun ?? false,
    planned: { keys: 0, bytes: 0 },
    restored: 0,
    skippedAlreadyRestored: 0,
    foreignKeys: 0,
    failed: [],
    seconds: 0,
  };
  try {
    if (opts.dryRun) {
      for await (const i of selectAt(vaultVersions(), opts.at)) {
        opts.signal?.throwIfAborted();
        report.planned.keys++;
        report.planned.bytes += i.size;
        await opts.onItem?.({ key: i.key, versionId: i.versionId, size: i.size });
      }
    } else {
      const vault = { s3: vaultS3, bucket: bucket.vaultBucket };
      await restoreInto(vault, { s3: target, bucket: opts.to }, vaultVersions, opts, report);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    report.seconds = (Date.now() - started) / 1000;
    throw new RestoreStopped({ ...report, error: `${errorLine(e)}; ${doneSoFar(report)}` }, e);
  }
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

/** Prepares the target, refuses one holding other keys (unless forced), then copies, filling in `report`. */
async function restoreInto(
  vault: { s3: S3Client; bucket: string },
  into: { s3: S3Client; bucket: string },
  vaultVersions: () => Pages<Version>,
  opts: S3RestoreOptions,
  report: S3RestoreReport,
): Promise<void> {
  const held = await prepareTarget(into.s3, into.bucket, opts.prefix);
  let total: number | undefined;
  // Without --force a key the restore would not write may sit on the target's last page and must refuse the
  // restore before its first write, so this pass reads both listings to the end. Every key (those already there
  // too) is reported only after it, so keeping what it read for the copying pass would hold the whole target in
  // memory (or in a file as large): that pass lists both again.
  if (held && !opts.force) {
    const first = await countForeign(restoreSteps(vaultVersions(), held(), opts.at), opts.signal);
    if (first.foreign > 0) {
      throw new InputError([
        `--to ${opts.to}: the bucket already holds ${first.foreign} keys this restore would not write (e.g. ${JSON.stringify(first.example)}); choose a new target bucket or pass --force`,
      ]);
    }
    total = first.keys;
  }

  let done = 0;
  let bytes = 0;
  const check: CopyCheck = {};
  /** Skips a key the target already holds with the planned content, else copies it: how it was checked. */
  const restoreOne = async (item: RestoreItem, there: HeldObject | undefined): Promise<string> => {
    const sameSize = there !== undefined && there.size === item.size;
    const restoredAs = !sameSize
      ? undefined
      : there.etag === item.etag
        ? `etag:${item.etag}`
        : await restoredByChecksum(vault, into, item, opts.retry);
    if (restoredAs) {
      report.skippedAlreadyRestored++;
      return restoredAs;
    }
    const copied = await copyRestoreItem(vault, into, item, check, opts.retry);
    report.restored++;
    return copied.checksum;
  };
  async function* planned(): AsyncGenerator<RestoreStep & { item: RestoreItem }> {
    for await (const steps of restoreSteps(vaultVersions(), held ? held() : noVersions(), opts.at)) {
      for (const step of steps) {
        opts.signal?.throwIfAborted();
        if (!step.item) {
          report.foreignKeys++;
          continue;
        }
        report.planned.keys++;
        report.planned.bytes += step.item.size;
        yield { ...step, item: step.item };
      }
    }
    total = report.planned.keys;
  }
  await mapBounded(planned(), opts.concurrency ?? 64, async ({ item, held: there }) => {
    const checksum = await restoreOne(item, there).catch((e: unknown) => {
      report.failed.push({ key: item.key, versionId: item.versionId, reason: errorLine(e) });
    });
    // Outside the catch: a sink that fails (a closed pipe) stops the restore, it does not fail a restored key.
    if (checksum !== undefined) {
      bytes += item.size;
      await opts.onItem?.({ key: item.key, versionId: item.versionId, size: item.size, checksum });
    }
    opts.onProgress?.(++done, total, bytes);
  });
}

/** What a restore that stopped had done, for its report's `error` and the line on stderr. */
const doneSoFar = (r: S3RestoreReport): string =>
  r.dryRun
    ? `stopped after planning ${r.planned.keys} keys`
    : `stopped after restoring ${r.restored} keys (${r.skippedAlreadyRestored} already there, ${r.failed.length} failed): run again to resume`;

/** The first pass over an existing target: the keys it would restore, and those it holds that it would not. */
async function countForeign(
  steps: AsyncIterable<RestoreStep[]>,
  signal: AbortSignal | undefined,
): Promise<{ keys: number; foreign: number; example: string | undefined }> {
  const counts = { keys: 0, foreign: 0, example: undefined as string | undefined };
  for await (const batch of steps) {
    signal?.throwIfAborted();
    for (const step of batch) {
      if (step.item) counts.keys++;
      else {
        counts.foreign++;
        counts.example ??= step.key;
      }
    }
  }
  return counts;
}

async function* noVersions(): AsyncGenerator<Version[]> {}

/**
 * Creates the target if absent (private, versioned): then undefined, there is nothing in it to list. Else the
 * listing of what it holds under the prefix (the restore writes nothing outside it), or undefined when it holds
 * nothing there (a target created by a run that stopped before its first copy), so that only a target with
 * objects under the prefix costs a first pass.
 */
async function prepareTarget(
  s3: S3Client,
  name: string,
  prefix: string | undefined,
): Promise<(() => Pages<Version>) | undefined> {
  if (await bucketExists(s3, name)) {
    const first = await s3.send(new ListObjectVersionsCommand({ Bucket: name, Prefix: prefix, MaxKeys: 1 }));
    const empty = (first.Versions ?? []).length === 0 && (first.DeleteMarkers ?? []).length === 0;
    return empty ? undefined : () => listVersions(s3, name, prefix);
  }
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
  return undefined;
}
