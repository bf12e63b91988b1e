import { RESOURCE_NAMES } from './names.js';
import { perConfig } from './per-config.js';
import type { Config } from './schema.js';
import { SERVICES, type Service } from './services.js';

/** The three layers of the AWS Backup path (seed 001), in the order a recovery point travels. */
export type BackupLayer = 'local' | 'backup-account' | 'air-gapped';

export interface BackupVaultRef {
  layer: BackupLayer;
  account: string;
  region: string;
  name: string;
  arn: string;
}

/** One protected resource on the backup path: an ARN, or a tag set (resolved by AWS Backup at run time). */
export interface BackupTarget {
  service: Service;
  account: string;
  region: string;
  arn?: string;
  tags?: Record<string, string>;
}

export function backupVaultArn(region: string, account: string, name: string): string {
  return `arn:aws:backup:${region}:${account}:backup-vault:${name}`;
}

/** The region the backup StackSet runs in: the first source region. */
export function backupRegion(config: Config): string {
  return config.organizations.source.regions[0]!;
}

/** The vaults of a workload account's recovery points, layer by layer (only the layers the config turns on). */
export function backupVaults(config: Config, workloadAccount: string): BackupVaultRef[] {
  const region = backupRegion(config);
  const ref = (layer: BackupLayer, account: string, at: string, name: string): BackupVaultRef => ({
    layer,
    account,
    region: at,
    name,
    arn: backupVaultArn(at, account, name),
  });
  // With primaryToAirGap the local vault is itself logically air-gapped (same-account air-gapped recovery).
  const out = [ref('local', workloadAccount, region, RESOURCE_NAMES.localBackupVault(config))];
  const backupAccount = config.organizations.source.backupAccount;
  if (backupAccount) {
    out.push(ref('backup-account', backupAccount, region, RESOURCE_NAMES.backupAccountVault(config)));
  }
  const airGap = config.organizations.source.airGapAccount;
  if (config.backup.airGappedVault && airGap) {
    out.push(ref('air-gapped', airGap, config.vault.region, RESOURCE_NAMES.airGapVault(config)));
  }
  return out;
}

const ARN: Record<Service, (region: string, account: string, name: string) => string> = {
  s3: (_r, _a, name) => `arn:aws:s3:::${name}`,
  rds: (r, a, name) => `arn:aws:rds:${r}:${a}:db:${name}`,
  aurora: (r, a, name) => `arn:aws:rds:${r}:${a}:cluster:${name}`,
  ebs: (r, a, name) => `arn:aws:ec2:${r}:${a}:volume/${name}`,
  efs: (r, a, name) => `arn:aws:elasticfilesystem:${r}:${a}:file-system/${name}`,
  fsx: (r, a, name) => `arn:aws:fsx:${r}:${a}:file-system/${name}`,
};

/** Every resource the config protects on the backup path: named ones as ARNs, tag selectors as tag sets. */
export const backupTargets = perConfig((config): readonly BackupTarget[] => {
  if (!config.paths.backup) return [];
  return SERVICES.flatMap((service) =>
    config.protect[service].flatMap((sel) => {
      const region = sel.region ?? backupRegion(config);
      const base = { service, account: sel.account, region };
      return [
        ...(sel.names ?? []).map((n): BackupTarget => ({
          ...base,
          arn: ARN[service](region, sel.account, n),
        })),
        ...(sel.arns ?? []).map((arn): BackupTarget => ({ ...base, arn })),
        ...(sel.tags ? [{ ...base, tags: sel.tags }] : []),
      ];
    }),
  );
});

/**
 * The workload StackSet template carries a fixed number of tag selections, filled per account by StackSet
 * instance parameters, so the template stays the same for any number of accounts.
 */
export const BACKUP_TAG_SLOTS = 4;
/** Tags per tag selection (AND): AWS Backup evaluates every condition of a selection. */
export const BACKUP_TAGS_PER_SLOT = 3;

/** The service of a protected resource's ARN (the inverse of the ARN shapes above). */
export function serviceOf(arn: string): Service {
  const [, , service, , , rest = ''] = arn.split(':');
  if (service === 'rds') return rest.startsWith('cluster') ? 'aurora' : 'rds';
  if (service === 'ec2') return 'ebs';
  if (service === 'elasticfilesystem') return 'efs';
  if (service === 'fsx') return 'fsx';
  return 's3';
}
