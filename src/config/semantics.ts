import { BACKUP_TAG_SLOTS, BACKUP_TAGS_PER_SLOT, backupRegion } from './backup.js';
import { checkFileSystems } from './file-system-semantics.js';
import { checkGovernance } from './governance-semantics.js';
import { formatPath } from './path.js';
import { SERVICES, type Config } from './schema.js';

/** A cross-field problem: where in the file, and what is wrong and allowed. */
export interface Problem {
  path: (string | number)[];
  message: string;
}

/**
 * Rules that need more than one field. They run after the structural check and collect every problem,
 * so a user fixes the file in one pass.
 */
export function checkSemantics(config: Config): Problem[] {
  const problems: Problem[] = [];
  const { source, vault } = config.organizations;

  if (source.id === vault.id) {
    problems.push({
      path: ['organizations', 'vault', 'id'],
      message: `is the source organization (${source.id}): the vault must be in a different AWS Organization`,
    });
  }

  const sourceAccounts = new Map<string, (string | number)[]>([
    [source.managementAccount, ['organizations', 'source', 'managementAccount']],
    ...source.workloadAccounts.map((a, i): [string, (string | number)[]] => [
      a.id,
      ['organizations', 'source', 'workloadAccounts', i, 'id'],
    ]),
  ]);
  for (const role of ['backupAccount', 'airGapAccount'] as const) {
    const id = source[role];
    if (!id) continue;
    // Its own account: a workload account's administrator must not also administer the vault its copies land in.
    const clash = sourceAccounts.get(id);
    if (clash)
      problems.push({
        path: ['organizations', 'source', role],
        message: `${id} is already ${formatPath(clash)}: the ${role === 'backupAccount' ? 'backup' : 'air-gap'} account must be an account of its own`,
      });
    else sourceAccounts.set(id, ['organizations', 'source', role]);
  }

  const vaultRoles: [keyof typeof vault, string][] = [
    ['managementAccount', 'the vault management account'],
    ['vaultAccount', 'the vault account'],
    ['restoreAccount', 'the restore account'],
    ['logArchiveAccount', 'the log archive account'],
  ];
  for (const [role, label] of vaultRoles) {
    const id = vault[role];
    if (!id) continue;
    const clash = sourceAccounts.get(id);
    if (clash) {
      problems.push({
        path: ['organizations', 'vault', role],
        message: `${id} is also ${formatPath(clash)} of the source organization: ${label} must be an account of the vault organization, never a source account`,
      });
    }
  }
  // Within the vault organization each role is its own account: a compromise of one must not be a compromise of another.
  const seen = new Map<string, string>();
  for (const [role] of vaultRoles) {
    const id = vault[role];
    if (!id) continue;
    const first = seen.get(id);
    if (first) {
      problems.push({
        path: ['organizations', 'vault', role],
        message: `${id} is already organizations.vault.${first}: ${role} and ${first} must be different accounts`,
      });
    } else {
      seen.set(id, role);
    }
  }
  const workloadIds = new Set<string>();
  source.workloadAccounts.forEach((a, i) => {
    if (workloadIds.has(a.id)) {
      problems.push({
        path: ['organizations', 'source', 'workloadAccounts', i, 'id'],
        message: `${a.id} is listed twice: each workload account once`,
      });
    }
    workloadIds.add(a.id);
  });

  const retention = config.vault.retention;
  if (retention.mode === 'GOVERNANCE' && !retention.allowGovernance) {
    problems.push({
      path: ['vault', 'retention', 'mode'],
      message:
        'GOVERNANCE can be lifted by anyone with s3:BypassGovernanceRetention, so it is no air gap: use COMPLIANCE (or set vault.retention.allowGovernance: true to accept the risk)',
    });
  }
  const largestRpo = Math.max(...SERVICES.map((s) => config.rpoMinutes[s]));
  if (retention.days * 1440 < largestRpo) {
    problems.push({
      path: ['vault', 'retention', 'days'],
      message: `${retention.days} days is shorter than the largest RPO (${largestRpo} minutes): a copy would expire before the next one is due; allowed: at least ${Math.ceil(largestRpo / 1440)} days`,
    });
  }

  if (config.backup.airGappedVault) {
    if (!config.paths.backup) {
      problems.push({
        path: ['backup', 'airGappedVault'],
        message:
          'an air-gapped vault is part of the AWS Backup path: set paths.backup: true, or turn airGappedVault off',
      });
    }
    if (!source.airGapAccount) {
      problems.push({
        path: ['organizations', 'source', 'airGapAccount'],
        message:
          'is required when backup.airGappedVault is true: the source-organization account that holds the logically air-gapped vault',
      });
    }
  }
  problems.push(...checkBackup(config));
  problems.push(...checkGovernance(config));
  problems.push(...checkFileSystems(config));
  if (!config.paths.vault && !config.paths.backup) {
    problems.push({
      path: ['paths'],
      message: 'every protection path is off: turn on paths.vault, paths.backup or both',
    });
  }

  let selectors = 0;
  for (const service of SERVICES) {
    config.protect[service].forEach((sel, i) => {
      selectors++;
      const at = ['protect', service, i];
      if (!workloadIds.has(sel.account)) {
        problems.push({
          path: [...at, 'account'],
          message: `${sel.account} is not a workload account of the source organization; allowed: ${[...workloadIds].join(', ')}`,
        });
      }
      if (!sel.names?.length && !sel.arns?.length && !sel.tags) {
        problems.push({ path: at, message: 'selects nothing: give names, arns or tags' });
      }
      if (service === 's3' && config.paths.vault && sel.tags) {
        problems.push({
          path: [...at, 'tags'],
          message:
            'S3 buckets on the vault path are selected by names or arns: each gets its own Object Lock vault bucket, named at synth',
        });
      }
      if (sel.region && !config.organizations.source.regions.includes(sel.region)) {
        problems.push({
          path: [...at, 'region'],
          message: `${sel.region} is not a source region; allowed: ${config.organizations.source.regions.join(', ')}`,
        });
      }
    });
  }
  if (selectors === 0) {
    problems.push({
      path: ['protect'],
      message: 'nothing to protect: list at least one resource under protect.<service>',
    });
  }
  return problems;
}

