import type { ProofResult } from './prove.js';

/** The proof as a terminal screen or a Markdown report: the matrix, the positive controls, the locks, the residual risks. */
export function renderProof(result: ProofResult, format: 'text' | 'md'): string {
  const md = format === 'md';
  const lines: string[] = [];
  const h = (t: string) => lines.push(md ? `\n## ${t}\n` : `\n${t}`);
  lines.push(
    md ? '# Air Gap Recover isolation proof\n' : 'Air Gap Recover isolation proof',
    `${result.passed ? 'PASSED' : 'FAILED'}: ${result.evaluated} attacks evaluated (iam-simulate, Discovery mode), ${result.breaches.length} allowed; ` +
      `${result.positiveControls.filter((c) => c.passed).length}/${result.positiveControls.length} positive controls allowed; ` +
      `${result.staticChecks.filter((c) => c.passed).length}/${result.staticChecks.length} lock checks passed.`,
  );
  if (result.breaches.length > 0) {
    h('Attacks that got through');
    for (const b of result.breaches)
      lines.push(`${md ? '- ' : '  '}${b.principal}: ${b.action} on ${b.resource} (${b.why})`);
  }
  for (const g of result.groups)
    lines.push(
      `${md ? '- ' : '  '}${g.accounts.length} workload account(s) proved through ${g.representative}, their policies identical up to the account: ${g.accounts.join(', ')}`,
    );
  h('Matrix (principal x kind of attack -> outcome, decided by)');
  if (md) lines.push('| principal | attack kind | attempts | outcome | denied by |', '|---|---|---|---|---|');
  const labels = new Map(result.principals.map((p) => [p.id, p.label]));
  for (const cell of result.matrix) {
    const outcome = cell.allowed.length ? `${cell.allowed.length} ALLOWED` : 'all denied';
    const by = cell.deniedBy.slice(0, 4).join(', ') + (cell.deniedBy.length > 4 ? ', …' : '');
    lines.push(
      md
        ? `| ${labels.get(cell.principal)} | ${cell.kind} | ${cell.attempts} | ${outcome} | ${by} |`
        : `  ${(labels.get(cell.principal) ?? cell.principal).padEnd(48)} ${cell.kind.padEnd(18)} ${String(cell.attempts).padStart(4)}  ${outcome.padEnd(11)} ${by}`,
    );
  }
  h('Positive controls (legitimate flows must be allowed)');
  for (const c of result.positiveControls)
    lines.push(`${md ? '- ' : '  '}${c.passed ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  h('Checked outside the policy evaluator');
  for (const c of result.staticChecks)
    lines.push(`${md ? '- ' : '  '}${c.passed ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  h('Residual risks');
  for (const r of result.residualRisks)
    lines.push(`${md ? '- ' : '  - '}${r.risk} Mitigation: ${r.mitigation}`);
  return lines.join('\n');
}
