import { auditAlert, publishAlert } from '../audit/alert.js';
import { audit } from '../audit/audit.js';
import { AwsClients } from '../aws/clients.js';
import type { Config } from '../config/index.js';
import { RESOURCE_NAMES, ROLE_NAMES } from '../config/names.js';
import { instrumented, powertools, publishMetric } from './support/powertools.js';
import { fromSettings } from './support/settings.js';

/**
 * The audit function's settings in SSM Parameter Store (src/infra/vault/scheduled-audit.ts writes them): the
 * deployment's config, validated and completed with its defaults when `airgap synth` loaded it.
 */
export interface AuditSettings {
  config: Config;
}

export interface AuditRunSummary {
  failed: number;
  passed: number;
  notApplicable: number;
  /** Whether an alert went to the alerts topic (only when a control failed). */
  alerted: boolean;
}

const pt = powertools();
const context = fromSettings(pt.tracer, ({ config }: AuditSettings) => {
  const vault = config.organizations.vault.vaultAccount;
  const region = config.vault.region;
  // AirGapAuditor is this function's role in the vault account and the read role it assumes everywhere else.
  const clients = new AwsClients({ region, roleName: ROLE_NAMES.auditor, homeAccount: vault });
  const topicArn = `arn:aws:sns:${region}:${vault}:${RESOURCE_NAMES.alertTopic(config)}`;
  return { config, clients, topicArn };
});

/**
 * The scheduled drift audit: the same checks as `airgap audit`, read-only, publishing the failed-control count
 * the dashboard and its alarm read and one SNS alert naming every failed control. The key policy and the restore
 * role are held to the synthesized templates, which only the CLI run has; here they read "not applicable".
 */
export const handler = instrumented(pt, async (): Promise<AuditRunSummary> => {
  const { config, clients, topicArn } = await context();
  const report = await audit(clients, config);
  pt.tracer.putAnnotation('failedControls', report.failed);
  publishMetric(pt, 'auditFailedControls', [config.name], report.failed);
  const alert = auditAlert(report, config.name);
  if (alert)
    await publishAlert(
      clients,
      config.organizations.vault.vaultAccount,
      config.vault.region,
      topicArn,
      alert,
    );
  const failures = report.findings.filter((f) => f.status === 'fail');
  pt.logger.info('audit run', { failed: report.failed, passed: report.passed, failures });
  return {
    failed: report.failed,
    passed: report.passed,
    notApplicable: report.notApplicable,
    alerted: alert !== undefined,
  };
});
