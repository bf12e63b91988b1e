import { describe, expect, it } from 'vitest';
import { writeInventory } from '../../../test/support/inventory.js';
import { CsvLine } from './inventory-csv.js';
import { inventoryVersions, readManifest } from './inventory.js';
import { diffHistories } from './verify.js';

const inventory = (rows: string[], schema?: string) =>
  writeInventory(rows.join('\n') + '\n', schema ? { schema } : {});

describe('S3 Inventory reader', () => {
  it('reads versions, delete markers and Object Lock columns from a gzipped CSV, URL-decoding keys', async () => {
    const manifest = inventory([
      '"b","dir/my+file%21.txt","v2","true","false","12","2026-11-23T06:00:00.000Z","abc","2026-12-23T06:00:00.000Z","COMPLIANCE"',
      '"b","dir/my+file%21.txt","v1","false","true","","2026-11-22T06:00:00.000Z","","",""',
    ]);
    const out = [];
    for await (const page of inventoryVersions(manifest)) out.push(...page);
    expect(out[0]).toMatchObject({
      key: 'dir/my file!.txt',
      versionId: 'v2',
      sourceVersionId: 'v2',
      size: 12,
      etag: '"abc"',
      lockMode: 'COMPLIANCE',
      deleteMarker: false,
    });
    expect(out[0]?.retainUntil?.toISOString()).toBe('2026-12-23T06:00:00.000Z');
    expect(out[1]).toMatchObject({ deleteMarker: true, size: 0, lockMode: undefined });
  });

  it('threat #30: a missing inventory manifest is bad input, in one line naming it', () => {
    expect(() => readManifest('/nonexistent/manifest.json')).toThrow(
      /\/nonexistent\/manifest.json: not a readable S3 Inventory manifest.json/,
    );
  });

  it('rejects a manifest without the versioned columns, in one line naming them', () => {
    const manifest = inventory([], 'Bucket, Key, Size');
    expect(() => readManifest(manifest)).toThrow(/lacks VersionId, IsDeleteMarker, LastModifiedDate/);
  });

  it('reads every row of an uncompressed file read in several chunks, rows split across them, CRLF ends', async () => {
    const count = 20_000; // about 2 MiB: the reader takes 1 MiB at a time
    const lines = Array.from(
      { length: count },
      (_, i) =>
        `"b","k/${String(i).padStart(6, '0')}","v${i}","true","false","${i}","2026-11-23T06:00:00.000Z","e","",""\r\n`,
    );
    const manifest = writeInventory(lines.join(''), { file: 'a.csv' });
    const out = [];
    for await (const page of inventoryVersions(manifest)) out.push(...page);
    expect(out).toHaveLength(count);
    expect(out.every((v, i) => v.key === `k/${String(i).padStart(6, '0')}` && v.size === i)).toBe(true);
    expect(out[count - 1]).toMatchObject({ versionId: `v${count - 1}`, etag: '"e"', lockMode: undefined });
  });

  it('parses quoted fields with doubled quotes and empty fields', () => {
    const fields = (text: string) => {
      const line = new CsvLine(8);
      line.read(Buffer.from(text + '\n'), 0);
      return Array.from({ length: 4 }, (_, f) => line.text(f));
    };
    expect(fields('"a","b""c","",d')).toEqual(['a', 'b"c', '', 'd']);
    expect(fields('"x""","""y",,\r')).toEqual(['x"', '"y', '', '']);
  });
});

describe('S3 Inventory diff in worker threads', () => {
  it('gives the same report as the in-process reader, findings included, over several batches', async () => {
    const DAY = 86_400_000;
    const now = Date.UTC(2026, 10, 23, 6);
    const iso = (ms: number) => new Date(ms).toISOString();
    const manifestOf = (side: string, lines: string[]) =>
      writeInventory(lines.join('\n') + '\n', { file: `${side}.csv` });
    const source: string[] = [];
    const vault: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const key = `k/${String(i).padStart(5, '0')}`;
      for (let v = 0; v < 3; v++) {
        const at = now - DAY - (i % 97) * 60_000 - v * 1000;
        source.push(`"s","${key}","v${i}.${v}","${v === 0}","false","10","${iso(at)}","e${i}",,`);
        if (i % 101 === 7 && v === 1) continue; // missing
        const etag = i % 103 === 5 ? 'changed' : `e${i}`; // mismatched
        const until = i % 107 === 3 ? at + DAY : at + 31 * DAY; // retention too short
        vault.push(
          `"v","${key}","v${i}.${v}","${v === 0}","false","10","${iso(at + 500)}","${etag}","${iso(until)}","COMPLIANCE"`,
        );
      }
      if (i % 109 === 9)
        vault.push(
          `"v","${key}","stray${i}","false","false","10","${iso(now - DAY)}","x","${iso(now + 40 * DAY)}","COMPLIANCE"`,
        ); // unexpected
    }
    const [s, v] = [manifestOf('source', source), manifestOf('vault', vault)];
    const policy = {
      windowStart: new Date(now - 30 * DAY),
      settledBefore: new Date(now - 60_000),
      retentionDays: 30,
      mode: 'COMPLIANCE',
    };
    const inProcess = await diffHistories(inventoryVersions(s), inventoryVersions(v), policy);
    const threaded = await diffHistories(
      inventoryVersions(s, { thread: true }),
      inventoryVersions(v, { thread: true }),
      policy,
    );
    expect(threaded).toEqual(inProcess);
    expect(inProcess.keys).toBe(3000);
    // Per version: 30 keys of 3 changed (one of them also missing a version), 29 keys of 3 retained too briefly.
    expect(inProcess.counts).toEqual({ missing: 30, mismatched: 89, unexpected: 28, retention: 87 });
  });
});
