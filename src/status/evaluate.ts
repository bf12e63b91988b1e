import {
  protectedBuckets,
  protectedFileSystems,
  SERVICES,
  type Config,
  type Service,
} from '../config/index.js';
import type { CopyObservation, ProtectionPath } from './model.js';

export type ResourceState = 'never-reached' | 'outside-rpo' | 'within-rpo';

export interface ResourceStatus {
  service: Service;
  resource: string;
  account: string;
  path: ProtectionPath;
  state: ResourceState;
  newestCopyAt: string | undefined;
  ageMinutes: number | undefined;
  rpoMinutes: number;
  retentionDays: number | undefined;
  detail: string[];
}

export interface StatusReport {
  at: string;
  outsideRpo: number;
  neverReached: number;
  resources: ResourceStatus[];
}

interface Expected {
  service: Service;
  resource: string;
  account: string;
  path: ProtectionPath;
}

/**
 * Resources the config names explicitly, on every path that protects them. Tag selectors name nothing in
 * advance: their resources appear through what the paths observe.
 */
export function expectedResources(config: Config): Expected[] {
  const out: Expected[] = [];
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
        if (config.paths.vault && (service === 'rds' || service === 'aurora' || service === 'ebs'))
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
 * Pure: joins what the config expects with what the path readers observed. Expected resources with no copy are
 * "never reached" and come first: AWS Backup's own protected-resource listing hides exactly those.
 * `paths` narrows the report to some protection paths (`airgap snapshots status`).
 */
export function evaluate(
  config: Config,
  observed: CopyObservation[],
  now: Date,
  paths?: readonly ProtectionPath[],
): StatusReport {
  const key = (path: string, resource: string) => `${path} ${resource}`;
  const byKey = new Map(observed.map((o) => [key(o.path, o.resource), o]));
  const rows: ResourceStatus[] = [];
  const seen = new Set<string>();
  const expected = expectedResources(config).filter((e) => !paths || paths.includes(e.path));
  const inConfig = (o: CopyObservation) =>
    config.protect[o.service].some((sel) => sel.account === o.account) &&
    (o.path !== 'aws-backup' || config.paths.backup);
  for (const e of [
    ...expected,
    ...observed.filter((o) => inConfig(o) && (!paths || paths.includes(o.path))),
  ]) {
    const k = key(e.path, e.resource);
    if (seen.has(k)) continue;
    seen.add(k);
    const o = byKey.get(k);
    const rpo = config.rpoMinutes[e.service];
    const age = o?.newestCopyAt ? Math.floor((now.getTime() - o.newestCopyAt.getTime()) / 60_000) : undefined;
    rows.push({
      service: e.service,
      resource: e.resource,
      account: e.account,
      path: e.path,
      state: age === undefined ? 'never-reached' : age > rpo ? 'outside-rpo' : 'within-rpo',
      newestCopyAt: o?.newestCopyAt?.toISOString(),
      ageMinutes: age,
      rpoMinutes: rpo,
      retentionDays: o?.retentionDays,
      detail: o?.detail ?? [],
    });
  }
  const order: Record<ResourceState, number> = { 'never-reached': 0, 'outside-rpo': 1, 'within-rpo': 2 };
  rows.sort((a, b) => order[a.state] - order[b.state] || a.resource.localeCompare(b.resource));
  return {
    at: now.toISOString(),
    outsideRpo: rows.filter((r) => r.state !== 'within-rpo').length,
    neverReached: rows.filter((r) => r.state === 'never-reached').length,
    resources: rows,
  };
}
