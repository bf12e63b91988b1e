import { InputError } from '../../errors.js';
import { SNAPSHOT_SERVICES, isSnapshotService, type SnapshotService } from './model.js';
import type { StepReport } from './restore.js';

/** What starts a restore workflow execution: the fields of `airgap restore rds|aurora|ebs`, as JSON. */
export interface RestoreRequest {
  service: SnapshotService;
  /** A catalog id, a vault copy id or ARN, or a protected resource's name or ARN (its newest copy). */
  from: string;
  /** ISO 8601: with a resource in `from`, the newest copy taken at or before it. */
  at?: string;
  /** Name of the restored DB instance, cluster or volume. */
  to?: string;
}

/** Runs of one restore execution: with waits capped at 15 minutes, about 11 hours, longer than any copy or restore. */
export const MAX_RESTORE_RUNS = 48;

/**
 * What one run of the restore workflow did (src/handlers/snapshot-restore.ts), and the workflow's output once the
 * restore is complete; the workflow waits `waitSeconds` and runs `next` again until `complete`.
 */
export interface RestoreRunSummary {
  complete: boolean;
  /** The request pinned to the vault copy and target name the first run chose, so no later run picks another. */
  next: RestoreRequest;
  copy: string;
  target: { account: string; region: string; name: string };
  restored: { arn: string; status: string } | undefined;
  steps: Pick<StepReport, 'step' | 'state' | 'detail'>[];
  waitSeconds: number;
}

const FIELDS = ['service', 'from', 'at', 'to'];

/**
 * A restore request from an execution's input (anyone who may start the workflow writes it), checked field by
 * field: every problem is one line naming the field and what is allowed, all reported at once.
 */
export function parseRestoreRequest(input: unknown): RestoreRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new InputError([
      `restore request: expected an object with ${FIELDS.join(', ')}, got ${typeof input}`,
    ]);
  const o = input as Record<string, unknown>;
  const problems: string[] = [];
  const text = (k: string, required: boolean): string | undefined => {
    const v = o[k];
    if (v === undefined && !required) return undefined;
    if (typeof v === 'string' && v.trim() !== '') return v;
    problems.push(`restore request: ${k} must be a non-empty string, got ${JSON.stringify(v) ?? 'nothing'}`);
    return undefined;
  };
  for (const k of Object.keys(o))
    if (!FIELDS.includes(k))
      problems.push(`restore request: unknown field ${k}; allowed: ${FIELDS.join(', ')}`);
  const service = text('service', true);
  if (service !== undefined && !isSnapshotService(service))
    problems.push(`restore request: service ${service} is not one of ${SNAPSHOT_SERVICES.join(', ')}`);
  const from = text('from', true);
  const at = text('at', false);
  if (at !== undefined && Number.isNaN(Date.parse(at)))
    problems.push(`restore request: at ${at} is not an ISO 8601 time (e.g. 2026-11-23T08:00:00Z)`);
  const to = text('to', false);
  if (problems.length > 0) throw new InputError(problems);
  return {
    service: service as SnapshotService,
    from: from!,
    ...(at === undefined ? {} : { at }),
    ...(to === undefined ? {} : { to }),
  };
}