/** AWS Backup path: every lifecycle must fit the Vault Lock range of the vault it lands in (threat #20). */
function checkBackup(config: Config): Problem[] {
  const problems: Problem[] = [];
  const b = config.backup;
  const lock = b.vaultLock;
  const at = (...path: string[]) => ['backup', ...path];
  if (lock.minRetentionDays > lock.maxRetentionDays) {
    problems.push({
      path: at('vaultLock', 'minRetentionDays'),
      message: `${lock.minRetentionDays} is above vaultLock.maxRetentionDays (${lock.maxRetentionDays}): the minimum must not exceed the maximum`,
    });
  }
  if (b.airGapMinRetentionDays > b.airGapMaxRetentionDays) {
    problems.push({
      path: at('airGapMinRetentionDays'),
      message: `${b.airGapMinRetentionDays} is above airGapMaxRetentionDays (${b.airGapMaxRetentionDays}): the minimum must not exceed the maximum`,
    });
  }
  const inLock = (field: string, days: number, min: number, max: number, vault: string) => {
    if (days < min || days > max) {
      problems.push({
        path: at(field),
        message: `${days} days is outside the ${vault} Vault Lock range ${min}-${max} days: AWS Backup fails every job whose lifecycle falls outside it; allowed: ${min} to ${max}`,
      });
    }
  };
  inLock(
    'localRetentionDays',
    b.localRetentionDays,
    lock.minRetentionDays,
    lock.maxRetentionDays,
    'local vault',
  );
  if (config.organizations.source.backupAccount) {
    inLock(
      'backupAccountRetentionDays',
      b.backupAccountRetentionDays,
      lock.minRetentionDays,
      lock.maxRetentionDays,
      'backup account vault',
    );
  }
  if (b.airGappedVault) {
    inLock(
      'airGapRetentionDays',
      b.airGapRetentionDays,
      b.airGapMinRetentionDays,
      b.airGapMaxRetentionDays,
      'air-gapped vault',
    );
  }
  if (b.continuousS3 && b.localRetentionDays > 35) {
    problems.push({
      path: at('localRetentionDays'),
      message: `${b.localRetentionDays} days is too long with continuousS3: continuous backups are kept at most 35 days; allowed: 1 to 35`,
    });
  }
  if (config.paths.backup) problems.push(...checkBackupSelectors(config), ...checkCopyCrossings(config));
  for (const field of ['primaryToAirGap', 'mpaApprovalTeamArn'] as const) {
    if (b[field] && !b.airGappedVault) {
      problems.push({
        path: at(field),
        message:
          'needs the logically air-gapped vault: set backup.airGappedVault: true, or remove this option',
      });
    }
  }
  // AWS's recommended flow: the approval team lives in a separate recovery organization's management account, so
  // approving a restore does not depend on the organization that owns the vault.
  // https://docs.aws.amazon.com/aws-backup/latest/devguide/multipartyapproval.html
  const teamAccount = b.mpaApprovalTeamArn?.split(':')[4];
  const vaultManagement = config.organizations.vault.managementAccount;
  if (teamAccount && teamAccount !== vaultManagement) {
    problems.push({
      path: at('mpaApprovalTeamArn'),
      message: `is a team of account ${teamAccount}: the approval team must be created in the vault organization's management account ${vaultManagement}, the recovery organization that approves restores when the source organization is lost`,
    });
  }
  return problems;
}

