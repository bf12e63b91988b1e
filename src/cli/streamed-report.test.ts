import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { drainingWriter, streamedJsonReport } from './streamed-report.js';

const report = { source: 'orders', planned: { keys: 2, bytes: 5 }, failed: [] };

describe('streamed JSON report', () => {
  const printed = (items: object[]) => {
    let text = '';
    const out = streamedJsonReport<object>(async (t) => void (text += t));
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
    streamedJsonReport<object>(async (t) => void (text += t));
    expect(text).toBe('');
  });

  it('waits while the output is full and goes on once it drains: a stalled reader holds its writers back', async () => {
    const out = new PassThrough({ highWaterMark: 4 });
    const write = drainingWriter(out, () => undefined);
    let written = 0;
    const writes = ['first item', 'second', 'third'].map((t) => write(t).then(() => written++));
    await new Promise((r) => setImmediate(r));
    expect(written).toBe(0);
    // One wait shared by every writer: 64 copies in flight add no 64 listeners.
    expect(out.listenerCount('drain')).toBe(1);
    const read: string[] = [];
    out.on('data', (chunk) => read.push(String(chunk)));
    await Promise.all(writes);
    expect(written).toBe(3);
    expect(read.join('')).toBe('first itemsecondthird');
  });

  it('once the reader has gone (EPIPE), says so to onClosed and drops what it is given, with no unhandled error event', async () => {
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    let attempts = 0;
    const out = new Writable({
      write: (_chunk, _encoding, done) => {
        attempts++;
        done(epipe);
      },
    });
    const closed: Error[] = [];
    const write = drainingWriter(out, (e) => closed.push(e));
    await write('first item');
    await new Promise((r) => setImmediate(r)); // the 'error' event comes after the write, as a pipe's does
    await write('second');
    await write('third');
    expect(attempts).toBe(1);
    expect(closed.length).toBeGreaterThan(0);
    expect(new Set(closed)).toEqual(new Set([epipe]));
  });
});
