/**
 * The copy scheduler, pure: the copier and bench/copy-orchestration.ts use this same function.
 * AWS caps concurrent snapshot copies per destination region (20 EBS, 20 RDS/Aurora by default), and copies of
 * one DB queue behind each other anyway, so we keep one copy in flight per source resource.
 * Among the copies that may start, resources with the most queued work go first (longest chain first): a
 * resource with a long backlog bounds the makespan, so starting it late is what FIFO gets wrong.
 */
export interface CopyJob {
  key: string;
  /** Quota pool: `${quota service}/${destination region}`. */
  lane: string;
  resource: string;
  /** Expected duration weight (GiB). */
  weight: number;
  /** Source snapshot creation time (ms): a resource's snapshots copy oldest first. */
  createdAt: number;
}

export interface InFlight {
  lane: string;
  resource: string;
}

/** Concurrent copy quotas, as data: a quota table overrides the AWS defaults. */
export const DEFAULT_COPY_LIMITS: Readonly<Record<string, number>> = { ebs: 20, rds: 20 };

export function laneOf(service: 'rds' | 'aurora' | 'ebs', region: string): string {
  return `${service === 'aurora' ? 'rds' : service}/${region}`;
}

export function laneLimit(
  lane: string,
  limits: Readonly<Record<string, number>> = DEFAULT_COPY_LIMITS,
): number {
  const service = lane.split('/')[0] ?? lane;
  return limits[lane] ?? limits[service] ?? DEFAULT_COPY_LIMITS[service] ?? 1;
}

/** The jobs to start now, given what is queued and in flight. */
export function nextCopies(
  queue: readonly CopyJob[],
  inFlight: readonly InFlight[],
  limits: Readonly<Record<string, number>> = DEFAULT_COPY_LIMITS,
): CopyJob[] {
  const busy = new Set(inFlight.map((f) => f.resource));
  const used = new Map<string, number>();
  for (const f of inFlight) used.set(f.lane, (used.get(f.lane) ?? 0) + 1);

  const backlog = new Map<string, number>();
  const head = new Map<string, CopyJob>();
  for (const job of queue) {
    backlog.set(job.resource, (backlog.get(job.resource) ?? 0) + job.weight);
    const first = head.get(job.resource);
    if (!first || job.createdAt < first.createdAt) head.set(job.resource, job);
  }
  const candidates = [...head.values()]
    .filter((j) => !busy.has(j.resource))
    .sort(
      (a, b) =>
        backlog.get(b.resource)! - backlog.get(a.resource)! ||
        a.createdAt - b.createdAt ||
        (a.key < b.key ? -1 : 1),
    );
  const start: CopyJob[] = [];
  for (const job of candidates) {
    const n = used.get(job.lane) ?? 0;
    if (n >= laneLimit(job.lane, limits)) continue;
    used.set(job.lane, n + 1);
    start.push(job);
  }
  return start;
}
