import { BackupClient, DescribeBackupVaultCommand } from '@aws-sdk/client-backup';
import type { AwsClients } from '../../aws/clients.js';
import {
  backupRegion,
  backupTargets,
  backupVaults,
  serviceOf,
  type BackupLayer,
  type BackupVaultRef,
  type Config,
  type Service,
} from '../../config/index.js';
import { mapBounded } from '../../util/concurrency.js';
import { jobsNeedingAttention, type JobSummary } from './jobs.js';
import { listRecoveryPoints, newestByResource, type RecoveryPoint } from './recovery-points.js';
import { describeLockState, vaultLockState, type VaultLockState } from './vault-lock.js';
import { errorLine } from '../../errors.js';

/** `unreadable`: the layer's vault could not be read (its account closed, suspended or unreachable: threat #24). */
export type LayerState = 'unreadable' | 'never-reached' | 'outside-rpo' | 'within-rpo';

/** One protected resource in one layer of the AWS Backup path. */
export interface LayerStatus {
  service: Service;
  resource: string;
  account: string;
  layer: BackupLayer;
  vault: string;
  state: LayerState;
  recoveryPoint: string | undefined;
  newestAt: string | undefined;
  ageMinutes: number | undefined;
  rpoMinutes: number;
  retentionDays: number | undefined;
}

export interface BackupStatusReport {
  at: string;
  outsideRpo: number;
  /** Each vault's Vault Lock: immutable, NOT YET IMMUTABLE until its lock date (threat #9), or unlocked. */
  vaults: { layer: BackupLayer; vault: string; lock: string; immutable: boolean }[];
  layers: LayerStatus[];
  failedJobs: JobSummary[];
  runningJobs: JobSummary[];
  /** Vaults and job listings that could not be read, with the error: the rest is reported all the same. */
  unreadable: string[];
}

/** What was read from one vault, or why it could not be. */
export type VaultRead =
  | { vault: BackupVaultRef; points: RecoveryPoint[]; lock: VaultLockState }
  | { vault: BackupVaultRef; error: string };

/** How far back failed and running jobs are listed. */
export const JOBS_WINDOW_HOURS = 24;

/**
 * Pure: per workload account, every resource it protects (named in the config, or found in its local vault
 * through a tag selection) in every layer, with the newest usable recovery point against the service's RPO.
 * Layers that never received a point come first: they are what an AWS console listing of recovery points hides.
 */
export function evaluateBackupStatus(
  config: Config,
  reads: VaultRead[],
  jobs: JobSummary[],
  now: Date,
  jobErrors: string[] = [],
): BackupStatusReport {
  const byVault = new Map(reads.flatMap((r) => ('points' in r ? [[r.vault.arn, r.points] as const] : [])));
  const failedVaults = new Map(reads.flatMap((r) => ('error' in r ? [[r.vault.arn, r.error] as const] : [])));
  const rows: LayerStatus[] = [];
  for (const { id: account } of config.organizations.source.workloadAccounts) {
    const layers = backupVaults(config, account);
    const local = byVault.get(layers[0]!.arn) ?? [];
    const resources = new Set([
      ...backupTargets(config).flatMap((t) => (t.account === account && t.arn ? [t.arn] : [])),
      ...local.map((p) => p.resourceArn),
    ]);
    for (const resource of resources) {
      const service = serviceOf(resource);
      const rpo = config.rpoMinutes[service];
      for (const layer of layers) {
        const points = (byVault.get(layer.arn) ?? []).filter(
          (p) => p.resourceArn === resource && (layer.layer === 'local' || p.sourceAccount === account),
        );
        const newest = newestByResource(points).get(resource);
        const age = newest ? Math.floor((now.getTime() - newest.createdAt.getTime()) / 60_000) : undefined;
        rows.push({
          service,
          resource,
          account,
          layer: layer.layer,
          vault: layer.arn,
          state: failedVaults.has(layer.arn)
            ? 'unreadable'
            : age === undefined
              ? 'never-reached'
              : age > rpo
                ? 'outside-rpo'
                : 'within-rpo',
          recoveryPoint: newest?.arn,
          newestAt: newest?.createdAt.toISOString(),
          ageMinutes: age,
          rpoMinutes: rpo,
          retentionDays: newest?.retentionDays,
        });
      }
    }
  }
  const order: Record<LayerState, number> = {
    unreadable: 0,
    'never-reached': 1,
    'outside-rpo': 2,
    'within-rpo': 3,
  };
  const path: Record<BackupLayer, number> = { local: 0, 'backup-account': 1, 'air-gapped': 2 };
  rows.sort(
    (a, b) =>
      order[a.state] - order[b.state] ||
      a.resource.localeCompare(b.resource) ||
      path[a.layer] - path[b.layer],
  );
  return {
    at: now.toISOString(),
    outsideRpo: rows.filter((r) => r.state !== 'within-rpo').length,
    vaults: [...reads]
      .sort((a, b) => path[a.vault.layer] - path[b.vault.layer])
      .map((r) => ({
        layer: r.vault.layer,
        vault: r.vault.arn,
        lock: 'lock' in r ? describeLockState(r.lock) : `${r.vault.name}: UNREADABLE`,
        immutable: 'lock' in r && r.lock.state === 'IMMUTABLE',
      })),
    layers: rows,
    failedJobs: jobs.filter((j) => j.outcome === 'failed'),
    runningJobs: jobs.filter((j) => j.outcome === 'running'),
    unreadable: [
      ...reads.flatMap((r) => ('error' in r ? [`vault ${r.vault.arn}: ${r.error}`] : [])),
      ...jobErrors,
    ],
  };
}