/**
 * The services whose AWS Backup copy actions cross an account or a Region, never both at once: "For Amazon RDS and
 * Aurora snapshots, AWS Backup only supports automating either cross-account or cross-Region copies due to how those
 * services create their encryption keys" (recov-point-create-a-copy); the feature table says the same of RDS,
 * Aurora, DocumentDB and Neptune (backup-feature-availability, features by resource).
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/recov-point-create-a-copy.html
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-feature-availability.html#features-by-resource
 */
const ONE_CROSSING_PER_COPY = ['rds', 'aurora'] as const;

/**
 * The copy into the air-gapped vault always crosses accounts (workload to air-gap account); with the vault in
 * another region than the plans it crosses a Region too, which AWS Backup does not do for these services: every
 * such copy job would fail (the plan deploys, the third layer never fills). Caught here, before anything deploys.
 */
function checkCopyCrossings(config: Config): Problem[] {
  const region = backupRegion(config);
  const services = ONE_CROSSING_PER_COPY.filter((s) => config.protect[s].length > 0);
  if (!config.backup.airGappedVault || config.vault.region === region || services.length === 0) return [];
  return [
    {
      path: ['vault', 'region'],
      message: `${config.vault.region} puts the air-gapped vault outside ${region}, where the backup plans run: its copy of ${services.map((s) => `protect.${s}`).join(' and ')} would be cross-account and cross-Region in one copy action, which AWS Backup does not support for RDS and Aurora; allowed: ${region}, or backup.airGappedVault: false, or no RDS or Aurora under protect`,
    },
  ];
}

/** What the one workload StackSet template can select per account: its region, a few tag selections. */
function checkBackupSelectors(config: Config): Problem[] {
  const problems: Problem[] = [];
  const region = backupRegion(config);
  const tagSelections = new Map<string, number>();
  for (const service of SERVICES) {
    config.protect[service].forEach((sel, i) => {
      const at = ['protect', service, i];
      if (sel.region && sel.region !== region) {
        problems.push({
          path: [...at, 'region'],
          message: `${sel.region} is not reached by the AWS Backup path, whose plans run in ${region} (the first source region); allowed: ${region}`,
        });
      }
      if (!sel.tags) return;
      const count = Object.keys(sel.tags).length;
      if (count === 0 || count > BACKUP_TAGS_PER_SLOT) {
        problems.push({
          path: [...at, 'tags'],
          message: `has ${count} tags: an AWS Backup tag selection here takes 1 to ${BACKUP_TAGS_PER_SLOT} tags`,
        });
      }
      const withComma = Object.entries(sel.tags).find(([k, v]) => k.includes(',') || v.includes(','));
      if (withComma) {
        problems.push({
          path: [...at, 'tags', withComma[0]],
          message: 'contains a comma, which no AWS tag key or value may hold',
        });
      }
      const n = (tagSelections.get(sel.account) ?? 0) + 1;
      tagSelections.set(sel.account, n);
      if (n === BACKUP_TAG_SLOTS + 1) {
        problems.push({
          path: [...at, 'tags'],
          message: `is tag selection ${n} of account ${sel.account}: the AWS Backup path takes at most ${BACKUP_TAG_SLOTS} tag selections per account (list resources by names or arns instead)`,
        });
      }
    });
  }
  return problems;
}
