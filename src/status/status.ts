import type { AwsClients } from '../aws/clients.js';
import type { Config } from '../config/index.js';
import { backupReader } from './backup-reader.js';
import { efsReader } from './efs-reader.js';
import { evaluate, type StatusReport } from './evaluate.js';
import type { PathReader } from './model.js';
import { s3Reader } from './s3-reader.js';
import { snapshotReader } from './snapshot-reader.js';

/** The readers of the paths the config turns on. */
export function pathReaders(config: Config, opts: { writeCanary: boolean }): PathReader[] {
  const readers: PathReader[] = [];
  if (config.paths.vault) readers.push(s3Reader(opts), snapshotReader, efsReader);
  if (config.paths.backup) readers.push(backupReader);
  return readers;
}

export async function vaultStatus(
  clients: AwsClients,
  config: Config,
  opts: { writeCanary: boolean; now?: Date },
): Promise<StatusReport> {
  const now = opts.now ?? new Date();
  const observed = (
    await Promise.all(pathReaders(config, opts).map((read) => read(clients, config, now)))
  ).flat();
  return evaluate(config, observed, now);
}

/**
 * The snapshot path alone: per protected DB, cluster and volume, its newest vault copy against the RPO; per
 * protected EFS file system, its replica's last sync.
 */
export async function snapshotStatus(
  clients: AwsClients,
  config: Config,
  now = new Date(),
): Promise<StatusReport> {
  const observed = [...(await snapshotReader(clients, config)), ...(await efsReader(clients, config))];
  return evaluate(config, observed, now, ['snapshot-copy', 'efs-replication']);
}

export function renderStatus(report: StatusReport): string {
  const lines = report.resources.map((r) => {
    const age = r.ageMinutes === undefined ? 'NEVER REACHED THE VAULT' : `${r.ageMinutes} min old`;
    const mark = r.state === 'within-rpo' ? 'ok  ' : 'FAIL';
    const retention = r.retentionDays === undefined ? '' : `, kept ${r.retentionDays} d`;
    const detail = r.detail.length ? `\n        ${r.detail.join('; ')}` : '';
    return `${mark}  ${r.service.padEnd(6)} ${r.path.padEnd(14)} ${r.resource}: ${age} (RPO ${r.rpoMinutes} min${retention})${detail}`;
  });
  const summary =
    report.outsideRpo === 0
      ? `all ${report.resources.length} resource paths within their RPO (${report.at})`
      : `${report.outsideRpo} of ${report.resources.length} resource paths outside their RPO, ${report.neverReached} never reached the vault (${report.at})`;
  return [...lines, summary].join('\n');
}
