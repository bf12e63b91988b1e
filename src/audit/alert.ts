import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { AwsClients } from '../aws/clients.js';
import type { AuditReport } from './audit.js';

export interface AuditAlert {
  subject: string;
  message: string;
}

/** SNS subjects are at most 100 characters. */
const SUBJECT_LIMIT = 100;

/**
 * Pure: the alert a scheduled audit sends, or none when every control passed. One line per failed control, so
 * the mail names the drift (control, resource, why) without opening a report.
 */
export function auditAlert(report: AuditReport, deployment: string): AuditAlert | undefined {
  const failed = report.findings.filter((f) => f.status === 'fail');
  if (failed.length === 0) return undefined;
  return {
    subject: `Air Gap Recover ${deployment}: audit found ${failed.length} failed control(s)`.slice(
      0,
      SUBJECT_LIMIT,
    ),
    message: [
      `Audit of ${deployment} at ${report.at}: ${report.failed} failed, ${report.passed} passed, ${report.notApplicable} not applicable.`,
      '',
      ...failed.map((f) => `FAIL ${f.control} ${f.resource}: ${f.reason}`),
    ].join('\n'),
  };
}

export async function publishAlert(
  clients: AwsClients,
  account: string,
  region: string,
  topicArn: string,
  alert: AuditAlert,
): Promise<void> {
  await clients
    .for(SNSClient, account, region)
    .send(new PublishCommand({ TopicArn: topicArn, Subject: alert.subject, Message: alert.message }));
}
