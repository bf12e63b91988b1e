import type { AwsClients } from '../aws/clients.js';
import { vaultCatalog, type Catalog } from '../catalog/catalog.js';
import { RESOURCE_NAMES, type Config } from '../config/index.js';
import { ensureKey } from './keys.js';

/**
 * What the vault, source and restore stacks create for snapshot vaulting, made directly on the sandbox: the
 * catalog table under its own key, the vault key in every source region (shared encrypted snapshots are copied in their own region),
 * the shareable source key in each workload account, and the restore key.
 */
export async function provisionSnapshotSandbox(clients: AwsClients, config: Config): Promise<Catalog> {
  const { vault, source } = config.organizations;
  const catalog = vaultCatalog(clients, config);
  const catalogKey = await ensureKey(
    clients,
    vault.vaultAccount,
    config.vault.region,
    RESOURCE_NAMES.catalogKeyAlias(config),
  );
  await catalog.createForSandbox(catalogKey.arn);
  for (const region of new Set([config.vault.region, ...source.regions])) {
    await ensureKey(clients, vault.vaultAccount, region, RESOURCE_NAMES.vaultKeyAlias(config));
    await ensureKey(clients, vault.restoreAccount, region, RESOURCE_NAMES.restoreKeyAlias(config));
    for (const w of source.workloadAccounts)
      await ensureKey(clients, w.id, region, RESOURCE_NAMES.sourceKeyAlias(config));
  }
  return catalog;
}
