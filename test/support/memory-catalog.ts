import type { Catalog, CatalogEntry } from '../../src/catalog/catalog.js';

/** The catalog's contract (conditional record, no move back from available) in memory, for client-mock tests. */
export function memoryCatalog(initial: CatalogEntry[] = []): Catalog {
  const items = new Map<string, CatalogEntry>(initial.map((e) => [e.id, e]));
  return {
    list: () => Promise.resolve([...items.values()]),
    get: (id: string) => Promise.resolve(items.get(id)),
    record: (e: CatalogEntry) => Promise.resolve(items.get(e.id) ?? (items.set(e.id, e), e)),
    setState: (id: string, state: CatalogEntry['state'], cause?: string) => {
      const e = items.get(id);
      if (e && e.state !== 'available') items.set(id, { ...e, state, ...(cause ? { cause } : {}) });
      return Promise.resolve();
    },
    restart: (id: string, copy: Partial<CatalogEntry>) => {
      const e = items.get(id);
      if (e && e.state !== 'available') {
        const { cause: _, ...rest } = e;
        items.set(id, { ...rest, ...copy, state: 'copying' });
      }
      return Promise.resolve();
    },
  } as unknown as Catalog;
}
