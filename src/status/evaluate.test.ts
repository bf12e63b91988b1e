import { describe, expect, it } from 'vitest';
import { quickstart } from '../../test/support/config.js';
import { evaluate, expectedResources } from './evaluate.js';
import type { CopyObservation } from './model.js';

const config = quickstart();
const NOW = new Date('2026-11-23T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

describe('status evaluation (pure)', () => {
  it('threat #24: a source gone silent (suspended, closed, left its organization) is outside its RPO while its vault copies stay listed', () => {
    // Every expected resource was copied recently; the bucket's account went silent 16 minutes ago (RPO 15).
    const observed: CopyObservation[] = expectedResources(config).map((e) => ({
      ...e,
      newestCopyAt: minutesAgo(e.service === 's3' ? 16 : 10),
      retentionDays: 30,
      detail: [],
    }));
    const report = evaluate(config, observed, NOW);
    expect(report.resources[0]).toMatchObject({
      resource: 'payments-invoices',
      state: 'outside-rpo',
      ageMinutes: 16,
      rpoMinutes: 15,
      newestCopyAt: minutesAgo(16).toISOString(),
      retentionDays: 30,
    });
    expect(report.outsideRpo).toBe(1);
    expect(report.resources.slice(1).every((r) => r.state === 'within-rpo')).toBe(true);
  });
});
