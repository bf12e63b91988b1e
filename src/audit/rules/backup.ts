import { fail, notApplicable, pass, type Finding, type RuleFamily } from '../model.js';

const DAY = 86_400_000;

/** Backup Audit Manager's controls, by their own names, in the order the rules below evaluate them. */
export const BACKUP_AUDIT_MANAGER_CONTROLS = [
  'BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN',
  'BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK',
  'BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED',
  'BACKUP_RECOVERY_POINT_ENCRYPTED',
  'BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK',
  'BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK',
  'BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION',
  'BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT',
  'BACKUP_LAST_RECOVERY_POINT_CREATED',
  'RESTORE_TIME_FOR_RESOURCES_MEET_TARGET',
] as const;

/**
 * AWS Backup path, judged by Backup Audit Manager's own controls so the report reads like the one auditors
 * know. Each control is evaluated here over the fetched vaults, plans and jobs (threat #9: a lock still in its
 * grace time is "not yet immutable until <date>").
 */
export const backupRules: RuleFamily = (state, config) => {
  const b = state.backup;
  const names = BACKUP_AUDIT_MANAGER_CONTROLS;
  if (!b) return names.map((n) => notApplicable(n, 'aws-backup', 'the AWS Backup path is off'));
  const out: Finding[] = [];
  const selected = new Set(b.plans.flatMap((p) => p.selectedResources));
  const points = b.vaults.flatMap((v) => v.recoveryPoints);
  const resources = [...new Set([...selected, ...points.map((p) => p.resourceArn)])];
  const minDays = config.backup.localRetentionDays;

  for (const r of resources)
    out.push(
      selected.has(r) || selected.has('*')
        ? pass(names[0]!, r, 'selected by a backup plan')
        : fail(names[0]!, r, 'has recovery points but no backup plan selects it'),
    );
  for (const p of points) {
    out.push(
      p.retentionDays !== undefined && p.retentionDays < minDays
        ? fail(names[1]!, p.arn, `retained ${p.retentionDays} days, less than ${minDays}`)
        : pass(
            names[1]!,
            p.arn,
            p.retentionDays === undefined ? 'retained indefinitely' : `retained ${p.retentionDays} days`,
          ),
    );
    out.push(p.encrypted ? pass(names[3]!, p.arn, 'encrypted') : fail(names[3]!, p.arn, 'not encrypted'));
  }
  for (const v of b.vaults) {
    out.push(
      v.deletionDenied
        ? pass(names[2]!, v.name, 'vault access policy denies DeleteRecoveryPoint')
        : fail(names[2]!, v.name, 'vault access policy does not deny DeleteRecoveryPoint'),
    );
    // A lock date in the future is the grace time, whatever `Locked` says; no lock date at all is governance
    // mode, which anyone allowed to call DeleteBackupVaultLockConfiguration removes at any time.
    if (v.lockDate && v.lockDate > state.now)
      out.push(fail(names[5]!, v.name, `not yet immutable until ${v.lockDate.toISOString()}`));
    else if (!v.locked) out.push(fail(names[5]!, v.name, 'Vault Lock is not configured'));
    else if (!v.lockDate)
      out.push(
        fail(names[5]!, v.name, 'Vault Lock is in governance mode (no lock date): removable at any time'),
      );
    else out.push(pass(names[5]!, v.name, `Vault Lock immutable since ${v.lockDate.toISOString()}`));
  }
  for (const plan of b.plans)
    for (const rule of plan.rules) {
      const days = rule.deleteAfterDays;
      out.push(
        days !== undefined && days < minDays
          ? fail(names[4]!, plan.name, `rule ${rule.schedule} keeps ${days} days, less than ${minDays}`)
          : pass(names[4]!, plan.name, `rule ${rule.schedule} keeps ${days ?? 'indefinite'} days`),
      );
    }
  const copyTargets = b.plans.flatMap((p) => p.rules.flatMap((r) => r.copyTo));
  const airGap = config.organizations.source.airGapAccount;
  const crossRegion = copyTargets.some((t) => t.split(':')[3] !== config.organizations.source.regions[0]);
  out.push(
    crossRegion
      ? pass(names[6]!, 'backup-plans', 'a rule copies to another region')
      : config.vault.region === config.organizations.source.regions[0]
        ? notApplicable(names[6]!, 'backup-plans', 'the vault region is the source region')
        : fail(names[6]!, 'backup-plans', 'no rule copies to another region'),
  );
  out.push(
    !config.backup.airGappedVault || !airGap
      ? notApplicable(names[7]!, 'backup-plans', 'no air-gapped vault is configured')
      : copyTargets.some((t) => t.split(':')[4] === airGap)
        ? pass(names[7]!, 'backup-plans', `a rule copies to account ${airGap}`)
        : fail(names[7]!, 'backup-plans', `no rule copies to the air-gap account ${airGap}`),
  );
  const rpo = Math.min(config.rpoMinutes.rds, config.rpoMinutes.ebs, config.rpoMinutes.aurora) * 60_000;
  for (const r of resources) {
    const newest = Math.max(
      0,
      ...points.filter((p) => p.resourceArn === r).map((p) => p.createdAt.getTime()),
    );
    out.push(
      state.now.getTime() - newest <= Math.max(rpo, DAY)
        ? pass(names[8]!, r, `last recovery point ${new Date(newest).toISOString()}`)
        : fail(
            names[8]!,
            r,
            newest ? `last recovery point ${new Date(newest).toISOString()} is too old` : 'no recovery point',
          ),
    );
  }
  const target = config.backup.restoreTimeTargetMinutes;
  for (const j of b.restoreJobs)
    out.push(
      j.minutes <= target
        ? pass(names[9]!, j.resourceArn, `restored in ${j.minutes} minutes`)
        : fail(names[9]!, j.resourceArn, `restore took ${j.minutes} minutes, more than ${target}`),
    );
  for (const u of b.restoreJobsUnreadable)
    out.push(
      fail(names[9]!, `restore-jobs (${u.account})`, `completed restore jobs could not be read: ${u.reason}`),
    );
  if (b.restoreJobs.length === 0 && b.restoreJobsUnreadable.length === 0)
    out.push(notApplicable(names[9]!, 'restore-jobs', 'no completed restore job yet'));
  return out;
};
