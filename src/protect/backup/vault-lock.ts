import type { DescribeBackupVaultOutput } from '@aws-sdk/client-backup';

/** Whether a backup vault's recovery points are immutable now (threat #9). */
export type VaultLockState =
  | { state: 'IMMUTABLE'; vault: string; since: Date }
  | { state: 'NOT_YET_IMMUTABLE'; vault: string; until: Date }
  | { state: 'UNLOCKED'; vault: string };

/**
 * A logically air-gapped vault is compliance-locked from creation; a standard vault is immutable only once
 * locked with a lock date in the past. Before that date anyone with the IAM permission can remove the lock.
 */
export function vaultLockState(vault: DescribeBackupVaultOutput, now: Date): VaultLockState {
  const name = vault.BackupVaultName ?? '(unnamed vault)';
  if (vault.VaultType === 'LOGICALLY_AIR_GAPPED_BACKUP_VAULT') {
    return { state: 'IMMUTABLE', vault: name, since: vault.CreationDate ?? now };
  }
  if (!vault.Locked) return { state: 'UNLOCKED', vault: name };
  if (vault.LockDate && vault.LockDate.getTime() > now.getTime()) {
    return { state: 'NOT_YET_IMMUTABLE', vault: name, until: vault.LockDate };
  }
  return { state: 'IMMUTABLE', vault: name, since: vault.LockDate ?? now };
}

export function describeLockState(s: VaultLockState): string {
  switch (s.state) {
    case 'IMMUTABLE':
      return `${s.vault}: immutable since ${s.since.toISOString()}`;
    case 'NOT_YET_IMMUTABLE':
      return `${s.vault}: NOT YET IMMUTABLE until ${s.until.toISOString()}`;
    case 'UNLOCKED':
      return `${s.vault}: NO VAULT LOCK: recovery points can be deleted`;
  }
}
