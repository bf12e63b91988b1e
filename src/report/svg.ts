/** Small inline SVG charts, so the HTML report is one self-contained file that needs no script or network. */

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
export { esc as escapeHtml };

/** Long labels keep their informative end: `…/invoices/0009.json@42a1e5e1`. */
const fit = (label: string, max = 42) =>
  label.length > max ? `…${label.slice(label.length - max + 1)}` : label;

export function barChart(
  title: string,
  rows: { label: string; value: number; color?: string }[],
  unit: string,
): string {
  const width = 760;
  const labelWidth = 300;
  const barHeight = 18;
  const gap = 6;
  const height = 36 + rows.length * (barHeight + gap);
  const max = Math.max(...rows.map((r) => r.value), 1e-9);
  const bars = rows
    .map((r, i) => {
      const y = 28 + i * (barHeight + gap);
      const w = Math.max(2, ((width - labelWidth - 90) * r.value) / max);
      return (
        `<text x="${labelWidth - 8}" y="${y + 13}" text-anchor="end" class="label">${esc(fit(r.label))}</text>` +
        `<rect class="bar" x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" rx="3" fill="${r.color ?? '#2f6fde'}"><title>${esc(r.label)}: ${r.value.toFixed(2)} ${unit}</title></rect>` +
        `<text x="${labelWidth + w + 6}" y="${y + 13}" class="value">${r.value.toFixed(2)} ${unit}</text>`
      );
    })
    .join('');
  return `<figure class="chart"><svg role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${height}" width="100%"><text x="0" y="16" class="title">${esc(title)}</text>${bars}</svg></figure>`;
}

export function timeline(
  title: string,
  spans: { label: string; start: number; seconds: number; color: string }[],
): string {
  const width = 760;
  const labelWidth = 300;
  const rowHeight = 22;
  const height = 44 + spans.length * rowHeight;
  const end = Math.max(...spans.map((s) => s.start + s.seconds), 1e-9);
  const scale = (width - labelWidth - 20) / end;
  const rows = spans
    .map((s, i) => {
      const y = 28 + i * rowHeight;
      return (
        `<text x="${labelWidth - 8}" y="${y + 13}" text-anchor="end" class="label">${esc(fit(s.label))}</text>` +
        `<rect class="bar" x="${(labelWidth + s.start * scale).toFixed(1)}" y="${y}" width="${Math.max(2, s.seconds * scale).toFixed(1)}" height="16" rx="3" fill="${s.color}"><title>${esc(s.label)}: ${s.seconds.toFixed(2)} s</title></rect>`
      );
    })
    .join('');
  const axis = `<text x="${labelWidth}" y="${height - 4}" class="value">0 s</text><text x="${width - 20}" y="${height - 4}" text-anchor="end" class="value">${end.toFixed(1)} s</text>`;
  return `<figure class="chart"><svg role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${height}" width="100%"><text x="0" y="16" class="title">${esc(title)}</text>${rows}${axis}</svg></figure>`;
}
