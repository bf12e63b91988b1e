import {
  CopyObjectCommand,
  CreateBucketCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { AwsClients } from '../../aws/clients.js';
import type { Config, ProtectedBucket } from '../../config/index.js';
import { InputError } from '../../errors.js';
import { RESTORE_BUCKET_PREFIX } from '../../infra/restore/restore-stack.js';
import { mapBounded } from '../../util/concurrency.js';
import { selectAt, type RestoreItem } from './restore-plan.js';
import { listVersions } from './versions.js';

export interface S3RestoreOptions {
  at: Date;
  to: string;
  prefix?: string | undefined;
  dryRun?: boolean;
  concurrency?: number;
  onProgress?: (done: number, total: number, bytes: number) => void;
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
  failed: { key: string; versionId: string; reason: string }[];
  items: { key: string; versionId: string; size: number; checksumSha256?: string | undefined }[];
  seconds: number;
}

/** ISO 8601 with a zone, as users type it; anything else is bad input, said in one line. */
export function parseRestoreTime(text: string): Date {
  const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text);
  const at = new Date(text);
  if (!ok || Number.isNaN(at.getTime())) {
    throw new InputError([
      `--at ${JSON.stringify(text)}: not an ISO 8601 time with a zone; allowed e.g. 2026-11-23T06:00:00Z`,
    ]);
  }
  return at;
}

export function checkRestoreTarget(name: string): void {
  if (!name.startsWith(RESTORE_BUCKET_PREFIX)) {
    throw new InputError([
      `--to ${name}: restore targets are named ${RESTORE_BUCKET_PREFIX}…, the only buckets the restore role may write; e.g. ${RESTORE_BUCKET_PREFIX}${name}`,
    ]);
  }
}

/**
 * Restores the state of a protected bucket at a time into a bucket of the restore account, by server-side
 * copies of exact vault version ids (never "latest", which may be the ransomed one). Re-running resumes: a key
 * already in the target with the same checksum is skipped. A target holding other data is refused.
 */
export async function restoreBucket(
  clients: AwsClients,
  config: Config,
  bucket: ProtectedBucket,
  opts: S3RestoreOptions,
): Promise<S3RestoreReport> {
  checkRestoreTarget(opts.to);
  const started = Date.now();
  const restoreAccount = config.organizations.vault.restoreAccount;
  const vaultS3 = clients.for(S3Client, config.organizations.vault.vaultAccount, config.vault.region);
  const target = clients.for(S3Client, restoreAccount, config.vault.region);

  const plan: RestoreItem[] = [];
  for await (const item of selectAt(listVersions(vaultS3, bucket.vaultBucket, opts.prefix), opts.at))
    plan.push(item);
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
    failed: [],
    items: [],
    seconds: 0,
  };
  if (opts.dryRun) {
    report.items = plan.map((i) => ({ key: i.key, versionId: i.versionId, size: i.size }));
    return report;
  }

  await ensureTarget(target, opts.to, new Set(plan.map((i) => i.key)));
  let done = 0;
  let bytes = 0;
  await mapBounded(plan, opts.concurrency ?? 32, async (item) => {
    try {
      const source = await vaultS3.send(
        new HeadObjectCommand({
          Bucket: bucket.vaultBucket,
          Key: item.key,
          VersionId: item.versionId,
          ChecksumMode: 'ENABLED',
        }),
      );
      const existing = await target
        .send(new HeadObjectCommand({ Bucket: opts.to, Key: item.key, ChecksumMode: 'ENABLED' }))
        .catch(() => undefined);
      if (existing && sameContent(existing, source)) {
        report.skippedAlreadyRestored++;
      } else {
        const copied = await target.send(
          new CopyObjectCommand({
            Bucket: opts.to,
            Key: item.key,
            CopySource: `${bucket.vaultBucket}/${encodeURIComponent(item.key)}?versionId=${item.versionId}`,
            ChecksumAlgorithm: 'SHA256',
          }),
        );
        const got = {
          ChecksumSHA256: copied.CopyObjectResult?.ChecksumSHA256,
          ETag: copied.CopyObjectResult?.ETag,
        };
        if (!sameContent(got, source)) {
          throw new Error(`checksum after copy differs from the vault version's`);
        }
        report.restored++;
      }
      report.items.push({
        key: item.key,
        versionId: item.versionId,
        size: item.size,
        checksumSha256: source.ChecksumSHA256,
      });
      bytes += item.size;
    } catch (e) {
      report.failed.push({
        key: item.key,
        versionId: item.versionId,
        reason: e instanceof Error ? e.message : String(e),
      });
    }
    opts.onProgress?.(++done, plan.length, bytes);
  });
  report.items.sort((a, b) => (a.key < b.key ? -1 : 1));
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

/** SHA-256 where both sides have one, else the ETag (a single-part MD5), as AWS documents them. */
function sameContent(
  a: { ChecksumSHA256?: string | undefined; ETag?: string | undefined },
  b: typeof a,
): boolean {
  if (a.ChecksumSHA256 && b.ChecksumSHA256) return a.ChecksumSHA256 === b.ChecksumSHA256;
  return a.ETag !== undefined && a.ETag === b.ETag;
}

async function ensureTarget(s3: S3Client, name: string, plannedKeys: Set<string>): Promise<void> {
  const exists = await s3.send(new HeadBucketCommand({ Bucket: name })).then(
    () => true,
    () => false,
  );
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
    // Versioned, so a re-run that copies a key again keeps the earlier copy instead of overwriting it.
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    return;
  }
  // threat #32: an existing target is resumed only if it holds nothing but keys of this restore.
  const listing = await s3.send(new ListObjectsV2Command({ Bucket: name, MaxKeys: 1000 }));
  const foreign = (listing.Contents ?? []).find((o) => !plannedKeys.has(o.Key!));
  if (foreign) {
    throw new InputError([
      `--to ${name}: the bucket already holds ${JSON.stringify(foreign.Key)}, which this restore would not write; choose a new target bucket`,
    ]);
  }
}
