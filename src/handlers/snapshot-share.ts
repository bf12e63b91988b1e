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
import { instrumented, powertools, publishMetric } from './support/powertools.js';
import { fromSettings } from './support/settings.js';

/** The share function's settings in SSM Parameter Store (src/infra/source/snapshot-share.ts writes them). */
export interface ShareSettings {
  deployment: string;
  /** The workload account the function runs in, and its region. */
  homeAccount: string;
  region: string;
  vaultAccount: string;
  sourceRegions: string[];
  /** This account's selectors, from the StackSet instance's SnapshotSelectors parameter. */
  protect: Partial<ShareConfig['protect']>;
}

const pt = powertools();
const context = fromSettings(pt.tracer, (s: ShareSettings): ShareContext => {
  const clients = new AwsClients({
    region: s.region,
    roleName: ROLE_NAMES.snapshotSharer,
    homeAccount: s.homeAccount,
  });
  const config: ShareConfig = {
    name: s.deployment,
    organizations: { source: { regions: s.sourceRegions }, vault: { vaultAccount: s.vaultAccount } },
    protect: { rds: [], aurora: [], ebs: [], ...s.protect },
  };
  return { clients, config, apis: snapshotApis(clients) };
});

/** The source side: a new snapshot of this account is shared with the vault account (or re-copied to be shared). */
export const handler = instrumented(
  pt,
  async (event: SourceSnapshotEvent): Promise<ShareOutcome | undefined> => {
    const request = shareRequestOf(event);
    if (!request) return undefined;
    const ctx = await context();
    const outcome = await shareWithVault(ctx, request);
    const log =
      outcome.action === 'refused' ? pt.logger.error.bind(pt.logger) : pt.logger.info.bind(pt.logger);
    log('snapshot share', { ...request, ...outcome });
    publishMetric(pt, 'shares', [ctx.config.name, outcome.action], 1);
    return outcome;
  },
);
