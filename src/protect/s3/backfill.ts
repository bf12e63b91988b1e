import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { emulation, type AwsClients } from '../../aws/clients.js';
import type { Config, ProtectedBucket } from '../../config/index.js';
import { mapBounded } from '../../util/concurrency.js';
import { retryThrottled, type RetryOptions } from '../../util/retry.js';
import { planBackfill, type BackfillItem } from './backfill-plan.js';
import { batchReplicationJob, CreateJobCommand } from './batch-replication.js';
import { copyVersionToVault } from './copy-version.js';
import { sourceVersionsFromListing, vaultVersionsFromListing } from './vault-versions.js';
import { errorLine } from '../../errors.js';

export interface BackfillOptions {
  dryRun?: boolean;
  /** Copies in flight (sandbox copy mode). */
  concurrency?: number;
  /** Stops taking new versions once aborted (Ctrl-C, a Lambda deadline); copies in flight finish. */
  signal?: AbortSignal;
  onProgress?: (done: number, bytes: number) => void;
  retry?: RetryOptions;
}

export interface BackfillReport {
  bucket: string;
  vaultBucket: string;
  /** `copy`: copied version by version (sandbox); `batch-replication`: an S3 Batch Replication job (AWS). */
  mode: 'copy' | 'batch-replication';
  dryRun: boolean;
  planned: { versions: number; bytes: number };
  copied: number;
  failed: { key: string; versionId: string; reason: string }[];
  interrupted: boolean;
  jobId?: string;
  /** The plan itself (dry run), or the first 1000 planned versions. */
  items: BackfillItem[];
  seconds: number;
}

/**
 * Fills the vault with source versions it lacks (objects older than the replication rule, failed
 * replications). Never overwrites or deletes in the vault: every copy is a new locked version. The vault is
 * the checkpoint (each copy records its source version id), so a crashed run resumes where it stopped.
 */
export async function backfill(
  clients: AwsClients,
  config: Config,
  bucket: ProtectedBucket,
  opts: BackfillOptions = {},
): Promise<BackfillReport> {
  const started = Date.now();
  const source = clients.for(S3Client, bucket.account, bucket.region);
  const vault = clients.for(S3Client, config.organizations.vault.vaultAccount, config.vault.region);
  const report: BackfillReport = {
    bucket: bucket.bucket,
    vaultBucket: bucket.vaultBucket,
    mode: clients.isSandbox ? 'copy' : 'batch-replication',
    dryRun: opts.dryRun ?? false,
    planned: { versions: 0, bytes: 0 },
    copied: 0,
    failed: [],
    interrupted: false,
    items: [],
    seconds: 0,
  };
  const plan = planBackfill(
    sourceVersionsFromListing(source, bucket.bucket, () => false),
    vaultVersionsFromListing(vault, bucket.vaultBucket),
  );
  const count = (item: BackfillItem) => {
    report.planned.versions++;
    report.planned.bytes += item.size;
    if (report.items.length < 1000) report.items.push(item);
  };

  const untilAborted = async function* () {
    for await (const item of plan) {
      if (opts.signal?.aborted) {
        report.interrupted = true;
        return;
      }
      yield item;
    }
  };

  if (report.dryRun || report.mode === 'batch-replication') {
    for await (const item of untilAborted()) count(item);
    // An interrupted listing would size the job by part of the plan: no job, as if the command had not run.
    if (!report.dryRun && !report.interrupted && report.planned.versions > 0) {
      const job = await clients
        .for(S3ControlClient, bucket.account, bucket.region)
        .send(new CreateJobCommand(jobOf(bucket, report)));
      report.jobId = job.JobId;
    }
    report.seconds = (Date.now() - started) / 1000;
    return report;
  }

  let bytes = 0;
  // The sandbox's copies stand in for the Batch Replication job moto lacks: observers see that job, sized by the
  // plan as on AWS, and none of the copies (the operator reads no content and writes nothing in the vault on AWS).
  await emulation(
    () =>
      report.planned.versions === 0
        ? undefined
        : {
            account: bucket.account,
            role: clients.options.roleName,
            region: bucket.region,
            client: S3ControlClient.name,
            command: 'CreateJob',
            input: { ...jobOf(bucket, report) },
          },
    () =>
      mapBounded(untilAborted(), opts.concurrency ?? 16, async (item) => {
        count(item);
        try {
          const out = await retryThrottled(
            () => copyVersionToVault(source, bucket.bucket, item, vault, bucket.vaultBucket),
            opts.retry,
          );
          report.copied++;
          bytes += out.size;
        } catch (e) {
          report.failed.push({
            key: item.key,
            versionId: item.versionId,
            reason: errorLine(e),
          });
        }
        opts.onProgress?.(report.copied + report.failed.length, bytes);
      }),
  );
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

/** The Batch Replication job of the plan counted so far. */
const jobOf = (bucket: ProtectedBucket, report: BackfillReport) =>
  batchReplicationJob(bucket, { versions: report.planned.versions, lastKey: report.items.at(-1)?.key });
