import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DrillEvidence } from '../drill/run.js';
import { barChart, escapeHtml as esc, timeline } from './svg.js';

const STEP_COLORS: Record<string, string> = {
  prepare: '#8a94a6',
  protect: '#2f6fde',
  attack: '#d64545',
  restore: '#2e9e5b',
  verify: '#7a4fd6',
};

export interface WrittenReport {
  dir: string;
  files: { file: string; sha256: string }[];
}

/** The report's folder name, also its key prefix in the evidence bucket. */
export const reportName = (evidence: Pick<DrillEvidence, 'startedAt'>) =>
  `drill-${evidence.startedAt.replace(/[:.]/g, '-')}`;

/**
 * Writes the drill's evidence: the raw artifacts (manifest, attacks, restores) each with its SHA-256, then
 * report.md and report.html for people, then evidence.json that names every other file and its hash.
 */
export function writeDrillReport(evidence: DrillEvidence, root = 'reports'): WrittenReport {
  const dir = join(root, reportName(evidence));
  mkdirSync(dir, { recursive: true });
  const files: WrittenReport['files'] = [];
  const write = (file: string, text: string) => {
    writeFileSync(join(dir, file), text);
    files.push({ file, sha256: createHash('sha256').update(text).digest('hex') });
  };
  write('manifest.json', `${JSON.stringify(evidence.manifest, null, 2)}\n`);
  write('attacks.json', `${JSON.stringify(evidence.attacks, null, 2)}\n`);
  write('snapshots.json', `${JSON.stringify(evidence.snapshots, null, 2)}\n`);
  write(
    'restores.json',
    `${JSON.stringify({ s3: evidence.restore, snapshots: evidence.snapshotRestores }, null, 2)}\n`,
  );
  write('report.md', drillMarkdown(evidence));
  write('report.html', drillHtml(evidence));
  const { manifest: _manifest, snapshots: _snapshots, ...rest } = evidence;
  writeFileSync(join(dir, 'evidence.json'), `${JSON.stringify({ ...rest, artifacts: files }, null, 2)}\n`);
  return { dir, files: [...files, { file: 'evidence.json', sha256: '' }] };
}

function headline(e: DrillEvidence): string {
  const vaultAttempts = e.attacks.filter((a) => a.target === 'vault');
  const sum = (s3: boolean, f: (v: DrillEvidence['verification'][number]) => number) =>
    e.verification.filter((v) => v.resource.startsWith('s3://') === s3).reduce((n, v) => n + f(v), 0);
  const total = e.rto.find((r) => r.resource === 'total')?.seconds ?? 0;
  const databases = e.snapshotRestores.length
    ? ` and ${sum(false, (v) => v.matched)} of ${sum(false, (v) => v.expected)} databases and volumes`
    : '';
  return `${vaultAttempts.filter((a) => !a.gotThrough).length} of ${vaultAttempts.length} attacks on the vault stopped; ${sum(true, (v) => v.matched)} of ${sum(true, (v) => v.expected)} objects${databases} restored intact; recovery took ${total.toFixed(1)} s.`;
}

