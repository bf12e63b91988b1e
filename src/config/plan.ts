import { createHash } from 'node:crypto';
import { GOVERNANCE_REGION } from './names.js';
import { perConfig } from './per-config.js';
import type { Config } from './schema.js';
import { SERVICES, type Service } from './services.js';

/** The account roles of a config, each once: stacks, sandbox accounts and proofs are all keyed by them. */
export type AccountRole =
  | 'source-management'
  | 'workload'
  | 'backup'
  | 'vault-management'
  | 'vault'
  | 'air-gap'
  | 'restore'
  | 'log-archive';

export interface RoleAccount {
  role: AccountRole;
  id: string;
  name: string;
  organization: 'source' | 'vault';
}

export function accountsByRole(config: Config): RoleAccount[] {
  const { source, vault } = config.organizations;
  const out: RoleAccount[] = [
    {
      role: 'source-management',
      id: source.managementAccount,
      name: 'source-management',
      organization: 'source',
    },
    ...source.workloadAccounts.map((a): RoleAccount => ({
      role: 'workload',
      id: a.id,
      name: a.name,
      organization: 'source',
    })),
    {
      role: 'vault-management',
      id: vault.managementAccount,
      name: 'vault-management',
      organization: 'vault',
    },
    { role: 'vault', id: vault.vaultAccount, name: 'vault', organization: 'vault' },
    { role: 'restore', id: vault.restoreAccount, name: 'restore', organization: 'vault' },
  ];
  if (source.backupAccount)
    out.push({ role: 'backup', id: source.backupAccount, name: 'backup', organization: 'source' });
  // In the source organization: AWS Backup copies only between accounts of one organization.
  if (source.airGapAccount)
    out.push({ role: 'air-gap', id: source.airGapAccount, name: 'air-gap', organization: 'source' });
  if (vault.logArchiveAccount)
    out.push({
      role: 'log-archive',
      id: vault.logArchiveAccount,
      name: 'log-archive',
      organization: 'vault',
    });
  return out;
}

export interface ProtectedBucket {
  account: string;
  region: string;
  bucket: string;
  vaultBucket: string;
}

/**
 * One vault bucket per protected source bucket: replication cannot rename keys, so sharing a vault bucket
 * between source buckets would mix their keys; one each also keeps restore and verify a 1:1 diff.
 */
export const protectedBuckets = perConfig((config): readonly ProtectedBucket[] =>
  config.protect.s3.flatMap((sel) =>
    [...(sel.names ?? []), ...(sel.arns ?? []).map((arn) => arn.replace(/^arn:[^:]+:s3:::/, ''))].map(
      (bucket) => ({
        account: sel.account,
        region: sel.region ?? config.organizations.source.regions[0]!,
        bucket,
        vaultBucket: vaultBucketName(config, sel.account, bucket),
      }),
    ),
  ),
);

/** Deterministic, so infra, runtime and sandbox agree on it without a lookup. S3 names are at most 63 characters. */
export function vaultBucketName(config: Config, account: string, bucket: string): string {
  const full = `${config.vault.bucketPrefix}-${account}-${bucket}`;
  if (full.length <= 63) return full;
  const hash = createHash('sha256').update(`${account}/${bucket}`).digest('hex').slice(0, 10);
  const head = `${config.vault.bucketPrefix}-${account}-`;
  const kept = bucket.slice(0, 63 - head.length - hash.length - 1).replace(/[.-]+$/, '');
  return `${head}${kept}-${hash}`;
}

export function findProtectedBucket(config: Config, bucket: string): ProtectedBucket | undefined {
  return protectedBuckets(config).find((b) => b.bucket === bucket);
}

/** Services that have at least one selector. */
export function protectedServices(config: Config): Service[] {
  return SERVICES.filter((s) => config.protect[s].length > 0);
}

/**
 * Regions that need a vault key: the vault region, and every region whose snapshots the vault path copies.
 * Shared encrypted snapshots can only be copied in their own region, under a key of that region.
 */
export function vaultKeyRegions(config: Config): string[] {
  const regions = new Set([config.vault.region]);
  if (config.paths.vault)
    for (const service of ['rds', 'aurora', 'ebs'] as const)
      for (const sel of config.protect[service])
        regions.add(sel.region ?? config.organizations.source.regions[0]!);
  return [...regions];
}

/** The regions of `vaultKeyRegions` other than the vault region: each has a vault key stack of its own. */
export const otherVaultKeyRegions = (config: Config): string[] =>
  vaultKeyRegions(config).filter((r) => r !== config.vault.region);

/**
 * Where each vault-organization account runs its GuardDuty detector and Config recorder: every region a template
 * deploys the account to. The vault and restore accounts hold vault data (copies, vault and restore keys) in every
 * region of `vaultKeyRegions`, and the vault account also has a stack in GOVERNANCE_REGION, where IAM and global STS
 * events arrive (its break-glass alert); the log archive is in the vault region, the management account in
 * GOVERNANCE_REGION beside the organization trail. Detectors and recorders are regional, so each place is one.
 */
export function detectionPlaces(config: Config): { account: string; region: string }[] {
  const regionsOf = (role: AccountRole): string[] => {
    if (role === 'vault-management') return [GOVERNANCE_REGION];
    if (role === 'vault') return [...new Set([...vaultKeyRegions(config), GOVERNANCE_REGION])];
    if (role === 'restore') return vaultKeyRegions(config);
    return [config.vault.region];
  };
  return accountsByRole(config)
    .filter((a) => a.organization === 'vault')
    .flatMap((a) => regionsOf(a.role).map((region) => ({ account: a.id, region })));
}

export interface ProtectedFileSystem {
  account: string;
  region: string;
  /** The source file system id (fs-...). */
  id: string;
  arn: string;
}

/**
 * The EFS file systems the vault path replicates: each named one gets its own replica in the vault account,
 * created at deploy, so only names and ARNs select (a tag selector names nothing a template could create).
 */
export const protectedFileSystems = perConfig((config): readonly ProtectedFileSystem[] => {
  if (!config.paths.vault) return [];
  return config.protect.efs.flatMap((sel) => {
    const region = sel.region ?? config.organizations.source.regions[0]!;
    const byName = (sel.names ?? []).map((id) => ({
      account: sel.account,
      region,
      id,
      arn: `arn:aws:elasticfilesystem:${region}:${sel.account}:file-system/${id}`,
    }));
    const byArn = (sel.arns ?? []).map((arn) => {
      const [, , , at = region, account = sel.account, rest = ''] = arn.split(':');
      return { account, region: at, id: rest.replace(/^file-system\//, ''), arn };
    });
    return [...byName, ...byArn];
  });
});
