import { SNAPSHOT_SERVICES } from '../../protect/snapshots/model.js';
import { fail, notApplicable, pass, type Finding, type RuleFamily } from '../model.js';

/**
 * Snapshot copies: every copy the recovery catalog lists as available still exists in the vault account, and
 * an EBS copy is locked in compliance mode (past its cooling-off) until at least its catalog retention. RDS and
 * Aurora have no snapshot lock: the SCPs guard them, and presence is what can be checked.
 */
export const snapshotRules: RuleFamily = (state, config) => {
  const snapshotsProtected =
    config.paths.vault && SNAPSHOT_SERVICES.some((s) => config.protect[s].length > 0);
  if (!state.snapshots)
    return snapshotsProtected
      ? [fail('VAULT_SNAPSHOT_PRESENT', 'recovery-catalog', 'the recovery catalog table does not exist')]
      : [notApplicable('VAULT_SNAPSHOT_PRESENT', 'recovery-catalog', 'no snapshot path is configured')];
  return state.snapshots.flatMap(({ entry, present, lock }): Finding[] => {
    const id = `${entry.vaultCopyId} (${entry.sourceArn})`;
    if (!present)
      return [fail('VAULT_SNAPSHOT_PRESENT', id, 'the catalog lists this copy as available, but it is gone')];
    const out = [pass('VAULT_SNAPSHOT_PRESENT', id, `in the vault account, kept until ${entry.retainUntil}`)];
    if (entry.service !== 'ebs' || !lock) return out;
    const control = 'VAULT_SNAPSHOT_LOCK';
    const until = new Date(entry.retainUntil);
    if (lock.state === 'compliance-cooloff')
      out.push(
        fail(
          control,
          id,
          `in its cooling-off period: not yet immutable until ${lock.coolOffEndsOn?.toISOString() ?? 'an unknown date'}`,
        ),
      );
    else if (lock.state !== 'compliance')
      out.push(fail(control, id, `snapshot lock is ${lock.state}, not compliance`));
    else if (!lock.expiresOn || lock.expiresOn < until)
      out.push(
        fail(
          control,
          id,
          `locked only until ${lock.expiresOn?.toISOString() ?? 'an unknown date'}, retained until ${entry.retainUntil}`,
        ),
      );
    else out.push(pass(control, id, `compliance lock until ${lock.expiresOn.toISOString()}`));
    return out;
  });
};
