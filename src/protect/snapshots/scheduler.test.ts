import { describe, expect, it } from 'vitest';
import { laneOf, nextCopies, type CopyJob } from './scheduler.js';

const job = (resource: string, i: number, over: Partial<CopyJob> = {}): CopyJob => ({
  key: `${resource}-${i}`,
  lane: 'ebs/us-east-1',
  resource,
  weight: 1,
  createdAt: i,
  ...over,
});

describe('copy scheduler', () => {
  it('threat #14: never starts more than 20 EBS copies in one region, whatever is queued', () => {
    const queue = Array.from({ length: 50 }, (_, i) => job(`vol-${i}`, i));
    expect(nextCopies(queue, [])).toHaveLength(20);
    expect(
      nextCopies(
        queue,
        Array.from({ length: 15 }, (_, i) => ({ lane: 'ebs/us-east-1', resource: `x${i}` })),
      ),
    ).toHaveLength(5);
  });

  it('threat #19: keeps one copy in flight per source DB and copies its snapshots oldest first', () => {
    const queue = [job('db1', 3, { lane: 'rds/us-east-1' }), job('db1', 1, { lane: 'rds/us-east-1' })];
    expect(nextCopies(queue, []).map((j) => j.key)).toEqual(['db1-1']);
    expect(nextCopies(queue, [{ lane: 'rds/us-east-1', resource: 'db1' }])).toEqual([]);
  });

  it('counts RDS and Aurora copies against the same regional quota, and reads quotas as data', () => {
    expect(laneOf('aurora', 'eu-west-1')).toBe(laneOf('rds', 'eu-west-1'));
    const queue = Array.from({ length: 10 }, (_, i) => job(`db${i}`, i, { lane: 'rds/eu-west-1' }));
    expect(nextCopies(queue, [], { rds: 3 })).toHaveLength(3);
  });

  it('starts the resource with the longest backlog first', () => {
    const queue = [job('small', 0), job('big', 1, { weight: 5 }), job('big', 2, { weight: 5 })];
    expect(nextCopies(queue, [], { ebs: 1 }).map((j) => j.resource)).toEqual(['big']);
  });
});
