import type { AwsClients } from '../aws/clients.js';
import { vaultCatalog, type Catalog } from '../catalog/catalog.js';
import { RESOURCE_NAMES, vaultKeyRegions, type Config } from '../config/index.js';
import { ensureKey } from './keys.js';

/**
 * What the vault, source and restore stacks create for snapshot vaulting, made directly on the sandbox, where they
 * create it: the catalog table under its own key, the vault key and the restore key in every region where the vault
 * holds snapshot copies (`vaultKeyRegions`: there are the vault and restore key stacks, and no key elsewhere, so a
 * restore the stacks could not serve is refused here too), and the shareable source key of each workload account in
 * every source region.
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
  for (const region of vaultKeyRegions(config)) {
    await ensureKey(clients, vault.vaultAccount, region, RESOURCE_NAMES.vaultKeyAlias(config));
    await ensureKey(clients, vault.restoreAccount, region, RESOURCE_NAMES.restoreKeyAlias(config));
  }
  for (const region of source.regions)
    for (const w of source.workloadAccounts)
      await ensureKey(clients, w.id, region, RESOURCE_NAMES.sourceKeyAlias(config));
  return catalog;
}
