import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import { auditAlert, publishAlert } from '../audit/alert.js';
import { audit } from '../audit/audit.js';
import { AwsClients } from '../aws/clients.js';
import { METRICS, parseConfig, ROLE_NAMES } from '../config/index.js';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

const logger = new Logger();
const metrics = new Metrics();
const tracer = new Tracer();
// The deployed config travels in the function's environment and is validated like a file would be.
const config = parseConfig(env('AIRGAP_CONFIG'), 'AIRGAP_CONFIG');
const topicArn = env('ALERT_TOPIC_ARN');
const clients = new AwsClients({ region: config.vault.region, roleName: ROLE_NAMES.auditor });

/**
 * The scheduled drift audit: the same checks as `airgap audit`, read-only, with an SNS alert naming every failed
 * control. The key policy and restore role need the synthesized templates, so they are judged by the CLI run;
 * here they read "not applicable".
 */
export const handler = async (_event: unknown, context: Context) => {
  logger.addContext(context);
  tracer.annotateColdStart();
  try {
    const report = await audit(clients, config);
    tracer.putAnnotation('failedControls', report.failed);
    metrics.addDimension(METRICS.auditFailedControls.dimensions[0], config.name);
    metrics.addMetric(METRICS.auditFailedControls.name, MetricUnit.Count, report.failed);
    const alert = auditAlert(report, config.name);
    if (alert)
      await publishAlert(
        clients,
        config.organizations.vault.vaultAccount,
        config.vault.region,
        topicArn,
        alert,
      );
    const summary = { failed: report.failed, passed: report.passed, notApplicable: report.notApplicable };
    logger.info('audit run', { ...summary, failures: report.findings.filter((f) => f.status === 'fail') });
    return summary;
  } catch (e) {
    logger.error('audit run failed', e as Error);
    throw e;
  } finally {
    metrics.publishStoredMetrics();
  }
};
