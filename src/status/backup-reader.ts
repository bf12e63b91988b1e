import {
  BackupClient,
  ListBackupVaultsCommand,
  paginateListRecoveryPointsByBackupVault,
} from '@aws-sdk/client-backup';
import type { AwsClients } from '../aws/clients.js';
import type { Config, Service } from '../config/index.js';
import type { CopyObservation } from './model.js';

/**
 * AWS Backup path: the newest completed recovery point per resource in the vaults of the air-gap account
 * (the one that survives the source organization), else of the backup account.
 */
export async function backupReader(clients: AwsClients, config: Config): Promise<CopyObservation[]> {
  const account = config.organizations.vault.airGapAccount ?? config.organizations.source.backupAccount;
  if (!account) return [];
  const backup = clients.for(BackupClient, account, config.vault.region);
  const newest = new Map<string, CopyObservation>();
  for (const vault of (await backup.send(new ListBackupVaultsCommand({}))).BackupVaultList ?? []) {
    for await (const page of paginateListRecoveryPointsByBackupVault(
      { client: backup },
      { BackupVaultName: vault.BackupVaultName! },
    ))
      for (const p of page.RecoveryPoints ?? []) {
        if (p.Status !== 'COMPLETED' || !p.ResourceArn || !p.CreationDate) continue;
        const seen = newest.get(p.ResourceArn);
        if (seen?.newestCopyAt && seen.newestCopyAt >= p.CreationDate) continue;
        newest.set(p.ResourceArn, {
          service: serviceOf(p.ResourceArn),
          resource: p.ResourceArn,
          account: p.ResourceArn.split(':')[4] ?? '',
          path: 'aws-backup',
          newestCopyAt: p.CreationDate,
          retentionDays: p.Lifecycle?.DeleteAfterDays,
          detail: [`recovery point in ${vault.BackupVaultName!} (${account})`],
        });
      }
  }
  return [...newest.values()];
}

export function serviceOf(arn: string): Service {
  const [, , service, , , rest = ''] = arn.split(':');
  if (service === 'rds') return rest.startsWith('cluster') ? 'aurora' : 'rds';
  if (service === 'ec2') return 'ebs';
  if (service === 'elasticfilesystem') return 'efs';
  if (service === 'fsx') return 'fsx';
  return 's3';
}
