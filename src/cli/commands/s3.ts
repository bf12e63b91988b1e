import { Option, type Command } from 'commander';
import { findProtectedBucket, loadConfig, type Config, type ProtectedBucket } from '../../config/index.js';
import { CheckFailed, InputError } from '../../errors.js';
import { backfill } from '../../protect/s3/backfill.js';
import { applyReplicationPlan, planReplication, REPLICATION_RULE_ID } from '../../protect/s3/replication.js';
import { verifyBucket } from '../../protect/s3/verify.js';
import { awsClientsFor } from '../../sandbox/state.js';
import { interruptible } from '../interruptible.js';
import { configOption, outputOption } from '../options.js';

export const endpointOption = () =>
  new Option(
    '--endpoint <url>',
    'AWS endpoint override (default: AWS_ENDPOINT_URL, else the running sandbox)',
  );

export function protectedBucketOf(config: Config, configFile: string, name: string): ProtectedBucket {
  const bucket = findProtectedBucket(config, name);
  if (!bucket) {
    const known = config.protect.s3.flatMap((s) => s.names ?? []);
    throw new InputError([
      `--bucket ${name}: not a protected bucket of ${configFile}; protected: ${known.join(', ') || '(none)'}`,
    ]);
  }
  return bucket;
}

/** The options every command on one protected bucket takes: config, bucket, endpoint, output. */
export function onProtectedBucket(command: Command): Command {
  return command
    .addOption(configOption())
    .requiredOption('--bucket <name>', 'the protected source bucket')
    .addOption(endpointOption())
    .addOption(outputOption());
}

export function registerS3Commands(program: Command): void {
  const s3 = program.command('s3').description('the S3 vault: configure replication, backfill and verify');

  onProtectedBucket(
    s3
      .command('configure-replication')
      .description(
        'apply the vault replication rule to a protected bucket: versioning, the rule (RTC, vault key, vault owns replicas), the SSE-C block',
      ),
  )
    .option('--dry-run', 'print the PUTs it would send and change nothing')
    .action(
      async (opts: {
        config: string;
        bucket: string;
        dryRun?: boolean;
        endpoint?: string;
        output: string;
      }) => {
        const config = loadConfig(opts.config);
        const bucket = protectedBucketOf(config, opts.config, opts.bucket);
        const clients = awsClientsFor(config, { endpoint: opts.endpoint });
        const plan = await planReplication(clients, config, bucket);
        if (!opts.dryRun) await applyReplicationPlan(clients, bucket, plan);
        if (opts.output === 'json')
          console.log(JSON.stringify({ dryRun: opts.dryRun ?? false, ...plan }, null, 2));
        else {
          const verb = opts.dryRun ? 'would send' : 'sent';
          console.log(
            `${plan.bucket} (account ${plan.account}) -> ${plan.vaultBucket}, rule ${REPLICATION_RULE_ID}: ${verb} ${plan.steps.map((s) => s.call).join(', ')}`,
          );
        }
      },
    );

  onProtectedBucket(
    s3
      .command('backfill')
      .description(
        'copy source versions the vault lacks (S3 Batch Replication job on AWS, direct copies on the sandbox)',
      ),
  )
    .option('--dry-run', 'list what would be copied and change nothing')
    .addOption(new Option('--concurrency <n>', 'copies in flight').default(16).argParser(positiveInt))
    .action(
      async (opts: {
        config: string;
        bucket: string;
        dryRun?: boolean;
        concurrency: number;
        endpoint?: string;
        output: string;
      }) =>
        interruptible(async ({ signal }) => {
          const config = loadConfig(opts.config);
          const bucket = protectedBucketOf(config, opts.config, opts.bucket);
          const report = await backfill(awsClientsFor(config, { endpoint: opts.endpoint }), config, bucket, {
            dryRun: opts.dryRun ?? false,
            concurrency: opts.concurrency,
            signal,
          });
          if (opts.output === 'json') console.log(JSON.stringify(report, null, 2));
          else {
            const what = `${report.planned.versions} versions (${report.planned.bytes} bytes) of ${report.bucket} missing from ${report.vaultBucket}`;
            if (report.dryRun) {
              console.log(`would copy ${what}`);
              for (const i of report.items) console.log(`  ${i.key}  ${i.versionId}  ${i.size} B`);
            } else if (report.mode === 'batch-replication') {
              console.log(
                report.jobId ? `${what}: S3 Batch Replication job ${report.jobId}` : `${what}: nothing to do`,
              );
            } else {
              console.log(
                `copied ${report.copied} of ${what}${report.interrupted ? ' (interrupted: run again to resume)' : ''}`,
              );
            }
          }
          if (report.interrupted) signal.throwIfAborted();
          if (report.failed.length > 0) {
            throw new CheckFailed(
              report.failed.map((f) => `FAILED ${f.key} (${f.versionId}): ${f.reason}`).join('\n'),
            );
          }
        }),
    );

  onProtectedBucket(
    s3
      .command('verify')
      .description(
        'every source version in the protected window is in the vault, same size and checksum, retained long enough, and the buckets’ replication and Object Lock have not drifted; exit 1 if not',
      ),
  )
    .option('--inventory <manifest>', 'read the source side from this S3 Inventory manifest.json (CSV)')
    .option('--vault-inventory <manifest>', 'read the vault side from this S3 Inventory manifest.json (CSV)')
    .option(
      '--no-drift',
      'do not read the buckets’ configuration (replication rule, lifecycle, encryption, Object Lock): with both inventories, no AWS request at all',
    )
    .action(
      async (opts: {
        config: string;
        bucket: string;
        inventory?: string;
        vaultInventory?: string;
        drift: boolean;
        endpoint?: string;
        output: string;
      }) => {
        const config = loadConfig(opts.config);
        const bucket = protectedBucketOf(config, opts.config, opts.bucket);
        const report = await verifyBucket(
          awsClientsFor(config, { endpoint: opts.endpoint }),
          config,
          bucket,
          {
            sourceInventory: opts.inventory,
            vaultInventory: opts.vaultInventory,
            drift: opts.drift,
          },
        );
        const { drift } = report;
        if (opts.output === 'json') console.log(JSON.stringify(report, null, 2));
        else {
          console.log(
            `${report.bucket} -> ${report.vaultBucket}: ${report.verified} versions verified, ${report.pending} still within the RPO, over ${report.keys} keys (window from ${report.window.start})`,
          );
          for (const f of report.findings)
            console.log(`  ${f.kind.toUpperCase()} ${f.key} (${f.versionId}): ${f.detail}`);
          if (!drift) console.log('  drift: not read (--no-drift)');
          else if (drift.findings.length === 0)
            console.log(`  drift: none (${drift.passed.join(', ')} pass)`);
          for (const f of drift?.findings ?? [])
            console.log(`  DRIFT ${f.severity.toUpperCase()} ${f.control} ${f.resource}: ${f.detail}`);
        }
        if (!report.ok) {
          const c = report.counts;
          const failures: string[] = [];
          if (Object.values(c).some((n) => n > 0))
            failures.push(
              `vault incomplete: ${c.missing} missing, ${c.mismatched} mismatched, ${c.retention} retained too briefly, ${c.unexpected} unexpected`,
            );
          const drifted = drift?.findings.filter((f) => f.severity === 'fail') ?? [];
          if (drifted.length > 0)
            failures.push(
              `configuration drift: ${drifted.map((f) => `${f.control} ${f.resource}`).join(', ')}`,
            );
          throw new CheckFailed(failures.join('\n'));
        }
      },
    );
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new InputError([`--concurrency ${value}: must be a whole number from 1 to 1000`]);
  }
  return n;
}
