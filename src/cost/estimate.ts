import { protectedBuckets, SERVICES, type Config, type Service } from '../config/index.js';
import { InputError } from '../errors.js';
import type { PriceSheet } from './prices.js';
import type { ResourceSize, Sizes } from './sizes.js';

/** A month is 30 days throughout, so every figure can be checked by hand. */
const MONTH_DAYS = 30;

export type CostPath =
  's3-replication' | 'snapshot-copy' | 'ebs-archive-tier' | 'efs-replication' | 'aws-backup';

export interface LineItem {
  item: string;
  monthlyUsd: number;
  oneTimeUsd: number;
}

export interface PathCost {
  path: CostPath;
  items: LineItem[];
  monthlyUsd: number;
  oneTimeUsd: number;
}

export interface ResourceCost {
  service: Service;
  resource: string;
  region: string;
  size: ResourceSize | undefined;
  /** The paths the config turns on, plus the EBS archive-tier alternative where the retention allows it. */
  paths: PathCost[];
  /** Of the vault and AWS Backup paths, which keeps this resource's isolated copy for `retentionDays` for less. */
  cheaper: { retentionDays: number; path: CostPath; byUsdPerMonth: number } | undefined;
}

export interface CostEstimate {
  region: string;
  pricesAsOf: string;
  sources: Record<string, string>;
  resources: ResourceCost[];
  /** Monthly totals per path over every resource with a known size. */
  monthlyUsdByPath: Partial<Record<CostPath, number>>;
  /** Resources the config names that the sizes file does not: no estimate without a size. */
  unsized: string[];
}

const round = (n: number) => Math.round(n * 100) / 100;
const item = (name: string, monthly: number, oneTime = 0): LineItem => ({
  item: name,
  monthlyUsd: round(monthly),
  oneTimeUsd: round(oneTime),
});
const path = (p: CostPath, items: LineItem[]): PathCost => ({
  path: p,
  items,
  monthlyUsd: round(items.reduce((n, i) => n + i.monthlyUsd, 0)),
  oneTimeUsd: round(items.reduce((n, i) => n + i.oneTimeUsd, 0)),
});

/** Data changed per month: S3 writes, or a snapshotted resource's daily change times 30. */
const monthlyChange = (service: Service, s: ResourceSize) =>
  service === 's3' ? (s.monthlyWriteGiB ?? 0) : (s.dailyChangeGiB ?? 0) * MONTH_DAYS;

/** What a copy kept `days` holds in steady state: the data now plus every change made within `days`. */
const retained = (service: Service, s: ResourceSize, days: number) =>
  s.storedGiB + (monthlyChange(service, s) * days) / MONTH_DAYS;

function s3Replication(
  config: Config,
  p: PriceSheet,
  region: string,
  s: ResourceSize,
  days: number,
): PathCost {
  const writes = s.monthlyWriteGiB ?? 0;
  const cross = region !== config.vault.region;
  const items = [
    item(
      'vault storage under Object Lock (every version kept its retention)',
      retained('s3', s, days) * p.s3.standardGiBMonth,
    ),
    item('replica PUT requests', ((s.monthlyWrites ?? 0) / 1000) * p.s3.putPer1000),
    item(
      'one-time backfill of existing objects (Batch Replication)',
      0,
      p.s3.batchReplicationPerJob +
        ((s.objects ?? 0) / 1e6) * p.s3.batchReplicationPerMillionObjects +
        (cross ? s.storedGiB * p.s3.interRegionTransferGiB : 0),
    ),
  ];
  if (cross)
    items.splice(1, 0, item('replication transfer between regions', writes * p.s3.interRegionTransferGiB));
  if (config.replication.replicationTimeControl)
    items.splice(1, 0, item('Replication Time Control', writes * p.s3.replicationTimeControlGiB));
  return path('s3-replication', items);
}

/** Vault copies land in the source region (shared encrypted snapshots copy in-region only), so no transfer. */
function snapshotCopy(service: Service, p: PriceSheet, s: ResourceSize, days: number): PathCost {
  const rate =
    service === 'rds'
      ? p.snapshots.rdsGiBMonth
      : service === 'aurora'
        ? p.snapshots.auroraGiBMonth
        : p.snapshots.ebsStandardGiBMonth;
  return path('snapshot-copy', [
    item('vault snapshot copies (incremental)', retained(service, s, days) * rate),
  ]);
}

/**
 * EBS alternative for long retention: copies stay incremental in the standard tier for the archive minimum (90
 * days), then one copy a month is archived, each archived snapshot billed at its full size.
 */
function ebsArchive(p: PriceSheet, s: ResourceSize, days: number): PathCost | undefined {
  const min = p.snapshots.ebsArchiveMinimumDays;
  if (days <= min) return undefined;
  const archived = Math.ceil((days - min) / MONTH_DAYS);
  return path('ebs-archive-tier', [
    item(
      `standard tier for the first ${min} days`,
      retained('ebs', s, min) * p.snapshots.ebsStandardGiBMonth,
    ),
    item(
      `${archived} monthly full copies in the archive tier`,
      archived * s.storedGiB * p.snapshots.ebsArchiveGiBMonth,
    ),
  ]);
}

/**
 * EFS on the vault path: the replica in the vault account (a full copy, Standard storage), its backups in the locked
 * replica vault kept the vault retention (AWS Backup's EFS rate), and the replicated changes when the vault is in
 * another Region.
 */
