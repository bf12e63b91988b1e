import type { AuditReport } from './audit.js';

const MARK = { pass: 'PASS', fail: 'FAIL', 'not-applicable': 'N/A' } as const;

export function renderAudit(report: AuditReport, format: string): string {
  if (format === 'json') return JSON.stringify(report, null, 2);
  const summary = `${report.failed} failed, ${report.passed} passed, ${report.notApplicable} not applicable (${report.at})`;
  if (format === 'md')
    return [
      `# Air Gap Recover audit`,
      '',
      summary,
      '',
      '| Result | Control | Resource | Reason |',
      '| --- | --- | --- | --- |',
      ...report.findings.map(
        (f) => `| ${MARK[f.status]} | ${f.control} | ${cell(f.resource)} | ${cell(f.reason)} |`,
      ),
    ].join('\n');
  if (format === 'html')
    return [
      '<!doctype html><html><head><meta charset="utf-8"><title>Air Gap Recover audit</title></head><body>',
      `<h1>Air Gap Recover audit</h1><p>${escape(summary)}</p>`,
      '<table><thead><tr><th>Result</th><th>Control</th><th>Resource</th><th>Reason</th></tr></thead><tbody>',
      ...report.findings.map(
        (f) =>
          `<tr class="${f.status}"><td>${MARK[f.status]}</td><td>${escape(f.control)}</td><td>${escape(f.resource)}</td><td>${escape(f.reason)}</td></tr>`,
      ),
      '</tbody></table></body></html>',
    ].join('\n');
  return [
    ...report.findings.map((f) => `${MARK[f.status].padEnd(4)}  ${f.control}  ${f.resource}: ${f.reason}`),
    summary,
  ].join('\n');
}

const cell = (s: string) => s.replaceAll('|', '\\|');
const escape = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
