import { AwsClients } from '../aws/clients.js';
import { Catalog } from '../catalog/catalog.js';
import { ROLE_NAMES } from '../config/names.js';
import { snapshotApis } from '../protect/snapshots/apis.js';
import { runCopier, type CopierContext, type CopyOutcome } from '../protect/snapshots/copier.js';
import { backoffSeconds, copyScope, type CopierInput } from '../protect/snapshots/triggers.js';
import { instrumented, powertools, publishMetric } from './support/powertools.js';
import { fromSettings } from './support/settings.js';

/** What one run did, by outcome; the copy workflow waits and runs again while anything is pending. */
export interface CopierRunSummary {
  copied: number;
  completed: number;
  alreadyCopied: number;
  deferred: number;
  failed: number;
  inFlight: number;
  /** Copies started, deferred or still in flight: the next run has work. */
  pending: number;
  /** How long the copy workflow waits before the next run. */
  waitSeconds: number;
}

/** The copier's settings in SSM Parameter Store (src/infra/vault/snapshot-copier.ts writes them). */
export interface CopierSettings {
  deployment: string;
  vaultAccount: string;
  /** Where the copies are made (the vault region) and where the source snapshots are. */
  region: string;
  sourceRegions: string[];
  retentionDays: number;
  catalogTable: string;
}

const pt = powertools();
const context = fromSettings(pt.tracer, (s: CopierSettings) => {
  const clients = new AwsClients({
    region: s.region,
    roleName: ROLE_NAMES.snapshotCopier,
    homeAccount: s.vaultAccount,
  });
  const ctx: CopierContext = {
    clients,
    config: {
      name: s.deployment,
      organizations: { vault: { vaultAccount: s.vaultAccount } },
      vault: { retention: { days: s.retentionDays } },
    },
    catalog: new Catalog({ clients, account: s.vaultAccount, region: s.region, table: s.catalogTable }),
    apis: snapshotApis(clients),
  };
  return { ctx, vault: s.vaultAccount, sourceRegions: s.sourceRegions, deployment: s.deployment };
});

function summarize(outcomes: CopyOutcome[], inFlight: number, attempt: number): CopierRunSummary {
  const count = (r: CopyOutcome['result']) => outcomes.filter((o) => o.result === r).length;
  const s = {
    copied: count('copied'),
    completed: count('completed'),
    alreadyCopied: count('already-copied'),
    deferred: count('deferred'),
    failed: count('failed'),
    inFlight,
  };
  return { ...s, pending: s.copied + s.deferred + s.inFlight, waitSeconds: backoffSeconds(attempt) };
}

/**
 * One run of the copy workflow (src/infra/vault/copy-workflow.ts): lists what is shared with the vault account
 * where the triggering event points, and runs the copier, which starts copies, finishes those that completed
 * (lock, catalog) and leaves the rest for the next run.
 */
export const handler = instrumented(
  pt,
  async ({ event, attempt }: CopierInput): Promise<CopierRunSummary> => {
    const { ctx, vault, sourceRegions, deployment } = await context();
    const scope = copyScope(event, sourceRegions);
    const lists = scope.services.flatMap((s) => scope.regions.map((r) => ctx.apis[s].listShared(vault, r)));
    const shared = (await Promise.all(lists)).flat();
    const report = await runCopier(ctx, shared);
    for (const o of report.outcomes) {
      if (o.result !== 'failed') continue;
      pt.logger.error('snapshot copy failed', { snapshot: o.snapshot, cause: o.cause });
      publishMetric(pt, 'copyFailures', [o.service, o.resource], 1);
    }
    const summary = summarize(report.outcomes, report.inFlight, attempt);
    publishMetric(pt, 'copiesStarted', [deployment], summary.copied);
    publishMetric(pt, 'copiesCompleted', [deployment], summary.completed);
    publishMetric(pt, 'copiesDeferred', [deployment], summary.deferred);
    pt.logger.info('copier run', { scope, shared: shared.length, ...summary });
    return summary;
  },
);
