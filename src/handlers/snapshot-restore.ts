import { AwsClients } from '../aws/clients.js';
import { Catalog } from '../catalog/catalog.js';
import { ROLE_NAMES } from '../config/names.js';
import { snapshotApis } from '../protect/snapshots/apis.js';
import {
  MAX_RESTORE_RUNS,
  parseRestoreRequest,
  type RestoreRunSummary,
} from '../protect/snapshots/restore-request.js';
import { restoreSnapshot, type SnapshotRestoreContext } from '../protect/snapshots/restore.js';
import { backoffSeconds } from '../protect/snapshots/triggers.js';
import { instrumented, powertools, publishMetric } from './support/powertools.js';
import { fromSettings } from './support/settings.js';

/** The restore function's settings in SSM Parameter Store (src/infra/vault/restore-workflow.ts writes them). */
export interface RestoreSettings {
  deployment: string;
  vaultAccount: string;
  restoreAccount: string;
  /** The vault region: the catalog's. */
  region: string;
  catalogTable: string;
}

/** One run of the restore workflow: the execution's request (pinned after the first run) and the runs before. */
export interface RestoreRunInput {
  request: unknown;
  attempt: number;
}

const pt = powertools();
const context = fromSettings(pt.tracer, (s: RestoreSettings): SnapshotRestoreContext => {
  // AirGapRestoreFlow here shares and grants; the role of the same name in the restore account copies and restores.
  const clients = new AwsClients({
    region: s.region,
    roleName: ROLE_NAMES.restoreWorkflow,
    homeAccount: s.vaultAccount,
  });
  const apis = snapshotApis(clients);
  return {
    clients,
    config: {
      name: s.deployment,
      organizations: { vault: { vaultAccount: s.vaultAccount, restoreAccount: s.restoreAccount } },
    },
    catalog: new Catalog({ clients, account: s.vaultAccount, region: s.region, table: s.catalogTable }),
    apis,
    restore: { clients, apis },
  };
});

/**
 * One run of the restore workflow (src/infra/vault/restore-workflow.ts): `restoreSnapshot` without waiting, so
 * each run does the steps it can (share, grant, start the copy, restore) and returns; the workflow waits and runs
 * again while the copy or the restored resource is still coming up. Every step is found done by the next run.
 */
export const handler = instrumented(
  pt,
  async ({ request, attempt }: RestoreRunInput): Promise<RestoreRunSummary> => {
    // A malformed request fails before it names a service: the workflow's failed-execution alarm covers it.
    const req = parseRestoreRequest(request);
    const report = await restoreSnapshot(await context(), {
      service: req.service,
      from: req.from,
      at: req.at === undefined ? undefined : new Date(req.at),
      to: req.to,
      waitMs: 0,
    }).catch((e: unknown) => {
      publishMetric(pt, 'restoreFailures', [req.service], 1);
      throw e;
    });
    const steps = report.steps.map(({ step, state, detail }) => ({ step, state, detail }));
    pt.logger.info('restore run', { request: req, attempt, complete: report.complete, steps });
    if (report.complete) publishMetric(pt, 'restoresCompleted', [req.service], 1);
    // The last run: the workflow gives up after it (SnapshotRestoreUnfinished), so the restore failed.
    else if (attempt >= MAX_RESTORE_RUNS - 1) publishMetric(pt, 'restoreFailures', [req.service], 1);
    return {
      complete: report.complete,
      next: { service: req.service, from: report.copy.id, to: report.target.name },
      copy: report.copy.id,
      target: report.target,
      restored: report.restored && { arn: report.restored.arn, status: report.restored.status },
      steps,
      waitSeconds: backoffSeconds(attempt),
    };
  },
);
