import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { CheckFailed, fromAws, Interrupted } from '../../errors.js';
import {
  parseRestoreTime,
  restoreBucket,
  RestoreStopped,
  type RestoredItem,
  type S3RestoreReport,
} from '../../protect/s3/restore.js';
import { awsClientsFor } from '../../sandbox/state.js';
import { progressBar } from '../progress.js';
import { interruptible } from '../interruptible.js';
import { streamedJsonReport } from '../streamed-report.js';
import { addBackupRestoreOptions } from './backup.js';
import { registerEfsRestoreCommand } from './restore-efs.js';
import { registerSnapshotRestoreCommands } from './restore-snapshot.js';
import { onProtectedBucket, positiveInt, protectedBucketOf } from './s3.js';

/**
 * The `restore` group: one subcommand per kind of vault data (vault path), and `--from backup` for the AWS Backup
 * path, whose recovery points hold any of its resource types.
 */
export function registerRestoreCommands(program: Command): void {
  const restore = program
    .command('restore')
    .description(
      'restore into the restore account: s3|rds|aurora|ebs|efs from the vault, or --from backup from the air-gapped AWS Backup vault',
    );
  addBackupRestoreOptions(restore);
  registerSnapshotRestoreCommands(restore);
  registerEfsRestoreCommand(restore);
  onProtectedBucket(
    restore
      .command('s3')
      .description(
        'restore a protected bucket (or prefix) as it was at a time, into a bucket of the restore account',
      ),
  )
    .requiredOption('--at <time>', 'ISO 8601 time with zone, e.g. 2026-11-23T06:00:00Z')
    .requiredOption(
      '--to <bucket>',
      'target bucket in the restore account (airgap-restore-…; created if absent)',
    )
    .option('--prefix <prefix>', 'restore only keys under this prefix')
    .option('--dry-run', 'print the plan (keys, bytes) and change nothing')
    .option('--force', 'restore into a target that already holds other keys (they are left untouched)')
    .addOption(new Option('--concurrency <n>', 'copies in flight').default(64).argParser(positiveInt))
    .action(
      async (opts: {
        config: string;
        bucket: string;
        at: string;
        to: string;
        prefix?: string;
        dryRun?: boolean;
        force?: boolean;
        concurrency: number;
        endpoint?: string;
        output: string;
      }) =>
        interruptible(async ({ signal, write }) => {
          const config = loadConfig(opts.config);
          const bucket = protectedBucketOf(config, opts.config, opts.bucket);
          const at = parseRestoreTime(opts.at);
          const bar = opts.output === 'text' ? progressBar('restore') : undefined;
          const json = opts.output === 'json' ? streamedJsonReport<RestoredItem>(write) : undefined;
          const dryRun = opts.dryRun ?? false;
          let stopped: RestoreStopped | undefined;
          const report = await restoreBucket(
            awsClientsFor(config, { endpoint: opts.endpoint }),
            config,
            bucket,
            {
              at,
              to: opts.to,
              prefix: opts.prefix,
              dryRun,
              force: opts.force ?? false,
              concurrency: opts.concurrency,
              signal,
              onProgress: bar,
              onItem: json
                ? json.item
                : dryRun
                  ? (i) => write(`  ${i.key}  ${i.versionId}  ${i.size} B\n`)
                  : undefined,
            },
          ).catch((e: unknown) => {
            if (!(e instanceof RestoreStopped)) throw e;
            stopped = e;
            return e.report;
          });
          // A run that stopped still closes its report, saying why: the error itself goes to stderr, and the exit
          // code is the error's, as before. Stopped from outside, that line says what was done too.
          if (json) await json.end(report);
          else await write(`${stopped ? 'stopped: ' : ''}${summary(report)}\n`);
          if (stopped) {
            const { cause } = stopped;
            if (cause instanceof Interrupted) throw new Interrupted(cause.signal, stopped.message);
            // AWS stopped it: its one line on stderr says what was done too. A defect keeps its own stack trace.
            throw fromAws(cause) ? new Error(stopped.message, { cause }) : cause;
          }
          if (report.failed.length > 0) {
            throw new CheckFailed(
              report.failed.map((f) => `FAILED ${f.key} (${f.versionId}): ${f.reason}`).join('\n'),
            );
          }
        }),
    );
}

function summary(report: S3RestoreReport): string {
  const verb = report.dryRun ? 'would restore' : 'restored';
  return (
    `${verb} ${report.dryRun ? report.planned.keys : report.restored} keys (${report.planned.bytes} bytes) of ${report.source} as of ${report.at} into ${report.target}` +
    (report.skippedAlreadyRestored ? `; ${report.skippedAlreadyRestored} already there` : '') +
    (report.foreignKeys ? `; ${report.foreignKeys} other keys left untouched` : '')
  );
}