/**
 * Reads every vault of the path (each once: the backup-account and air-gapped vaults are shared) and the jobs. A
 * vault or account that cannot be read (closed, suspended, role gone: threat #24) is reported as unreadable with
 * the error, and every other layer is still read: a silent source must not hide the air-gapped copies.
 */
export async function backupStatus(
  clients: AwsClients,
  config: Config,
  now = new Date(),
): Promise<BackupStatusReport> {
  const vaults = new Map<string, BackupVaultRef>();
  for (const { id } of config.organizations.source.workloadAccounts)
    for (const v of backupVaults(config, id)) vaults.set(v.arn, v);
  const reads: VaultRead[] = [];
  await mapBounded([...vaults.values()], 8, async (vault) => {
    const backup = clients.for(BackupClient, vault.account, vault.region);
    try {
      const described = await backup.send(new DescribeBackupVaultCommand({ BackupVaultName: vault.name }));
      reads.push({
        vault,
        points: await listRecoveryPoints(backup, vault),
        lock: vaultLockState(described, now),
      });
    } catch (e) {
      reads.push({ vault, error: errorLine(e) });
    }
  });
  const jobs: JobSummary[] = [];
  const jobErrors: string[] = [];
  const since = new Date(now.getTime() - JOBS_WINDOW_HOURS * 3_600_000);
  await mapBounded(config.organizations.source.workloadAccounts, 8, async ({ id }) => {
    try {
      jobs.push(
        ...(await jobsNeedingAttention(clients.for(BackupClient, id, backupRegion(config)), id, since)),
      );
    } catch (e) {
      jobErrors.push(`jobs of ${id}: ${errorLine(e)}`);
    }
  });
  return evaluateBackupStatus(config, reads, jobs, now, jobErrors);
}

export function renderBackupStatus(report: BackupStatusReport): string {
  const lines = report.vaults.map(
    (v) => `${v.immutable ? 'ok  ' : 'WARN'}  vault ${v.layer.padEnd(14)} ${v.lock}`,
  );
  lines.push(
    ...report.layers.map((r) => {
      const age =
        r.state === 'unreadable'
          ? 'VAULT UNREADABLE'
          : r.ageMinutes === undefined
            ? 'NO RECOVERY POINT'
            : `${r.ageMinutes} min old`;
      const mark = r.state === 'within-rpo' ? 'ok  ' : 'FAIL';
      const kept = r.retentionDays === undefined ? '' : `, kept ${r.retentionDays} d`;
      return `${mark}  ${r.layer.padEnd(14)} ${r.resource}: ${age} (RPO ${r.rpoMinutes} min${kept})`;
    }),
  );
  const job = (j: JobSummary) =>
    `  ${j.kind} ${j.id} ${j.state} in ${j.account}: ${j.resourceArn ?? '-'}${j.destination ? ` -> ${j.destination}` : ''}${j.message ? ` (${j.message})` : ''}`;
  if (report.failedJobs.length)
    lines.push(`failed jobs (last ${JOBS_WINDOW_HOURS} h):`, ...report.failedJobs.map(job));
  if (report.runningJobs.length) lines.push('running jobs:', ...report.runningJobs.map(job));
  if (report.unreadable.length) lines.push('could not read:', ...report.unreadable.map((u) => `  ${u}`));
  lines.push(
    report.outsideRpo === 0
      ? `all ${report.layers.length} resource layers within their RPO (${report.at})`
      : `${report.outsideRpo} of ${report.layers.length} resource layers outside their RPO (${report.at})`,
  );
  return lines.join('\n');
}
