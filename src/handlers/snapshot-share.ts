import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { AwsClients } from '../aws/clients.js';
import { ROLE_NAMES } from '../config/names.js';
import { snapshotApis } from '../protect/snapshots/apis.js';
import {
  shareWithVault,
  type ShareConfig,
  type ShareContext,
  type ShareOutcome,
} from '../protect/snapshots/share.js';
import { shareRequestOf, type SourceSnapshotEvent } from '../protect/snapshots/share-trigger.js';
import { env, instrumented, powertools } from './support/powertools.js';

const pt = powertools();
const clients = new AwsClients({
  region: env('AWS_REGION'),
  roleName: ROLE_NAMES.snapshotSharer,
  homeAccount: env('HOME_ACCOUNT'),
});
const config: ShareConfig = {
  name: env('AIRGAP_DEPLOYMENT'),
  organizations: {
    source: { regions: env('SOURCE_REGIONS').split(',') },
    vault: { vaultAccount: env('VAULT_ACCOUNT') },
  },
  // This account's selectors, from the StackSet instance's SnapshotSelectors parameter.
  protect: {
    rds: [],
    aurora: [],
    ebs: [],
    ...(JSON.parse(env('PROTECT')) as Partial<ShareConfig['protect']>),
  },
};
const ctx: ShareContext = { clients, config, apis: snapshotApis(clients) };

/** The source side: a new snapshot of this account is shared with the vault account (or re-copied to be shared). */
export const handler = instrumented(
  pt,
  async (event: SourceSnapshotEvent): Promise<ShareOutcome | undefined> => {
    const request = shareRequestOf(event);
    if (!request) return undefined;
    const outcome = await shareWithVault(ctx, request);
    const log =
      outcome.action === 'refused' ? pt.logger.error.bind(pt.logger) : pt.logger.info.bind(pt.logger);
    log('snapshot share', { ...request, ...outcome });
    pt.metrics.addDimension('Action', outcome.action);
    pt.metrics.addMetric('SnapshotShares', MetricUnit.Count, 1);
    return outcome;
  },
);
