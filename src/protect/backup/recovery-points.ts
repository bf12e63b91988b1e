import {
  paginateListRecoveryPointsByBackupVault,
  type BackupClient,
  type RecoveryPointByBackupVault,
} from '@aws-sdk/client-backup';

/** One recovery point as status and restore need it. */
export interface RecoveryPoint {
  arn: string;
  resourceArn: string;
  resourceType: string | undefined;
  /** The account of the protected resource: the copy's source vault account, else the resource ARN's. */
  sourceAccount: string;
  vault: string;
  createdAt: Date;
  /** Days until lifecycle deletion; undefined when kept indefinitely. */
  retentionDays: number | undefined;
  status: string;
}

/** Recovery points a restore can use: COMPLETED (AVAILABLE in the newer vocabulary of the API). */
export const usable = (p: RecoveryPoint) => p.status === 'COMPLETED' || p.status === 'AVAILABLE';

export function toRecoveryPoint(
  p: RecoveryPointByBackupVault,
  vaultAccount: string,
): RecoveryPoint | undefined {
  if (!p.RecoveryPointArn || !p.ResourceArn || !p.CreationDate) return undefined;
  const accountOf = (arn: string | undefined) => arn?.split(':')[4] || undefined;
  return {
    arn: p.RecoveryPointArn,
    resourceArn: p.ResourceArn,
    resourceType: p.ResourceType,
    sourceAccount: accountOf(p.SourceBackupVaultArn) ?? accountOf(p.ResourceArn) ?? vaultAccount,
    vault: p.BackupVaultName ?? '',
    createdAt: p.CreationDate,
    retentionDays: p.Lifecycle?.DeleteAfterDays,
    status: p.Status ?? 'UNKNOWN',
  };
}

/**
 * Every recovery point of one vault. `vaultAccount` names the owner when the vault is shared with the caller
 * through AWS RAM (the restore account reading the air-gapped vault).
 */
export async function listRecoveryPoints(
  backup: BackupClient,
  vault: { name: string; account: string; shared?: boolean },
  byResourceArn?: string,
): Promise<RecoveryPoint[]> {
  const out: RecoveryPoint[] = [];
  for await (const page of paginateListRecoveryPointsByBackupVault(
    { client: backup },
    {
      BackupVaultName: vault.name,
      ...(vault.shared ? { BackupVaultAccountId: vault.account } : {}),
      ...(byResourceArn ? { ByResourceArn: byResourceArn } : {}),
    },
  )) {
    for (const p of page.RecoveryPoints ?? []) {
      const point = toRecoveryPoint(p, vault.account);
      if (point) out.push(point);
    }
  }
  return out;
}

/** The newest usable recovery point of each resource (pure). */
export function newestByResource(points: RecoveryPoint[]): Map<string, RecoveryPoint> {
  const newest = new Map<string, RecoveryPoint>();
  for (const p of points.filter(usable)) {
    const seen = newest.get(p.resourceArn);
    if (!seen || seen.createdAt < p.createdAt) newest.set(p.resourceArn, p);
  }
  return newest;
}
