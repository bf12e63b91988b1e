import {
  BackupClient,
  DescribeRecoveryPointCommand,
  GetRecoveryPointRestoreMetadataCommand,
  StartRestoreJobCommand,
  type StartRestoreJobInput,
} from '@aws-sdk/client-backup';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from '../../aws/clients.js';
import { ROLE_NAMES } from '../../config/names.js';
import {
  backupTargets,
  backupVaults,
  RESOURCE_NAMES,
  roleArn,
  serviceOf,
  type BackupVaultRef,
  type Config,
} from '../../config/index.js';
import { CheckFailed, InputError } from '../../errors.js';
import { RESTORE_BUCKET_PREFIX } from '../../infra/restore/restore-stack.js';
import { bucketExists } from '../s3/bucket-exists.js';
import {
  listRecoveryPoints,
  newestByResource,
  toRecoveryPoint,
  usable,
  type RecoveryPoint,
} from './recovery-points.js';
import { restoreJobsOf } from './jobs.js';
import { defaultTargetName, idempotencyToken, restorable, restoreMetadata } from './restore-metadata.js';

export interface BackupRestoreOptions {
  /** A protected resource: its ARN, or the bucket name or cluster id the config names. */
  resource: string;
  /** A recovery point ARN of the air-gapped vault, or `latest`. */
  recoveryPoint: string;
  /** Target bucket or cluster name (airgap-restore-…); default: from the source name and the point's time. */
  to?: string | undefined;
  subnetGroup?: string | undefined;
  securityGroups?: string[] | undefined;
  dryRun: boolean;
}

export interface BackupRestoreReport {
  dryRun: boolean;
  resource: string;
  recoveryPoint: string;
  recoveryPointCreatedAt: string;
  vault: string;
  target: string;
  request: StartRestoreJobInput;
  /** The job started now, or the one an earlier run started for the same point and target. */
  restoreJobId: string | undefined;
  resumed: boolean;
  nextSteps: string[];
}

/** Resolves `--resource` against what the config protects on the AWS Backup path (pure). */
export function resolveResource(config: Config, resource: string): { arn: string; account: string } {
  const targets = backupTargets(config).filter((t) => t.arn);
  const found =
    targets.find((t) => t.arn === resource) ??
    targets.find((t) => t.arn!.endsWith(`:${resource}`) || t.arn!.endsWith(`/${resource}`));
  if (found) return { arn: found.arn!, account: found.account };
  const account = resource.startsWith('arn:') ? resource.split(':')[4] : undefined;
  const workload = config.organizations.source.workloadAccounts.find((a) => a.id === account);
  // A tag-selected resource is known only by its ARN; S3 ARNs carry no account, so those must be named.
  if (workload) return { arn: resource, account: workload.id };
  throw new InputError([
    `--resource ${resource}: not a resource the AWS Backup path protects; give one of ${targets.map((t) => t.arn).join(', ') || '(none named)'}, or the ARN of a tag-selected one`,
  ]);
}

/**
 * Restores one resource from the logically air-gapped vault into the restore account, reading the vault
 * through its RAM share (the air-gap account's credentials are never needed). Plans first; `dryRun` stops
 * there. Idempotent: a re-run finds the job it started (or AWS Backup dedups the same idempotency token), and
 * an existing target that no such job created is refused rather than overwritten (threat #32).
 */
