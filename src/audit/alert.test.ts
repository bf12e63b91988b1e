import { describe, expect, it } from 'vitest';
import type { AuditReport } from './audit.js';
import { auditAlert } from './alert.js';

const report = (statuses: ('pass' | 'fail')[]): AuditReport => ({
  at: '2026-11-23T08:00:00.000Z',
  passed: statuses.filter((s) => s === 'pass').length,
  failed: statuses.filter((s) => s === 'fail').length,
  notApplicable: 0,
  findings: statuses.map((status, i) => ({
    control: `C${i}`,
    resource: `r${i}`,
    status,
    reason: `why ${i}`,
  })),
});

describe('scheduled audit alert (pure)', () => {
  it('sends nothing when every control passed', () => {
    expect(auditAlert(report(['pass', 'pass']), 'quickstart')).toBeUndefined();
  });

  it('names every failed control with its resource and reason', () => {
    expect(auditAlert(report(['pass', 'fail', 'fail']), 'quickstart')).toEqual({
      subject: 'Air Gap Recover quickstart: audit found 2 failed control(s)',
      message: [
        'Audit of quickstart at 2026-11-23T08:00:00.000Z: 2 failed, 1 passed, 0 not applicable.',
        '',
        'FAIL C1 r1: why 1',
        'FAIL C2 r2: why 2',
      ].join('\n'),
    });
  });

  it('keeps the subject within the 100 characters SNS accepts', () => {
    expect(auditAlert(report(['fail']), 'x'.repeat(120))!.subject).toHaveLength(100);
  });
});
