import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { quickstart } from '../../../test/support/config.js';
import { outDir } from '../../../test/support/outdir.js';
import type { Config } from '../../config/index.js';
import { buildApp, TEMPLATES_ONLY } from '../app.js';

interface Widget {
  type: string;
  properties: {
    title?: string;
    metrics?: [{ expression: string }][];
    annotations?: { horizontal?: { value: number; label: string }[] };
  };
}

/** The dashboard body as CloudFormation will render it, with tokens (region, alarm ARNs) left as placeholders. */
function dashboard(config: Config, dir: string): Widget[] {
  const { stacks } = buildApp(config, outDir(`dashboard-${dir}`), TEMPLATES_ONLY);
  const vault = stacks.find((s) => s.stack.stackName === `${config.name}-airgap-vault`)!.stack;
  const body = Object.values(Template.fromStack(vault).findResources('AWS::CloudWatch::Dashboard'))[0] as {
    Properties: { DashboardBody: { 'Fn::Join': [string, unknown[]] } };
  };
  const text = body.Properties.DashboardBody['Fn::Join'][1]
    .map((part) => (typeof part === 'string' ? part : 'TOKEN'))
    .join('');
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
}

let widgets: Widget[];
const graph = (title: RegExp): Widget => {
  const w = widgets.find((x) => title.test(x.properties.title ?? ''));
  if (!w) throw new Error(`no widget ${String(title)}`);
  return w;
};
const queries = (w: Widget) => (w.properties.metrics ?? []).map((m) => m[0].expression);
const lines = (w: Widget) => (w.properties.annotations?.horizontal ?? []).map((a) => a.value);

beforeAll(() => {
  widgets = dashboard(quickstart(), 'quickstart');
});

describe('the vault dashboard', () => {
  it('shows every alarm’s state first', () => {
    expect(widgets[0]?.type).toBe('alarm');
  });

  it('RPO per protected resource: one graph per protected service, a line per resource, the service’s RPO drawn', () => {
    for (const [service, rpo] of [
      ['s3', 15],
      ['rds', 240],
      ['aurora', 240],
      ['ebs', 240],
    ] as const) {
      const w = graph(new RegExp(`newest vault copy, ${service} `));
      expect(queries(w)).toEqual([
        `SELECT MAX(RecoveryPointAgeMinutes) FROM SCHEMA("AirGapRecover", Service, ProtectedResource) WHERE Service = '${service}' GROUP BY ProtectedResource`,
      ]);
      expect(lines(w)).toEqual([rpo]);
    }
    expect(widgets.some((w) => /newest vault copy, efs/.test(w.properties.title ?? ''))).toBe(false);
  });

  it('replication latency per protected bucket against the S3 RPO, and failed replication', () => {
    const w = graph(/replication latency/);
    expect(queries(w)).toEqual([
      'SELECT MAX(ReplicationLagSeconds) FROM SCHEMA("AirGapRecover", SourceBucket) GROUP BY SourceBucket',
    ]);
    expect(lines(w)).toEqual([15 * 60]);
    expect(queries(graph(/replication operations failed/))).toEqual([
      'SELECT SUM(ReplicationOperationsFailed) FROM SCHEMA("AirGapRecover", SourceBucket) GROUP BY SourceBucket',
    ]);
  });

  it('copy and restore failures, and the audit result', () => {
    expect(queries(graph(/Snapshot copies/))).toEqual([
      'SELECT SUM(SnapshotCopyFailures) FROM SCHEMA("AirGapRecover", Service, ProtectedResource) GROUP BY ProtectedResource',
    ]);
    expect(queries(graph(/Snapshot restores that failed/))).toEqual([
      'SELECT SUM(RestoreFailures) FROM SCHEMA("AirGapRecover", Service) GROUP BY Service',
    ]);
    expect(queries(graph(/Drift audit/))).toEqual([
      'SELECT MAX(AuditFailedControls) FROM SCHEMA("AirGapRecover", Deployment) GROUP BY Deployment',
    ]);
  });

  it('the widget count does not grow with the number of protected buckets', () => {
    const more = dashboard(
      quickstart([
        [
          ['protect', 's3', 0, 'names'],
          ['payments-invoices', 'payments-exports', 'payments-logs'],
        ],
      ]),
      'more',
    );
    expect(more.length).toBe(widgets.length);
  });
});
