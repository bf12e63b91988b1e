/**
 * Copy orchestration: 5,000 snapshots of 50 workload accounts copied into the vault account under AWS's
 * concurrent-copy quotas (20 EBS copies and 20 RDS/Aurora copies in flight per destination region, one copy
 * in flight per source DB or volume), simulated in virtual time with the copier's own scheduler (`nextCopies`).
 * Peer in the same run: a naive FIFO scheduler (oldest snapshot first, same quotas and per-resource rule).
 *
 * Run: npx tsx bench/copy-orchestration.ts [snapshots=5000] [accounts=50] [seed=7] [skew=1.5]
 *
 * The lower bound, per quota lane: max(total work / lane quota, longest per-resource chain). No schedule can
 * beat either: a lane never runs more than its quota at once, and a resource's copies run one after another.
 */
import { laneLimit, nextCopies, type CopyJob, type InFlight } from '../src/protect/snapshots/scheduler.js';

const [snapshots = 5000, accounts = 50, seed = 7, skew = 1.5] = process.argv.slice(2).map(Number);

/** Deterministic PRNG (mulberry32): the same workload every run. */
function rng(s: number) {
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Job extends CopyJob {
  minutes: number;
}

/**
 * The workload: each account has 10 resources (6 volumes, 3 DB instances, 1 Aurora cluster) in one of two
 * regions; sizes are heavy-tailed (most 20-200 GiB, a few multi-TiB); snapshot counts per resource are skewed
 * (a few busy databases hold many pending snapshots, as after an outage of the copier). A copy takes
 * 2 minutes of setup plus its size at 250 MiB/s, the example rate of AWS's time-based copy documentation.
 */
function workload(): Job[] {
  const rand = rng(seed);
  const resources: {
    id: string;
    service: 'ebs' | 'rds' | 'aurora';
    region: string;
    gib: number;
    w: number;
  }[] = [];
  for (let a = 0; a < accounts; a++)
    for (let r = 0; r < 10; r++) {
      const service = r < 6 ? 'ebs' : r < 9 ? 'rds' : 'aurora';
      const gib = Math.round(20 * Math.exp(rand() * Math.log(150)));
      resources.push({
        id: `${a}/${service}-${r}`,
        service,
        region: rand() < 0.7 ? 'us-east-1' : 'eu-west-1',
        gib,
        w: rand() ** skew,
      });
    }
  const totalW = resources.reduce((s, r) => s + r.w, 0);
  const jobs: Job[] = [];
  let n = 0;
  for (const r of resources) {
    const count = Math.max(1, Math.round((r.w / totalW) * snapshots));
    for (let i = 0; i < count && n < snapshots; i++, n++) {
      const gib = Math.max(1, Math.round(r.gib * (0.8 + 0.4 * rand())));
      jobs.push({
        key: `${r.id}#${i}`,
        lane: `${r.service === 'aurora' ? 'rds' : r.service}/${r.region}`,
        resource: r.id,
        weight: gib,
        createdAt: Math.floor(rand() * 7 * 24 * 60),
        minutes: 2 + (gib * 1024) / 250 / 60,
      });
    }
  }
  for (let i = 0; n < snapshots; i++, n++) {
    const base = jobs[i % jobs.length]!;
    jobs.push({ ...base, key: `${base.key}+${i}`, createdAt: base.createdAt + 1 });
  }
  return jobs;
}

type Scheduler = (queue: readonly Job[], inFlight: readonly InFlight[]) => Job[];

/** Naive FIFO: oldest snapshot first (the queue is kept in that order), same quotas, one copy per resource. */
const fifo: Scheduler = (queue, inFlight) => {
  const busy = new Set(inFlight.map((f) => f.resource));
  const used = new Map<string, number>();
  for (const f of inFlight) used.set(f.lane, (used.get(f.lane) ?? 0) + 1);
  const start: Job[] = [];
  for (const job of queue) {
    const n = used.get(job.lane) ?? 0;
    if (busy.has(job.resource) || n >= laneLimit(job.lane)) continue;
    busy.add(job.resource);
    used.set(job.lane, n + 1);
    start.push(job);
  }
  return start;
};

const airgap: Scheduler = (queue, inFlight) => nextCopies(queue, inFlight) as Job[];

/** Event-driven simulation in virtual minutes: start what the scheduler allows, advance to the next completion. */
function simulate(
  jobs: Job[],
  schedule: Scheduler,
): { makespan: number; maxInFlight: Record<string, number>; violations: number } {
  let queue = [...jobs];
  let running: (Job & { end: number })[] = [];
  let now = 0;
  const maxInFlight: Record<string, number> = {};
  let violations = 0;
  while (queue.length > 0 || running.length > 0) {
    const started = schedule(queue, running);
    const startedKeys = new Set(started.map((j) => j.key));
    queue = queue.filter((j) => !startedKeys.has(j.key));
    running.push(...started.map((j) => ({ ...j, end: now + j.minutes })));
    const perLane = new Map<string, number>();
    const perResource = new Map<string, number>();
    for (const r of running) {
      perLane.set(r.lane, (perLane.get(r.lane) ?? 0) + 1);
      perResource.set(r.resource, (perResource.get(r.resource) ?? 0) + 1);
    }
    for (const [lane, n] of perLane) {
      maxInFlight[lane] = Math.max(maxInFlight[lane] ?? 0, n);
      if (n > laneLimit(lane)) violations++;
    }
    for (const n of perResource.values()) if (n > 1) violations++;
    now = Math.min(...running.map((r) => r.end));
    running = running.filter((r) => r.end > now);
  }
  return { makespan: now, maxInFlight, violations };
}

function lowerBound(jobs: Job[]): { bound: number; laneWork: number; chain: number } {
  const work = new Map<string, number>();
  const chain = new Map<string, { lane: string; minutes: number }>();
  for (const j of jobs) {
    work.set(j.lane, (work.get(j.lane) ?? 0) + j.minutes);
    const c = chain.get(j.resource) ?? { lane: j.lane, minutes: 0 };
    c.minutes += j.minutes;
    chain.set(j.resource, c);
  }
  const laneWork = Math.max(...[...work].map(([lane, minutes]) => minutes / laneLimit(lane)));
  const longest = Math.max(...[...chain.values()].map((c) => c.minutes));
  return { bound: Math.max(laneWork, longest), laneWork, chain: longest };
}

const jobs = workload().sort((a, b) => a.createdAt - b.createdAt || (a.key < b.key ? -1 : 1));
const { bound, laneWork, chain } = lowerBound(jobs);
const hours = (m: number) => (m / 60).toFixed(1);
console.log(
  `${jobs.length} snapshots, ${accounts} accounts, ${new Set(jobs.map((j) => j.resource)).size} resources, lanes: ${[...new Set(jobs.map((j) => j.lane))].sort().join(', ')}`,
);
console.log(
  `lower bound: ${hours(bound)} h = max(busiest lane's work / its quota ${hours(laneWork)} h, longest per-resource chain ${hours(chain)} h)`,
);
for (const [name, schedule] of [
  ['airgap (longest backlog first)', airgap],
  ['naive FIFO (oldest first)', fifo],
] as const) {
  const t0 = performance.now();
  const r = simulate(jobs, schedule);
  const wall = (performance.now() - t0) / 1000;
  console.log(
    `${name}: makespan ${hours(r.makespan)} h = ${(r.makespan / bound).toFixed(3)} x bound; quota or per-resource violations ${r.violations}; peak in flight ${JSON.stringify(r.maxInFlight)}; simulated in ${wall.toFixed(1)} s`,
  );
}
