import { describe, expect, it } from 'vitest';
import { useMoto } from '../../test/support/moto.js';
import { Catalog, catalogId, type CatalogEntry } from './catalog.js';

const entry = (over: Partial<CatalogEntry> = {}): CatalogEntry => ({
  id: catalogId('arn:aws:rds:us-east-1:111111111111:snapshot:rds:db1-2026'),
  service: 'rds',
  sourceArn: 'arn:aws:rds:us-east-1:111111111111:snapshot:rds:db1-2026',
  sourceAccount: '111111111111',
  sourceResource: 'arn:aws:rds:us-east-1:111111111111:db:db1',
  region: 'us-east-1',
  vaultCopyId: 'airgap-x',
  vaultCopyArn: 'arn:aws:rds:us-east-1:222222222222:snapshot:airgap-x',
  createdAt: '2026-11-23T00:00:00.000Z',
  retainUntil: '2026-12-23T00:00:00.000Z',
  state: 'copying',
  ...over,
});

describe('recovery catalog (moto)', () => {
  const moto = useMoto();
  const catalog = () =>
    new Catalog({ clients: moto.clients, account: '222222222222', region: 'us-east-1', table: 't-catalog' });

  it('derives the same id from the same source ARN and different ids from different ARNs', () => {
    expect(catalogId('arn:a')).toBe(catalogId('arn:a'));
    expect(catalogId('arn:a')).not.toBe(catalogId('arn:b'));
  });

  it('records a copy once: a second delivery keeps the first entry and adds none (moto)', async () => {
    const c = catalog();
    await c.createForSandbox();
    await c.record(entry());
    const again = await c.record(entry({ vaultCopyId: 'other' }));
    expect(again.vaultCopyId).toBe('airgap-x');
    expect(await c.list()).toHaveLength(1);
  });

  it('never moves an available entry back to copying or failed (moto)', async () => {
    const c = catalog();
    await c.createForSandbox();
    const e = entry({ id: 'done-1' });
    await c.record(e);
    await c.setState(e.id, 'available');
    await c.setState(e.id, 'failed', 'late event');
    expect((await c.get(e.id))?.state).toBe('available');
    expect((await c.get(e.id))?.cause).toBeUndefined();
  });

  it('a retry of a failed copy points the entry at the new copy and its start, without the old cause; never an available one (moto)', async () => {
    const c = catalog();
    await c.createForSandbox();
    const failed = entry({ id: 'retry-1', state: 'failed', cause: 'vault copy snap-old failed' });
    const done = entry({ id: 'retry-2', state: 'available' });
    await c.record(failed);
    await c.record(done);
    const copy = {
      vaultCopyId: 'snap-new',
      vaultCopyArn: 'arn:new',
      copyStartedAt: '2026-11-23T10:00:00.000Z',
    };
    await c.restart(failed.id, copy);
    await c.restart(done.id, copy);
    const retried = await c.get(failed.id);
    expect(retried).toMatchObject({ ...copy, state: 'copying' });
    expect(retried?.cause).toBeUndefined();
    expect(await c.get(done.id)).toEqual(done);
  });
});
