import { createHash } from 'node:crypto';
import { SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import type { AwsClients } from '../../aws/clients.js';
import type { Catalog, CatalogEntry } from '../../catalog/catalog.js';
import type { Config } from '../../config/index.js';
import { RESOURCE_NAMES } from '../../config/names.js';
import { InputError } from '../../errors.js';
import {
  currentExecution,
  executionArn,
  followExecution,
  startExecutionOnce,
  type ExecutionState,
} from '../sfn/executions.js';
import type { SnapshotService } from './model.js';
import { resolveVaultCopy, restoreTargetName } from './restore-plan.js';
import type { RestoreRequest, RestoreRunSummary } from './restore-request.js';

export interface WorkflowRestoreContext {
  /** The vault account's operator: reads the catalog, starts and reads the restore workflow's executions. */
  clients: AwsClients;
  config: Pick<Config, 'name'> & {
    vault: Pick<Config['vault'], 'region'>;
    organizations: { vault: Pick<Config['organizations']['vault'], 'vaultAccount' | 'restoreAccount'> };
  };
  catalog: Catalog;
}

export interface WorkflowRestoreOptions {
  service: SnapshotService;
  from: string;
  at?: Date | undefined;
  to?: string | undefined;
  dryRun?: boolean;
  /** Follow the execution this long (until it ends); undefined: start it (or find it) and return. */
  waitMs?: number | undefined;
  pollMs?: number;
  /** Each run of the workflow's function as it ends, while following (progress on a terminal). */
  onRun?: (run: number, summary: RestoreRunSummary) => void;
}

export interface WorkflowRestoreReport {
  service: SnapshotService;
  dryRun: boolean;
  copy: Pick<CatalogEntry, 'id' | 'vaultCopyId' | 'sourceResource' | 'createdAt'>;
  target: { account: string; region: string; name: string };
  /** What the execution is started with: the request pinned to the resolved copy and target. */
  request: RestoreRequest;
  stateMachine: string;
  /** `started`: this run started it; otherwise an earlier one did (or, dry run, none has: status NOT_STARTED). */
  execution: {
    name: string;
    arn: string;
    status: string;
    started: boolean;
    error?: string | undefined;
    cause?: string | undefined;
  };
  /** Executions of the same request that failed before this one: their causes, newest last. */
  earlierFailures: { name: string; status: string; error?: string | undefined; cause?: string | undefined }[];
  /** The workflow's output once it succeeded: the restored resource and the last run's steps. */
  summary: RestoreRunSummary | undefined;
  /** The restored resource is available. */
  complete: boolean;
}

/**
 * The execution name of one restore: deterministic from the service, the vault copy and the target, so a re-run
 * of the same restore (the same resource and point in time resolve to the same copy) finds the execution instead
 * of starting a second. Step Functions allows 80 characters of [A-Za-z0-9-_].
 */
export function restoreExecutionName(request: RestoreRequest): string {
  const hash = createHash('sha256')
    .update([request.service, request.from, request.to ?? ''].join('\n'))
    .digest('hex')
    .slice(0, 32);
  return `${request.service}-${hash}`;
}

/**
 * `airgap restore rds|aurora|ebs --workflow`: resolves the vault copy as the local restore does (the catalog, the
 * point in time), then starts the vault's restore workflow (src/infra/vault/restore-workflow.ts) with the request
 * pinned to that copy and target, or takes up the execution an earlier run started. Optionally follows it.
 */
export async function restoreThroughWorkflow(
  ctx: WorkflowRestoreContext,
  opts: WorkflowRestoreOptions,
): Promise<WorkflowRestoreReport> {
  const { vaultAccount: vault, restoreAccount: restore } = ctx.config.organizations.vault;
  const region = ctx.config.vault.region;
  const entry = resolveVaultCopy(await ctx.catalog.list(), opts.service, opts.from, opts.at);
  if (entry.region !== region)
    throw new InputError([
      `--workflow: the vault copy ${entry.vaultCopyId} is in ${entry.region}; the restore workflow restores copies of the vault region ${region} only: run without --workflow`,
    ]);
  const name = restoreTargetName(entry, opts.to);
  const request: RestoreRequest = { service: opts.service, from: entry.id, to: name };
  const stateMachine = `arn:aws:states:${region}:${vault}:stateMachine:${RESOURCE_NAMES.restoreWorkflow(ctx.config)}`;
  const sfn = ctx.clients.for(SFNClient, vault, region);
  const found = await currentExecution(sfn, stateMachine, restoreExecutionName(request));

  let execution: ExecutionState | undefined = found.existing;
  let started = false;
  if (!execution && !opts.dryRun) {
    execution = await startExecutionOnce(sfn, stateMachine, found.next, request);
    started = true;
  }
  if (execution && opts.waitMs !== undefined) {
    let run = 0;
    execution = await followExecution(sfn, execution, {
      waitMs: opts.waitMs,
      pollMs: opts.pollMs,
      onEvent: (e) => {
        const summary = runSummaryOf(e);
        if (summary) opts.onRun?.(++run, summary);
      },
    });
  }
  const summary = execution?.status === 'SUCCEEDED' ? (execution.output as RestoreRunSummary) : undefined;
  return {
    service: opts.service,
    dryRun: opts.dryRun ?? false,
    copy: {
      id: entry.id,
      vaultCopyId: entry.vaultCopyId,
      sourceResource: entry.sourceResource,
      createdAt: entry.createdAt,
    },
    target: { account: restore, region, name },
    request,
    stateMachine,
    execution: {
      name: execution?.name ?? found.next,
      arn: execution?.arn ?? executionArn(stateMachine, found.next),
      status: execution?.status ?? 'NOT_STARTED',
      started,
      error: execution?.error,
      cause: execution?.cause,
    },
    earlierFailures: found.failed.map(({ name, status, error, cause }) => ({ name, status, error, cause })),
    summary,
    complete: summary?.complete === true,
  };
}

/**
 * The summary of one run of the workflow's function, from the history event of its task's success: Step
 * Functions records the Lambda invoke result, whose `Payload` is the function's return value.
 */
export function runSummaryOf(event: HistoryEvent): RestoreRunSummary | undefined {
  if (event.type !== 'TaskSucceeded' || !event.taskSucceededEventDetails?.output) return undefined;
  try {
    const out = JSON.parse(event.taskSucceededEventDetails.output) as { Payload?: RestoreRunSummary };
    return Array.isArray(out.Payload?.steps) ? out.Payload : undefined;
  } catch {
    return undefined;
  }
}
