import type { Service } from '../config/schema.js';
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

/** A resource the config names on one protection path: reported even when the vault has never seen it. */
export interface ExpectedResource {
  service: Service;
  resource: string;
  account: string;
  path: ProtectionPath;
}

/**
 * Pure, and free of the config loader (the RPO monitor function runs it): joins the resources the config names
 * with what the path readers observed, each against its service's RPO. Expected resources with no copy are
 * "never reached" and come first: AWS Backup's own protected-resource listing hides exactly those.
 */
export function judge(
  expected: readonly ExpectedResource[],
  observed: readonly CopyObservation[],
  rpoMinutes: Readonly<Partial<Record<Service, number>>>,
  now: Date,
): StatusReport {
  const key = (path: string, resource: string) => `${path} ${resource}`;
  const byKey = new Map(observed.map((o) => [key(o.path, o.resource), o]));
  const rows: ResourceStatus[] = [];
  const seen = new Set<string>();
  for (const e of [...expected, ...observed]) {
    const k = key(e.path, e.resource);
    if (seen.has(k)) continue;
    seen.add(k);
    const o = byKey.get(k);
    const rpo = rpoMinutes[e.service];
    if (rpo === undefined) throw new Error(`no RPO for ${e.service} (resource ${e.resource})`);
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
