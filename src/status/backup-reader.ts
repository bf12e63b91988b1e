import { BackupClient, ListBackupVaultsCommand } from '@aws-sdk/client-backup';
import type { AwsClients } from '../aws/clients.js';
import { serviceOf, type Config } from '../config/index.js';
import { listRecoveryPoints, newestByResource } from '../protect/backup/recovery-points.js';
import type { CopyObservation } from './model.js';

/**
 * AWS Backup path: the newest completed recovery point per resource in the vaults of the air-gap account
 * (the one that survives the source organization), else of the backup account. `airgap backup status` shows
 * every layer.
 */
export async function backupReader(clients: AwsClients, config: Config): Promise<CopyObservation[]> {
  const account = config.organizations.source.airGapAccount ?? config.organizations.source.backupAccount;
  if (!account) return [];
  const backup = clients.for(BackupClient, account, config.vault.region);
  const points = [];
  for (const vault of (await backup.send(new ListBackupVaultsCommand({}))).BackupVaultList ?? [])
    points.push(...(await listRecoveryPoints(backup, { name: vault.BackupVaultName!, account })));
  return [...newestByResource(points).values()].map((p) => ({
    service: serviceOf(p.resourceArn),
    resource: p.resourceArn,
    account: p.resourceArn.split(':')[4] ?? '',
    path: 'aws-backup',
    newestCopyAt: p.createdAt,
    retentionDays: p.retentionDays,
    detail: [`recovery point in ${p.vault} (${account})`],
  }));
}
