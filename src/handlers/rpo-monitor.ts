import { AwsClients } from '../aws/clients.js';
import { Catalog } from '../catalog/catalog.js';
import { ROLE_NAMES } from '../config/names.js';
import { rpoBreaches, type RpoScope } from '../status/rpo-breaches.js';
import { newestPerResource } from '../status/snapshot-reader.js';
import { instrumented, powertools, publishMetric } from './support/powertools.js';
import { fromSettings } from './support/settings.js';

/** The RPO monitor's settings in SSM Parameter Store (src/infra/vault/rpo-monitor.ts writes them). */
export interface RpoMonitorSettings {
  vaultAccount: string;
  region: string;
  catalogTable: string;
  /** What to judge, from the config at synth: it grows with the names protected, so it is a setting, not the input. */
  scope: RpoScope;
}

const pt = powertools();
const context = fromSettings(pt.tracer, (s: RpoMonitorSettings) => {
  const clients = new AwsClients({
    region: s.region,
    roleName: ROLE_NAMES.rpoMonitor,
    homeAccount: s.vaultAccount,
  });
  const catalog = new Catalog({ clients, account: s.vaultAccount, region: s.region, table: s.catalogTable });
  return { catalog, scope: s.scope };
});

/**
 * The RPO monitor (src/infra/vault/rpo-monitor.ts), on a schedule: per protected service, the resources whose
 * newest vault copy in the recovery catalog is older than the RPO, or that never reached the vault (RpoBreaches,
 * which the RpoBreaches alarm watches), and per resource the age of its newest copy (RecoveryPointAgeMinutes, on
 * the dashboard). The scheduled event carries nothing it reads: the scope is in its settings.
 */
export const handler = instrumented(pt, async () => {
  const { catalog, scope } = await context();
  const { report, breaches, ages } = rpoBreaches(scope, newestPerResource(await catalog.list()), new Date());
  for (const b of breaches) publishMetric(pt, 'rpoBreaches', [b.service], b.count);
  for (const a of ages) publishMetric(pt, 'recoveryPointAge', [a.service, a.resource], a.minutes);
  for (const r of report.resources.filter((x) => x.state !== 'within-rpo'))
    pt.logger.warn('outside RPO', { ...r });
  pt.logger.info('RPO check', { outsideRpo: report.outsideRpo, resources: report.resources.length });
  return { outsideRpo: report.outsideRpo, neverReached: report.neverReached, breaches };
});
