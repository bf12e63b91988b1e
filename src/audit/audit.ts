import type { AwsClients } from '../aws/clients.js';
import type { Config } from '../config/index.js';
import type { AuditState, Finding, RuleFamily } from './model.js';
import { readAuditState } from './readers.js';
import { backupRules } from './rules/backup.js';
import { kmsRules } from './rules/kms.js';
import { loggingRules } from './rules/logging.js';
import { organizationRules } from './rules/organizations.js';
import { s3Rules } from './rules/s3.js';

export const RULE_FAMILIES: RuleFamily[] = [s3Rules, kmsRules, organizationRules, loggingRules, backupRules];

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

export async function audit(clients: AwsClients, config: Config, now = new Date()): Promise<AuditReport> {
  return judge(await readAuditState(clients, config, now), config);
}
