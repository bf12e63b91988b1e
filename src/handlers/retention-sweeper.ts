import { AwsClients } from '../aws/clients.js';
import { ROLE_NAMES } from '../config/names.js';
import { snapshotApis } from '../protect/snapshots/apis.js';
import { sweepRetention } from '../protect/snapshots/retention-sweeper.js';
import { SNAPSHOT_SERVICES } from '../protect/snapshots/model.js';
import { instrumented, powertools, publishMetric } from './support/powertools.js';
import { fromSettings } from './support/settings.js';

export interface RetentionRunSummary {
  deleted: number;
  kept: number;
  malformed: number;
}

/** The sweeper's settings in SSM Parameter Store (src/infra/vault/retention-sweeper.ts writes them). */
export interface SweeperSettings {
  deployment: string;
  vaultAccount: string;
  region: string;
  /** The vault copies are made in the source regions. */
  sourceRegions: string[];
}

const pt = powertools();
const context = fromSettings(pt.tracer, (s: SweeperSettings) => {
  // The function's role is AirGapRetention, the one principal the vault SCP lets delete a vault copy.
  const clients = new AwsClients({
    region: s.region,
    roleName: ROLE_NAMES.retention,
    homeAccount: s.vaultAccount,
  });
  return {
    clients,
    apis: snapshotApis(clients),
    vault: s.vaultAccount,
    regions: s.sourceRegions,
    deployment: s.deployment,
  };
});

/** The scheduled retention sweep: deletes vault copies whose retain-until has passed, in every copy region. */
export const handler = instrumented(pt, async (): Promise<RetentionRunSummary> => {
  const { clients, apis, vault, regions, deployment } = await context();
  const now = new Date();
  const summary: RetentionRunSummary = { deleted: 0, kept: 0, malformed: 0 };
  for (const service of SNAPSHOT_SERVICES)
    for (const region of regions) {
      const report = await sweepRetention(clients, apis[service], vault, region, now);
      summary.deleted += report.deleted.length;
      summary.kept += report.kept.length;
      summary.malformed += report.malformed.length;
      if (report.deleted.length > 0)
        pt.logger.info('deleted expired vault copies', { service, region, ids: report.deleted });
      // A copy without a readable retain-until is kept forever until a person looks: say which.
      for (const m of report.malformed)
        pt.logger.warn('vault copy kept: retain-until tag missing or malformed', { service, region, ...m });
    }
  publishMetric(pt, 'expiredDeleted', [deployment], summary.deleted);
  publishMetric(pt, 'malformedRetention', [deployment], summary.malformed);
  return summary;
});
