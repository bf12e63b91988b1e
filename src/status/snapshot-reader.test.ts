import { describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../catalog/catalog.js';
import { newestPerResource } from './snapshot-reader.js';

const db = 'arn:aws:rds:us-east-1:1:db:orders';
const entry = (id: string, createdAt: string, over: Partial<CatalogEntry> = {}): CatalogEntry => ({
  id,
  service: 'rds',
  sourceArn: `arn:aws:rds:us-east-1:1:snapshot:${id}`,
  sourceAccount: '1',
  sourceResource: db,
  region: 'us-east-1',
  vaultCopyId: `airgap-${id}`,
  vaultCopyArn: `arn:aws:rds:us-east-1:2:snapshot:airgap-${id}`,
  createdAt,
  retainUntil: '2026-12-20T00:00:00.000Z',
  state: 'available',
  ...over,
});

describe('snapshot path reader (catalog)', () => {
  it('reports per source resource (not per snapshot) its newest completed copy, its retention, and newer failed attempts', () => {
    const [obs, ...rest] = newestPerResource([
      entry('a', '2026-11-19T00:00:00.000Z'),
      entry('b', '2026-11-20T00:00:00.000Z'),
      entry('c', '2026-11-21T00:00:00.000Z', { state: 'failed', cause: 'source snapshot gone' }),
    ]);
    expect(rest).toEqual([]);
    expect(obs).toMatchObject({
      resource: db,
      account: '1',
      path: 'snapshot-copy',
      newestCopyAt: new Date('2026-11-20T00:00:00.000Z'),
      retentionDays: 30,
    });
    expect(obs!.detail).toEqual([
      'vault copy airgap-b, locked until 2026-12-20T00:00:00.000Z',
      'copy of arn:aws:rds:us-east-1:1:snapshot:c failed: source snapshot gone',
    ]);
  });

  it('a resource whose copies are all still copying has no newest copy', () => {
    const [obs] = newestPerResource([entry('a', '2026-11-19T00:00:00.000Z', { state: 'copying' })]);
    expect(obs!.newestCopyAt).toBeUndefined();
    expect(obs!.detail).toEqual(['copy of arn:aws:rds:us-east-1:1:snapshot:a in progress']);
  });
});
