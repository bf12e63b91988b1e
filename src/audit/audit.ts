import type { AwsClients } from '../aws/clients.js';
import type { Config } from '../config/index.js';
import type { AuditState, Finding, RuleFamily } from './model.js';
import { readAuditState } from './readers.js';
import type { IntendedTemplates } from './intent.js';
import { backupRules } from './rules/backup.js';
import { iamRules } from './rules/iam.js';
import { kmsRules, restoreKeyRules } from './rules/kms.js';
import { loggingRules } from './rules/logging.js';
import { organizationRules } from './rules/organizations.js';
import { s3Rules } from './rules/s3.js';
import { snapshotRules } from './rules/snapshots.js';

export const RULE_FAMILIES: RuleFamily[] = [
  s3Rules,
  kmsRules,
  restoreKeyRules,
  iamRules,
  snapshotRules,
  organizationRules,
  loggingRules,
  backupRules,
];

export interface AuditReport {
  at: string;
  passed: number;
  failed: number;
  notApplicable: number;
  findings: Finding[];
}

/** Pure: judges fetched state with every rule family; failures first, so the report opens with what matters. */
export function judge(state: AuditState, config: Config): AuditReport {
  const order = { fail: 0, pass: 1, 'not-applicable': 2 } as const;
  const findings = RULE_FAMILIES.flatMap((rules) => rules(state, config)).sort(
    (a, b) => order[a.status] - order[b.status],
  );
  const count = (s: Finding['status']) => findings.filter((f) => f.status === s).length;
  return {
    at: state.now.toISOString(),
    passed: count('pass'),
    failed: count('fail'),
    notApplicable: count('not-applicable'),
    findings,
  };
}

/** Reads and judges; `templates` are what the key policy and the restore role are held to. */
export async function audit(
  clients: AwsClients,
  config: Config,
  opts: { now?: Date; templates?: IntendedTemplates | undefined } = {},
): Promise<AuditReport> {
  return judge(await readAuditState(clients, config, opts), config);
}
