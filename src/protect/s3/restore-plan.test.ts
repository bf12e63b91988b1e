import { describe, expect, it } from 'vitest';
import { CANARY_KEY } from './canary.js';
import { restoreSteps, selectAt } from './restore-plan.js';
import type { Version } from './versions.js';

const t = (s: number) => new Date(Date.UTC(2026, 10, 23, 6, 0, s));
const v = (key: string, versionId: string, at: number, deleteMarker = false): Version => ({
  key,
  versionId,
  deleteMarker,
  lastModified: t(at),
  size: deleteMarker ? 0 : 10,
});

async function* stream(items: Version[]) {
  yield items;
}
async function collect(at: number, items: Version[]) {
  const out: string[] = [];
  for await (const item of selectAt(stream(items), t(at))) out.push(`${item.key}@${item.versionId}`);
  return out;
}

describe('restore selection (pure)', () => {
  const history = [
    v('a', 'a3', 30),
    v('a', 'a2', 20),
    v('a', 'a1', 10),
    v('b', 'bdel', 25, true),
    v('b', 'b1', 5),
    v('c', 'c1', 40),
  ];

  it('restores the newest version before T, skipping later overwrites', async () => {
    expect(await collect(25, history)).toEqual(['a@a2']);
  });

  it('keeps a key deleted before T absent, and restores it when T is before the delete', async () => {
    expect(await collect(26, history)).not.toContain('b@b1');
    expect(await collect(24, history)).toContain('b@b1');
  });

  it('leaves out keys first written after T', async () => {
    expect(await collect(39, history)).not.toContainEqual(expect.stringMatching(/^c@/));
    expect(await collect(40, history)).toContain('c@c1');
  });

  it('threat #2: a ransomed overwrite after T is never chosen', async () => {
    const ransomed = [v('x', 'evil', 100), v('x', 'clean', 50)];
    expect(await collect(99, ransomed)).toEqual(['x@clean']);
  });

  it('never restores the canary `airgap status` writes: it is not workload', async () => {
    expect(await collect(50, [v(CANARY_KEY, 'c2', 45), v(CANARY_KEY, 'c1', 15), v('d', 'd1', 10)])).toEqual([
      'd@d1',
    ]);
  });

  it('threat #5: delete markers replicated into the vault after T (an attacker turned marker replication on, then deleted everything) leave the state at T whole', async () => {
    const vault = [
      v('p', 'p-del', 200, true),
      v('p', 'p1', 10),
      v('q', 'q-del', 201, true),
      v('q', 'q2', 20),
      v('q', 'q1', 15),
    ];
    expect(await collect(100, vault)).toEqual(['p@p1', 'q@q2']);
    expect(await collect(300, vault)).toEqual([]);
  });

  it('threat #32: joins the state at T with the target’s current objects: keys the restore would not write are foreign', async () => {
    const target = [
      v('a', 't-a', 50),
      v('b', 't-b', 50),
      v('gone', 't-del', 60, true),
      v('gone', 't-g', 50),
      v('zz', 't-z', 50),
    ];
    const steps = [];
    for await (const batch of restoreSteps(stream(history), stream(target), t(26)))
      for (const s of batch) steps.push(`${s.key}:${s.item?.versionId ?? '-'}:${s.held ? 'held' : '-'}`);
    // b was deleted before T, so the target's b is not the restore's; a delete marker holds nothing.
    expect(steps).toEqual(['a:a2:held', 'b:-:held', 'zz:-:held']);
  });
});
