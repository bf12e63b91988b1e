import { describe, expect, it } from 'vitest';
import { DAY, iso, now, policy, writeInventory } from '../../../test/support/inventory.js';
import { diffInventories } from './inventory-diff.js';
import { inventoryVersions } from './inventory.js';
import type { VaultVersion } from './verify-check.js';
import { diffHistories } from './verify.js';

const key = (i: number) => `k/${String(i).padStart(5, '0')}`;
const at = (i: number, v: number) => now - DAY - (i % 89) * 60_000 - v * 1000;
const sourceRow = (i: number, v: number) =>
  `"s","${key(i)}","v${i}.${v}","${v === 0}","false","10","${iso(at(i, v))}","e${i}","",""`;
const vaultRow = (i: number, v: number) =>
  `"v","${key(i)}","v${i}.${v}","${v === 0}","false","10","${iso(at(i, v) + 500)}","e${i}","${iso(at(i, v) + 31 * DAY)}","COMPLIANCE"`;
const text = (lines: string[]) => lines.join('\n') + '\n';

/** Every version of an inventory read through the reader (in a worker thread or not), in the order it gives them. */
async function read(manifest: string, thread = false): Promise<VaultVersion[]> {
  const out: VaultVersion[] = [];
  for await (const page of inventoryVersions(manifest, { thread })) out.push(...page);
  return out;
}

/** The keys in the order read, each once per run of rows: a key read twice was split into two histories. */
const runs = (versions: VaultVersion[]) =>
  versions.map((v) => v.key).filter((k, i, all) => i === 0 || all[i - 1] !== k);

describe('S3 Inventory of several data files (S3 documents no order between them)', () => {
  it('reads files whose key ranges interleave, listed out of order, in key order, a history split across files whole', async () => {
    // Keys 0..8, two versions each; file 1 holds the smallest key, key 6's versions sit in two files.
    const files = [
      text([sourceRow(2, 0), sourceRow(2, 1), sourceRow(5, 0), sourceRow(5, 1), sourceRow(6, 1)]),
      text([0, 3, 6].flatMap((i) => (i === 6 ? [sourceRow(6, 0)] : [sourceRow(i, 0), sourceRow(i, 1)]))),
      '',
      text([1, 4, 7, 8].flatMap((i) => [sourceRow(i, 0), sourceRow(i, 1)])),
    ];
    const manifest = writeInventory(files);
    for (const thread of [false, true]) {
      const versions = await read(manifest, thread);
      expect(runs(versions)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map(key));
      expect(versions.map((v) => v.versionId).sort()).toEqual(
        [0, 1, 2, 3, 4, 5, 6, 7, 8].flatMap((i) => [`v${i}.0`, `v${i}.1`]).sort(),
      );
    }
  });

  it('gives the diff of one sorted file, findings included, when thousands of keys interleave across three files', async () => {
    const KEYS = 9000;
    const source: string[][] = [[], [], []];
    const vault: string[] = [];
    for (let i = 0; i < KEYS; i++) {
      // Round robin, so every batch of every file interleaves with the others; a few keys split across two files.
      for (let v = 0; v < 2; v++) source[i % 97 === 0 ? v : i % 3]!.push(sourceRow(i, v));
      if (i % 101 !== 7) vault.push(vaultRow(i, 0)); // the rest: a missing version
      vault.push(vaultRow(i, 1));
    }
    const split = writeInventory(source.map(text));
    const sorted = writeInventory(
      text(Array.from({ length: KEYS }, (_, i) => [0, 1].map((v) => sourceRow(i, v))).flat()),
    );
    const vaultManifest = writeInventory(text(vault));
    const reference = await diffHistories(
      inventoryVersions(sorted),
      inventoryVersions(vaultManifest),
      policy,
    );
    expect(reference.keys).toBe(KEYS);
    expect(reference.counts.missing).toBe(90);
    expect(await diffInventories(split, vaultManifest, policy)).toEqual(reference);
    expect(await diffInventories(split, vaultManifest, policy, { thread: true })).toEqual(reference);
    expect(await diffHistories(inventoryVersions(split), inventoryVersions(vaultManifest), policy)).toEqual(
      reference,
    );
  });

  it('reads files of disjoint key ranges, listed in reverse, as one sorted file', async () => {
    const lines = Array.from({ length: 12_000 }, (_, i) => sourceRow(i, 0));
    const parts = [lines.slice(8000), lines.slice(4000, 8000), lines.slice(0, 4000)].map(text);
    const versions = await read(writeInventory(parts));
    expect(versions).toEqual(await read(writeInventory(text(lines))));
  });

  it('still refuses a data file that is itself out of key order', async () => {
    const manifest = writeInventory([
      text([sourceRow(1, 0), sourceRow(3, 0)]),
      text([sourceRow(4, 0), sourceRow(2, 0)]),
    ]);
    await expect(diffInventories(manifest, manifest, policy)).rejects.toThrow(/not in key order/);
  });
});