export async function restoreFromBackup(
  clients: AwsClients,
  config: Config,
  opts: BackupRestoreOptions,
): Promise<BackupRestoreReport> {
  const { arn, account } = resolveResource(config, opts.resource);
  const service = serviceOf(arn);
  if (!restorable(service))
    throw new InputError([
      `--resource ${arn}: a ${service} resource; restore backup takes S3 buckets and Aurora clusters`,
    ]);
  const lag = backupVaults(config, account).find((v) => v.layer === 'air-gapped');
  if (!lag)
    throw new InputError(['restore backup reads the air-gapped vault: set backup.airGappedVault: true']);
  const restoreAccount = config.organizations.vault.restoreAccount;
  // Every call lands in the restore account, as its restore role: the one the shared vault, the restore key and
  // the service role it passes admit (the operator writes nothing there).
  const asRestore = clients.as(ROLE_NAMES.restore);
  const backup = asRestore.for(BackupClient, restoreAccount, lag.region);
  const point = await recoveryPointOf(backup, lag, arn, opts.recoveryPoint);

  const target = opts.to ?? defaultTargetName(arn.split(/[:/]/).pop()!, point.createdAt);
  if (!target.startsWith(RESTORE_BUCKET_PREFIX))
    throw new InputError([
      `--to ${target}: restore targets are named ${RESTORE_BUCKET_PREFIX}…, e.g. ${RESTORE_BUCKET_PREFIX}${target}`,
    ]);
  const source =
    (
      await backup.send(
        new GetRecoveryPointRestoreMetadataCommand({
          BackupVaultName: lag.name,
          BackupVaultAccountId: lag.account,
          RecoveryPointArn: point.arn,
        }),
      )
    ).RestoreMetadata ?? {};
  const key = await asRestore
    .for(KMSClient, restoreAccount, lag.region)
    .send(new DescribeKeyCommand({ KeyId: RESOURCE_NAMES.restoreKeyAlias(config) }));
  const request: StartRestoreJobInput = {
    RecoveryPointArn: point.arn,
    IamRoleArn: roleArn(restoreAccount, 'backupRestoreService'),
    ResourceType: service === 's3' ? 'S3' : 'Aurora',
    Metadata: restoreMetadata(service, source, {
      name: target,
      kmsKeyArn: key.KeyMetadata!.Arn!,
      subnetGroup: opts.subnetGroup,
      securityGroups: opts.securityGroups,
    }),
    IdempotencyToken: idempotencyToken(point.arn, target),
  };
  const targetArn =
    service === 's3'
      ? `arn:aws:s3:::${target}`
      : `arn:aws:rds:${lag.region}:${restoreAccount}:cluster:${target}`;
  const report: BackupRestoreReport = {
    dryRun: opts.dryRun,
    resource: arn,
    recoveryPoint: point.arn,
    recoveryPointCreatedAt: point.createdAt.toISOString(),
    vault: lag.arn,
    target: targetArn,
    request,
    restoreJobId: undefined,
    resumed: false,
    nextSteps:
      service === 'aurora'
        ? [
            `add a DB instance: aws rds create-db-instance --db-cluster-identifier ${target} --db-instance-identifier ${target}-1 --engine <engine> --db-instance-class <class>`,
          ]
        : [],
  };

  for await (const job of restoreJobsOf(backup, point.arn, point.createdAt))
    if (job.CreatedResourceArn === targetArn || !job.CreatedResourceArn)
      return { ...report, restoreJobId: job.RestoreJobId, resumed: true };
  const exists =
    service === 's3'
      ? await bucketExists(asRestore.for(S3Client, restoreAccount, lag.region), target)
      : await asRestore
          .for(RDSClient, restoreAccount, lag.region)
          .send(new DescribeDBClustersCommand({ DBClusterIdentifier: target }))
          .then(
            (r) => (r.DBClusters?.length ?? 0) > 0,
            (e: { name?: string }) => {
              if (e.name === 'DBClusterNotFoundFault') return false;
              throw e;
            },
          );
  if (exists)
    throw new InputError([
      `--to ${target}: already exists in the restore account and no restore of this point made it; choose another target`,
    ]);
  if (opts.dryRun) return report;
  const started = await backup.send(new StartRestoreJobCommand(request));
  return { ...report, restoreJobId: started.RestoreJobId };
}

/** The named recovery point (checked to be this resource's and usable), or the newest usable one. */
async function recoveryPointOf(
  backup: BackupClient,
  lag: BackupVaultRef,
  resource: string,
  wanted: string,
): Promise<RecoveryPoint> {
  const vault = { name: lag.name, account: lag.account, shared: true };
  if (wanted === 'latest') {
    const newest = newestByResource(await listRecoveryPoints(backup, vault, resource)).get(resource);
    if (!newest)
      throw new CheckFailed(`no usable recovery point of ${resource} in the air-gapped vault ${lag.arn}`);
    return newest;
  }
  if (!wanted.startsWith('arn:aws') || !wanted.includes(':recovery-point:'))
    throw new InputError([`--recovery-point ${wanted}: give a recovery point ARN of ${lag.arn}, or latest`]);
  const d = await backup.send(
    new DescribeRecoveryPointCommand({
      BackupVaultName: lag.name,
      BackupVaultAccountId: lag.account,
      RecoveryPointArn: wanted,
    }),
  );
  const point = toRecoveryPoint(d, lag.account);
  if (!point || point.resourceArn !== resource)
    throw new InputError([
      `--recovery-point ${wanted}: a recovery point of ${d.ResourceArn ?? 'another resource'}, not of ${resource}`,
    ]);
  if (!usable(point))
    throw new InputError([`--recovery-point ${wanted}: status ${point.status}, not restorable`]);
  return point;
}
