import { describe, expect, it } from 'vitest';
import { quickstart } from '../../test/support/config.js';
import { rpoScope } from './evaluate.js';
import type { CopyObservation } from './model.js';
import { rpoBreaches } from './rpo-breaches.js';

const W = '100000000002';
const config = quickstart([
  [
    ['protect'],
    { rds: [{ account: W, names: ['orders', 'ledger-db'] }], aurora: [{ account: W, names: ['books'] }] },
  ],
  [['rpoMinutes', 'rds'], 60],
  [['rpoMinutes', 'aurora'], 120],
]);
const now = new Date('2026-11-23T12:00:00.000Z');
const seen = (db: string, minutesAgo: number, account = W): CopyObservation => ({
  service: 'rds',
  resource: `arn:aws:rds:us-east-1:${account}:db:${db}`,
  account,
  path: 'snapshot-copy',
  newestCopyAt: new Date(now.getTime() - minutesAgo * 60_000),
  retentionDays: 30,
  detail: [],
});
const count = (r: ReturnType<typeof rpoBreaches>) =>
  Object.fromEntries(r.breaches.map((b) => [b.service, b.count]));

describe('RPO breaches of the snapshot path (what the RPO monitor publishes)', () => {
  it('threat #24: a copy older than the RPO is a breach; a copy within it is not', () => {
    const r = rpoBreaches(rpoScope(config), [seen('orders', 61), seen('ledger-db', 59)], now);
    expect(r.report.resources.find((x) => x.resource.endsWith(':db:orders'))?.state).toBe('outside-rpo');
    expect(r.report.resources.find((x) => x.resource.endsWith(':db:ledger-db'))?.state).toBe('within-rpo');
    // books (Aurora) has never reached the vault: a breach too.
    expect(count(r)).toEqual({ rds: 1, aurora: 1, ebs: 0 });
    expect(r.ages).toEqual([
      { service: 'rds', resource: `arn:aws:rds:us-east-1:${W}:db:orders`, minutes: 61 },
      { service: 'rds', resource: `arn:aws:rds:us-east-1:${W}:db:ledger-db`, minutes: 59 },
    ]);
  });

  it('every copy fresh: zero breaches published for every snapshot service, protected or not', () => {
    const fresh = quickstart([[['protect'], { rds: [{ account: W, names: ['orders'] }] }]]);
    expect(count(rpoBreaches(rpoScope(fresh), [seen('orders', 5)], now))).toEqual({
      rds: 0,
      aurora: 0,
      ebs: 0,
    });
  });

  it('copies of accounts the config does not protect are not judged', () => {
    const r = rpoBreaches(
      rpoScope(config),
      [seen('orders', 5), seen('ledger-db', 5), seen('x', 9999, '999999999999')],
      now,
    );
    expect(r.report.resources.map((x) => x.account)).not.toContain('999999999999');
    expect(count(r).rds).toBe(0);
  });
});
