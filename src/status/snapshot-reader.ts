import type { AwsClients } from '../aws/clients.js';
import { vaultCatalog, type CatalogEntry } from '../catalog/catalog.js';
import type { Config } from '../config/index.js';
import type { CopyObservation } from './model.js';

const DAY_MS = 86_400_000;

/**
 * Snapshot path: the recovery catalog, the one record of vault copies that the copier writes, `airgap restore`
 * reads and `airgap status` and `airgap snapshots status` both report from. A copy whose catalog write was cut
 * short is recorded by the copier's next run (it finds the copy by its deterministic id), so reading the
 * catalog misses it for one run at most. A catalog table that does not exist yet (vault stack not deployed)
 * reads as empty: every protected resource is then reported as never in the vault.
 */
export async function snapshotReader(clients: AwsClients, config: Config): Promise<CopyObservation[]> {
  const entries = await vaultCatalog(clients, config)
    .list()
    .catch((e: unknown) => {
      if ((e as Error).name === 'ResourceNotFoundException') return [];
      throw e;
    });
  return newestPerResource(entries);
}

/** Per source resource, its newest completed vault copy, and what happened to newer attempts. Pure. */
export function newestPerResource(entries: readonly CatalogEntry[]): CopyObservation[] {
  const byResource = new Map<string, CatalogEntry[]>();
  for (const e of entries) {
    if (e.service !== 'rds' && e.service !== 'aurora' && e.service !== 'ebs') continue;
    byResource.set(e.sourceResource, [...(byResource.get(e.sourceResource) ?? []), e]);
  }
  return [...byResource.values()].map((all) => {
    const sorted = [...all].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const first = sorted[0]!;
    const newest = sorted.find((e) => e.state === 'available');
    const newer = sorted.slice(0, newest ? sorted.indexOf(newest) : sorted.length);
    const detail = [
      ...(newest ? [`vault copy ${newest.vaultCopyId}, locked until ${newest.retainUntil}`] : []),
      ...newer.map((e) =>
        e.state === 'failed'
          ? `copy of ${e.sourceArn} failed: ${e.cause ?? 'no cause recorded'}`
          : `copy of ${e.sourceArn} in progress`,
      ),
    ];
    return {
      service: first.service,
      resource: first.sourceResource,
      account: first.sourceAccount,
      path: 'snapshot-copy' as const,
      newestCopyAt: newest ? new Date(newest.createdAt) : undefined,
      retentionDays: newest
        ? Math.round((Date.parse(newest.retainUntil) - Date.parse(newest.createdAt)) / DAY_MS)
        : undefined,
      detail,
    };
  });
}