export function drillMarkdown(e: DrillEvidence): string {
  const lines = [
    `# Ransomware recovery drill: ${e.verdict.passed ? 'PASSED' : 'FAILED'}`,
    '',
    `Deployment \`${e.deployment}\` on the ${e.target}, ${e.startedAt} to ${e.finishedAt}. Restored to the point in time ${e.pointInTime}, before the attack.`,
    '',
    headline(e),
    '',
  ];
  if (!e.verdict.passed) lines.push('## Why it failed', '', ...e.verdict.reasons.map((r) => `- ${r}`), '');
  lines.push(
    '## Steps',
    '',
    '| step | seconds | detail |',
    '|---|---|---|',
    ...e.steps.map((s) => `| ${s.name} | ${s.seconds.toFixed(2)} | ${s.detail} |`),
    '',
  );
  lines.push(
    '## Attacks',
    '',
    '| who | attack | action | target | outcome | stopped by |',
    '|---|---|---|---|---|---|',
  );
  for (const a of e.attacks) {
    const outcome = a.gotThrough
      ? '**GOT THROUGH**'
      : a.policy === 'allowed' && a.target === 'source'
        ? 'ran (source is compromised)'
        : 'stopped';
    lines.push(
      `| ${a.actor} | ${a.attack} | \`${a.action}\` | ${a.target} | ${outcome} | ${a.stoppedBy.replace(/\|/g, '/')} |`,
    );
  }
  lines.push('', '## Delete markers and drift', '', ...markersAndDrift(e).map((l) => `- ${l}`));
  lines.push(
    '',
    '## Recovery time (RTO)',
    '',
    ...e.rto.map((r) => `- ${r.resource}: ${r.seconds.toFixed(2)} s (${r.detail})`),
    '',
  );
  const rpos = e.rpo.map((r) => r.seconds);
  lines.push(
    '## Recovery point (RPO)',
    '',
    `${e.rpo.length} versions; write to safe-in-vault: max ${Math.max(0, ...rpos).toFixed(2)} s, median ${median(rpos).toFixed(2)} s.`,
    '',
    '## Verification',
    '',
    ...e.verification.map(
      (v) =>
        `- ${v.resource}: ${v.matched}/${v.expected} match the manifest's SHA-256; ${v.problems.length} problem(s)`,
    ),
    '',
    '## Locks',
    '',
    ...e.lockChecks.map((c) => `- ${c.passed ? 'ok' : 'FAIL'} ${c.name}: ${c.detail}`),
    '',
    '## Coverage',
    '',
    ...e.coverage.map((c) => `- ${c.service}: ${c.exercised ? 'exercised' : 'not exercised'} (${c.note})`),
    '',
  );
  return lines.join('\n');
}