function efsReplication(
  config: Config,
  p: PriceSheet,
  region: string,
  s: ResourceSize,
  days: number,
): PathCost {
  const items = [
    item('replica in the vault account', s.storedGiB * p.efs.standardGiBMonth),
    item(
      `replica backups in the locked vault, ${days} days`,
      retained('efs', s, days) * p.backup.warmGiBMonth.efs,
    ),
  ];
  if (region !== config.vault.region)
    items.push(
      item('replication transfer between regions', monthlyChange('efs', s) * p.efs.interRegionTransferGiB),
    );
  return path('efs-replication', items);
}

/** AWS Backup: local vault, then the backup-account copy and the air-gapped copy the config turns on. */
function awsBackup(
  config: Config,
  service: Service,
  p: PriceSheet,
  region: string,
  s: ResourceSize,
  isolatedDays: number,
): PathCost {
  const b = config.backup;
  const warm = p.backup.warmGiBMonth[service];
  const items = [
    item(`local vault, ${b.localRetentionDays} days`, retained(service, s, b.localRetentionDays) * warm),
  ];
  if (config.organizations.source.backupAccount)
    items.push(
      item(
        `backup account vault, ${b.backupAccountRetentionDays} days`,
        retained(service, s, b.backupAccountRetentionDays) * warm,
      ),
    );
  if (b.airGappedVault)
    items.push(
      item(
        `logically air-gapped vault, ${isolatedDays} days`,
        retained(service, s, isolatedDays) * p.backup.airGappedGiBMonth[service],
      ),
    );
  if (b.airGappedVault && region !== config.vault.region)
    items.push(
      item('copy transfer between regions', monthlyChange(service, s) * p.backup.crossRegionTransferGiB),
    );
  return path('aws-backup', items);
}

function vaultPaths(
  config: Config,
  service: Service,
  p: PriceSheet,
  region: string,
  s: ResourceSize,
  days: number,
) {
  if (!config.paths.vault) return [];
  if (service === 's3') return [s3Replication(config, p, region, s, days)];
  if (service === 'rds' || service === 'aurora') return [snapshotCopy(service, p, s, days)];
  if (service === 'ebs')
    return [snapshotCopy(service, p, s, days), ebsArchive(p, s, days)].filter((x) => x !== undefined);
  if (service === 'efs') return [efsReplication(config, p, region, s, days)];
  return [];
}

/** Named resources of the config and those the sizes file adds under a service the config selects by tags. */
function resources(config: Config, sizes: Sizes): { service: Service; name: string; region: string }[] {
  const out: { service: Service; name: string; region: string }[] = [];
  const problems: string[] = [];
  const first = config.organizations.source.regions[0]!;
  for (const service of SERVICES) {
    const named =
      service === 's3'
        ? protectedBuckets(config).map((b) => ({ name: b.bucket, region: b.region }))
        : config.protect[service].flatMap((sel) =>
            [...(sel.names ?? []), ...(sel.arns ?? [])].map((name) => ({
              name,
              region: sel.region ?? first,
            })),
          );
    const byTags = config.protect[service].filter((sel) => sel.tags);
    for (const n of named) out.push({ service, ...n });
    for (const name of Object.keys(sizes[service] ?? {})) {
      if (named.some((n) => n.name === name)) continue;
      if (byTags.length) out.push({ service, name, region: byTags[0]!.region ?? first });
      else
        problems.push(
          `sizes: ${service}.${name}: the config does not protect it; allowed: ${named.map((n) => n.name).join(', ') || 'none'}`,
        );
    }
  }
  if (problems.length) throw new InputError(problems);
  return out;
}

/** Pure: a monthly estimate per protected resource and path, from the config, observed sizes and a price sheet. */
export function estimateCost(config: Config, sizes: Sizes, p: PriceSheet): CostEstimate {
  const days = config.vault.retention.days;
  const out: ResourceCost[] = [];
  const unsized: string[] = [];
  for (const r of resources(config, sizes)) {
    const size = sizes[r.service]?.[r.name];
    if (!size) {
      unsized.push(`${r.service} ${r.name}`);
      out.push({
        service: r.service,
        resource: r.name,
        region: r.region,
        size,
        paths: [],
        cheaper: undefined,
      });
      continue;
    }
    const paths = vaultPaths(config, r.service, p, r.region, size, days);
    if (config.paths.backup)
      paths.push(awsBackup(config, r.service, p, r.region, size, config.backup.airGapRetentionDays));
    // The comparison holds both isolated copies to the same retention: the vault's.
    const candidates = [
      ...vaultPaths(config, r.service, p, r.region, size, days),
      ...(config.paths.backup ? [awsBackup(config, r.service, p, r.region, size, days)] : []),
    ].sort((a, b) => a.monthlyUsd - b.monthlyUsd);
    const [best, next] = candidates;
    out.push({
      service: r.service,
      resource: r.name,
      region: r.region,
      size,
      paths,
      cheaper:
        best && next
          ? { retentionDays: days, path: best.path, byUsdPerMonth: round(next.monthlyUsd - best.monthlyUsd) }
          : undefined,
    });
  }
  const monthlyUsdByPath: CostEstimate['monthlyUsdByPath'] = {};
  for (const r of out)
    for (const c of r.paths) monthlyUsdByPath[c.path] = round((monthlyUsdByPath[c.path] ?? 0) + c.monthlyUsd);
  return {
    region: p.region,
    pricesAsOf: p.asOf,
    sources: p.sources,
    resources: out,
    monthlyUsdByPath,
    unsized,
  };
}
