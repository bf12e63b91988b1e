import {
  protectedBuckets,
  protectedFileSystems,
  SERVICES,
  type Config,
  type Service,
} from '../config/index.js';
import { isSnapshotService, SNAPSHOT_SERVICES } from '../protect/snapshots/model.js';
import { judge, type ExpectedResource, type StatusReport } from './judge.js';
import type { CopyObservation, ProtectionPath } from './model.js';
import type { RpoScope } from './rpo-breaches.js';

export type { ExpectedResource, ResourceState, ResourceStatus, StatusReport } from './judge.js';

/**
 * Resources the config names explicitly, on every path that protects them. Tag selectors name nothing in
 * advance: their resources appear through what the paths observe.
 */
export function expectedResources(config: Config): ExpectedResource[] {
  const out: ExpectedResource[] = [];
  if (config.paths.vault)
    for (const b of protectedBuckets(config))
      out.push({ service: 's3', resource: b.bucket, account: b.account, path: 's3-replication' });
  for (const fs of protectedFileSystems(config))
    out.push({ service: 'efs', resource: fs.arn, account: fs.account, path: 'efs-replication' });
  for (const service of SERVICES.filter((s) => s !== 's3'))
    for (const sel of config.protect[service]) {
      const region = sel.region ?? config.organizations.source.regions[0]!;
      const arns = [
        ...(sel.arns ?? []),
        ...(sel.names ?? []).map((n) => resourceArn(service, region, sel.account, n)),
      ];
      for (const resource of arns) {
        if (config.paths.vault && isSnapshotService(service))
          out.push({ service, resource, account: sel.account, path: 'snapshot-copy' });
        if (config.paths.backup) out.push({ service, resource, account: sel.account, path: 'aws-backup' });
      }
    }
  return out;
}

export function resourceArn(service: Service, region: string, account: string, name: string): string {
  switch (service) {
    case 'rds':
      return `arn:aws:rds:${region}:${account}:db:${name}`;
    case 'aurora':
      return `arn:aws:rds:${region}:${account}:cluster:${name}`;
    case 'ebs':
      return `arn:aws:ec2:${region}:${account}:volume/${name}`;
    case 'efs':
      return `arn:aws:elasticfilesystem:${region}:${account}:file-system/${name}`;
    case 'fsx':
      return `arn:aws:fsx:${region}:${account}:file-system/${name}`;
    case 's3':
      return `arn:aws:s3:::${name}`;
  }
}

/**
 * Pure: what the config expects, joined with what the path readers observed of the accounts and paths it protects
 * (`judge`). `paths` narrows the report to some protection paths (`airgap snapshots status`).
 */
export function evaluate(
  config: Config,
  observed: CopyObservation[],
  now: Date,
  paths?: readonly ProtectionPath[],
): StatusReport {
  const onPath = (path: ProtectionPath) => !paths || paths.includes(path);
  const inConfig = (o: CopyObservation) =>
    config.protect[o.service].some((sel) => sel.account === o.account) &&
    (o.path !== 'aws-backup' || config.paths.backup);
  return judge(
    expectedResources(config).filter((e) => onPath(e.path)),
    observed.filter((o) => inConfig(o) && onPath(o.path)),
    config.rpoMinutes,
    now,
  );
}

/** The snapshot path's RPO monitor scope (`RpoScope`): what the vault's RPO monitor function judges. */
export function rpoScope(config: Config): RpoScope {
  // Every snapshot service, protected or not: a zero is published for each, so the alarm hears from all of them.
  const services = SNAPSHOT_SERVICES;
  return {
    expected: expectedResources(config).filter((e) => e.path === 'snapshot-copy'),
    accounts: Object.fromEntries(
      services.map((s) => [s, [...new Set(config.protect[s].map((x) => x.account))]]),
    ),
    rpoMinutes: Object.fromEntries(services.map((s) => [s, config.rpoMinutes[s]])),
  };
}