export function drillHtml(e: DrillEvidence): string {
  const t0 = new Date(e.startedAt).getTime();
  const spans = e.steps.map((s) => ({
    label: s.name,
    start: (new Date(s.startedAt).getTime() - t0) / 1000,
    seconds: s.seconds,
    color: STEP_COLORS[s.name.split(':')[0]!] ?? '#8a94a6',
  }));
  const rpoRows = [...e.rpo]
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, 12)
    .map((r) => ({ label: r.item, value: r.seconds }));
  const rtoRows = e.rto.map((r) => ({
    label: r.resource,
    value: r.seconds,
    color: r.resource === 'total' ? '#1f4fa8' : '#2e9e5b',
  }));
  const attackRows = e.attacks
    .map((a) => {
      const cls = a.gotThrough ? 'bad' : a.target === 'source' && a.policy === 'allowed' ? 'warn' : 'good';
      const outcome = a.gotThrough
        ? 'GOT THROUGH'
        : cls === 'warn'
          ? 'ran in the source (compromised by assumption)'
          : 'stopped';
      return `<tr class="${cls}"><td>${esc(a.actor)}</td><td>${esc(a.attack)}</td><td><code>${esc(a.action)}</code></td><td>${a.target}</td><td>${outcome}</td><td>${esc(a.stoppedBy)}</td></tr>`;
    })
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Recovery drill ${e.verdict.passed ? 'PASSED' : 'FAILED'}: ${esc(e.deployment)}</title>
<style>
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330;background:#f5f7fa}
main{max-width:960px;margin:0 auto;padding:24px}
.verdict{padding:20px 24px;border-radius:10px;color:#fff;margin-bottom:20px}
.verdict.passed{background:#2e9e5b}.verdict.failed{background:#c0392b}
.verdict h1{margin:0 0 6px;font-size:28px}.verdict p{margin:0}
section{background:#fff;border-radius:10px;padding:16px 20px;margin-bottom:16px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h2{font-size:18px;margin:0 0 10px}
table{border-collapse:collapse;width:100%;font-size:13px}td:last-child{word-break:break-word;font-size:12px;color:#3b4456}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e6e9ef;vertical-align:top}
tr.good td:nth-child(5){color:#2e9e5b;font-weight:600}tr.bad td{background:#fdecea}tr.bad td:nth-child(5){color:#c0392b;font-weight:700}tr.warn td:nth-child(5){color:#a76a00}
.chart{margin:0}.chart .title{font-weight:600;font-size:14px}.chart .label,.chart .value{font-size:12px;fill:#3b4456}
ul.reasons li{margin:2px 0}.muted{color:#5b6478;font-size:13px}
</style></head><body><main>
<div class="verdict ${e.verdict.passed ? 'passed' : 'failed'}"><h1>Ransomware recovery drill: ${e.verdict.passed ? 'PASSED' : 'FAILED'}</h1>
<p>${esc(headline(e))}</p>
${e.verdict.passed ? '' : `<ul class="reasons">${e.verdict.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>`}</div>
<section><h2>What happened</h2>${whatHappened(e)}
<p class="muted">Deployment ${esc(e.deployment)} on the ${e.target}; ${esc(e.startedAt)} to ${esc(e.finishedAt)}.</p></section>
<section><h2>Timeline</h2>${timeline('Drill steps (seconds from start)', spans)}</section>
<section><h2>How long recovery took (RTO)</h2>${barChart('Restore time per resource', rtoRows, 's')}</section>
<section><h2>How much data could be lost (RPO)</h2><p class="muted">Time from a write in production to its copy being safe in the vault; the slowest ${rpoRows.length} of ${e.rpo.length} versions.</p>${barChart('Write to safe-in-vault, per version', rpoRows, 's')}</section>
<section><h2>Attacks</h2><table><thead><tr><th>who</th><th>attack</th><th>action</th><th>target</th><th>outcome</th><th>stopped by</th></tr></thead><tbody>${attackRows}</tbody></table></section>
<section><h2>Delete markers and drift</h2><ul>${markersAndDrift(e)
    .map((l) => `<li>${esc(l)}</li>`)
    .join('')}</ul></section>
<section><h2>Verification</h2><ul>${e.verification.map((v) => `<li>${esc(v.resource)}: ${v.matched} of ${v.expected} objects match their SHA-256 fingerprints${v.problems.length ? `; problems: ${v.problems.map(esc).join('; ')}` : ''}</li>`).join('')}</ul>
<h2>Locks</h2><ul>${e.lockChecks.map((c) => `<li>${c.passed ? '✔' : '✘'} ${esc(c.name)}: ${esc(c.detail)}</li>`).join('')}</ul>
<h2>Coverage</h2><ul>${e.coverage.map((c) => `<li>${c.service}: ${c.exercised ? 'exercised' : 'not exercised'} (${esc(c.note)})</li>`).join('')}</ul></section>
</main></body></html>
`;
}

/** Threat #5 and the audit's drift findings after the attack, one sentence each. */
function markersAndDrift(e: DrillEvidence): string[] {
  return [
    ...e.deleteMarkers.map(
      (d) =>
        `${d.vaultBucket}: ${d.vaultVersionsAfter} of ${d.vaultVersionsBefore} vault versions still there after delete-marker replication and a mass delete (${d.vaultMarkersAfter} delete markers replicated)${d.lost.length ? `; ${d.lost.length} LOST` : ''}`,
    ),
    ...(e.drift.length
      ? e.drift.map((f) => `drift flagged by audit: ${f.control} on ${f.resource}: ${f.reason}`)
      : ['drift: audit flags nothing on the protected buckets']),
  ];
}

function whatHappened(e: DrillEvidence): string {
  const kinds = [
    e.manifest.length ? 'files into the production bucket' : '',
    e.snapshots.some((s) => s.service !== 'ebs') ? 'snapshots of the production databases' : '',
    e.snapshots.some((s) => s.service === 'ebs') ? 'snapshots of the production disks' : '',
  ].filter(Boolean);
  return `<p>The drill wrote ${kinds.join(', ')} and let them reach the locked vault, in a separate organization. Then it attacked as an administrator of the whole production organization: overwriting and deleting every file version, expiring the bucket, turning off replication, replicating its deletes, deleting every snapshot and destroying the keys; and then, with stolen credentials and as a vault administrator without MFA, it tried to delete, shorten the retention of, share or re-key the vault copies. Finally it restored the data, as it was at <strong>${esc(e.pointInTime)}</strong> (just before the attack), into a separate clean account and checked it against the fingerprints taken when it was written.</p>`;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
