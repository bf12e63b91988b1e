import { describe, expect, it } from 'vitest';
import { streamedJsonReport } from './streamed-report.js';

const report = { source: 'orders', planned: { keys: 2, bytes: 5 }, failed: [] };

describe('streamed JSON report', () => {
  const printed = (items: object[]) => {
    let text = '';
    const out = streamedJsonReport<object>((t) => (text += t));
    items.forEach(out.item);
    out.end(report);
    return text;
  };

  it('prints what JSON.stringify would for the report with its items, the items written as they come', () => {
    const items = [
      { key: 'a', size: 2 },
      { key: 'b/c', size: 3, checksum: 'etag:"x"' },
    ];
    const text = printed(items);
    expect(JSON.parse(text)).toEqual({ items, ...report });
    expect(text).toBe(`${JSON.stringify({ items, ...report }, null, 2)}\n`);
  });

  it('prints an empty list when nothing was restored', () => {
    expect(JSON.parse(printed([]))).toEqual({ items: [], ...report });
  });

  it('prints nothing before the first item: a refused restore prints only its error', () => {
    let text = '';
    streamedJsonReport<object>((t) => (text += t));
    expect(text).toBe('');
  });
});
