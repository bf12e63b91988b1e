import type { CostEstimate } from './estimate.js';

const usd = (n: number) => `$${n.toFixed(2)}`;

export function renderCost(e: CostEstimate): string {
  const lines = [`Cost estimate, ${e.region} list prices as of ${e.pricesAsOf} (30-day months)`];
  for (const r of e.resources) {
    lines.push('', `${r.service} ${r.resource} (${r.region})`);
    if (!r.size) {
      lines.push('  no observed size: add it to --sizes');
      continue;
    }
    for (const p of r.paths) {
      const once = p.oneTimeUsd ? `, ${usd(p.oneTimeUsd)} once` : '';
      lines.push(`  ${p.path.padEnd(16)} ${usd(p.monthlyUsd).padStart(12)}/month${once}`);
      for (const i of p.items)
        lines.push(
          `      ${usd(i.monthlyUsd).padStart(10)}  ${i.item}${i.oneTimeUsd ? ` (${usd(i.oneTimeUsd)} once)` : ''}`,
        );
    }
    if (r.cheaper)
      lines.push(
        `  cheaper at ${r.cheaper.retentionDays} days: ${r.cheaper.path}, by ${usd(r.cheaper.byUsdPerMonth)}/month`,
      );
  }
  lines.push('', 'Total per path:');
  for (const [path, total] of Object.entries(e.monthlyUsdByPath))
    lines.push(`  ${path.padEnd(16)} ${usd(total)}/month`);
  if (e.unsized.length) lines.push(`Not estimated (no size): ${e.unsized.join(', ')}`);
  lines.push(`Prices: ${Object.values(e.sources).join(' ; ')}`);
  return lines.join('\n');
}
