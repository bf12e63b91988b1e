import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { AwsClients } from '../aws/clients.js';
import { ROLE_NAMES } from '../config/names.js';
import { snapshotApis } from '../protect/snapshots/apis.js';
import { sweepRetention } from '../protect/snapshots/retention-sweeper.js';
import { SNAPSHOT_SERVICES } from '../protect/snapshots/model.js';
import { env, instrumented, powertools } from './support/powertools.js';

export interface RetentionRunSummary {
  deleted: number;
  kept: number;
  malformed: number;
}

const pt = powertools();
const vault = env('VAULT_ACCOUNT');
const regions = env('SOURCE_REGIONS').split(',');
// The function's role is AirGapRetention, the one principal the vault SCP lets delete a vault copy.
const clients = new AwsClients({
  region: env('AWS_REGION'),
  roleName: ROLE_NAMES.retention,
  homeAccount: vault,
});
const apis = snapshotApis(clients);

/** The scheduled retention sweep: deletes vault copies whose retain-until has passed, in every copy region. */
export const handler = instrumented(pt, async (): Promise<RetentionRunSummary> => {
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
  pt.metrics.addMetric('VaultCopiesExpiredDeleted', MetricUnit.Count, summary.deleted);
  pt.metrics.addMetric('VaultCopiesMalformedRetention', MetricUnit.Count, summary.malformed);
  return summary;
});
