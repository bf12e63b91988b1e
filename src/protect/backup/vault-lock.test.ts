import { describe, expect, it } from 'vitest';
import { describeLockState, vaultLockState } from './vault-lock.js';

const now = new Date('2026-11-23T08:00:00Z');

// Shapes follow the documented DescribeBackupVault response (moto does not model lock dates).
describe('Vault Lock state', () => {
  it('threat #9: a compliance lock still in its grace time is NOT YET IMMUTABLE until the lock date', () => {
    const until = new Date('2026-11-25T08:00:00Z');
    const s = vaultLockState({ BackupVaultName: 'v', Locked: true, LockDate: until }, now);
    expect(s).toEqual({ state: 'NOT_YET_IMMUTABLE', vault: 'v', until });
    expect(describeLockState(s)).toBe('v: NOT YET IMMUTABLE until 2026-11-25T08:00:00.000Z');
  });

  it('threat #9/#21: a locked vault whose lock date has passed is immutable', () => {
    const since = new Date('2026-11-20T08:00:00Z');
    expect(vaultLockState({ BackupVaultName: 'v', Locked: true, LockDate: since }, now)).toEqual({
      state: 'IMMUTABLE',
      vault: 'v',
      since,
    });
  });

  it('a vault without a lock is reported as deletable', () => {
    const s = vaultLockState({ BackupVaultName: 'v', Locked: false }, now);
    expect(s.state).toBe('UNLOCKED');
    expect(describeLockState(s)).toContain('NO VAULT LOCK');
  });

  it('a logically air-gapped vault is immutable from creation', () => {
    const created = new Date('2026-01-01T00:00:00Z');
    expect(
      vaultLockState(
        { BackupVaultName: 'lag', VaultType: 'LOGICALLY_AIR_GAPPED_BACKUP_VAULT', CreationDate: created },
        now,
      ),
    ).toEqual({ state: 'IMMUTABLE', vault: 'lag', since: created });
  });
});
