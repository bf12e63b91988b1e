import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handlerEnvironment, settingsParameters } from '../../test/support/handler-settings.js';
import { quickstart } from '../../test/support/config.js';
import type { AuditReport } from '../audit/audit.js';

handlerEnvironment('airgap-audit', '/airgap/quickstart/audit/settings');

// The audit itself is tested on the sandbox (test/audit.test.ts) and as pure rules (src/audit/judge.test.ts): here
// it returns a fixed report, so the test pins what the handler adds (settings, metric, alert).
const auditMock = vi.hoisted(() => vi.fn());
vi.mock('../audit/audit.js', () => ({ audit: auditMock }));
const { handler } = await import('./audit.js');

const config = quickstart();
const context = { functionName: 'quickstart-audit', awsRequestId: 'r1' } as Context;
const report = (failed: { control: string; resource: string; reason: string }[]): AuditReport => ({
  at: '2026-11-23T06:00:00.000Z',
  passed: 40,
  failed: failed.length,
  notApplicable: 2,
  findings: failed.map((f) => ({ ...f, status: 'fail' as const })),
});

describe('scheduled audit handler (client mock: SSM settings and SNS; the audit is stubbed)', () => {
  const ssm = mockClient(SSMClient);
  const sns = mockClient(SNSClient);
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const published = () => sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
  const emitted = () =>
    log.mock.calls
      .map(([line]) =>
        typeof line === 'string' && line.includes('_aws') ? (JSON.parse(line) as object) : undefined,
      )
      .filter((m) => m !== undefined);

  beforeEach(() => {
    ssm.reset();
    sns.reset();
    log.mockClear();
    auditMock.mockReset();
    // The config is split as the stack splits it, and listed out of order: the handler joins the parts by name.
    const parts = settingsParameters(process.env['AIRGAP_SETTINGS']!, { config });
    ssm.on(GetParametersByPathCommand).resolves({ Parameters: parts.reverse() });
    sns.on(PublishCommand).resolves({ MessageId: 'm1' });
  });
  afterAll(() => {
    ssm.restore();
    sns.restore();
    log.mockRestore();
  });

  it('audits the config from Parameter Store and alerts on the alerts topic naming every failed control', async () => {
    auditMock.mockResolvedValue(
      report([
        { control: 'S3_REPLICATION_RULE', resource: 'payments-invoices', reason: 'no replication rule' },
        {
          control: 'VAULT_KEY_ENABLED',
          resource: 'alias/quickstart-airgap-vault',
          reason: 'pending deletion',
        },
      ]),
    );
    const summary = await handler({}, context);
    expect(auditMock).toHaveBeenCalledWith(expect.anything(), config);
    expect(summary).toEqual({ failed: 2, passed: 40, notApplicable: 2, alerted: true });
    const [alert] = published();
    expect(alert?.TopicArn).toBe('arn:aws:sns:us-east-1:200000000002:quickstart-airgap-alerts');
    expect(alert?.Subject).toBe('Air Gap Recover quickstart: audit found 2 failed control(s)');
    expect(alert?.Message).toContain('FAIL S3_REPLICATION_RULE payments-invoices: no replication rule');
    expect(alert?.Message).toContain(
      'FAIL VAULT_KEY_ENABLED alias/quickstart-airgap-vault: pending deletion',
    );
    expect(ssm.commandCalls(GetParametersByPathCommand)[0]?.args[0].input.Path).toBe(
      '/airgap/quickstart/audit/settings',
    );
  });

  it('publishes the failed-control count the dashboard graphs, per deployment, zero included, with exactly the dimensions its queries name', async () => {
    auditMock.mockResolvedValue(report([]));
    const summary = await handler({}, context);
    expect(summary.alerted).toBe(false);
    expect(published()).toEqual([]);
    expect(emitted()).toContainEqual(
      expect.objectContaining({
        Deployment: 'quickstart',
        AuditFailedControls: 0,
        _aws: expect.objectContaining({
          CloudWatchMetrics: [
            expect.objectContaining({
              Namespace: 'AirGapRecover',
              // Exactly [Deployment]: SCHEMA(namespace, Deployment) queries see nothing published with another set.
              Dimensions: [['Deployment']],
              Metrics: [{ Name: 'AuditFailedControls', Unit: 'Count' }],
            }),
          ],
        }),
      }),
    );
  });
});
