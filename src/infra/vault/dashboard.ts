import { Duration } from 'aws-cdk-lib/core';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import {
  METRIC_NAMESPACE,
  METRICS,
  protectedServices,
  type Config,
  type MetricKey,
} from '../../config/index.js';

/**
 * One Metrics Insights query per line set: `GROUP BY` the metric's dimension draws one line per bucket or
 * resource, so a newly protected resource appears without a deploy and the widget count stays fixed.
 */
export function perResource(
  key: MetricKey,
  fn: 'MAX' | 'SUM',
  where?: { dimension: string; value: string },
): cloudwatch.MathExpression {
  const { name, dimensions } = METRICS[key];
  const filter = where ? ` WHERE ${where.dimension} = '${where.value}'` : '';
  return new cloudwatch.MathExpression({
    expression: `SELECT ${fn}(${name}) FROM SCHEMA("${METRIC_NAMESPACE}", ${dimensions.join(', ')})${filter} GROUP BY ${dimensions.at(-1)!}`,
    period: Duration.minutes(5),
    label: '',
    usingMetrics: {},
  });
}

const rpoLine = (minutes: number, scale = 1): cloudwatch.HorizontalAnnotation => ({
  value: minutes * scale,
  label: `RPO ${minutes} min`,
  color: cloudwatch.Color.RED,
});

/**
 * One screen answering "is everything in the vault within its RPO, and is anything failing?": alarm states; the
 * age of the newest vault copy of every protected resource against its service's RPO; replication latency;
 * copy and restore failures; the drift audit's failed controls.
 */
export class Dashboard extends Construct {
  constructor(scope: Construct, id: string, props: { config: Config; alarms: cloudwatch.Alarm[] }) {
    super(scope, id);
    const { config } = props;
    const graph = (
      title: string,
      left: cloudwatch.IMetric[],
      opts: Partial<cloudwatch.GraphWidgetProps> = {},
    ) => new cloudwatch.GraphWidget({ title, left, width: 12, height: 6, ...opts });
    // Recovery point ages carry their service, so each service's graph holds its resources against its RPO.
    const rpo = protectedServices(config).map((service) =>
      graph(
        `RPO: age of the newest vault copy, ${service} (minutes)`,
        [perResource('recoveryPointAge', 'MAX', { dimension: 'Service', value: service })],
        { leftAnnotations: [rpoLine(config.rpoMinutes[service])] },
      ),
    );
    new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${config.name}-airgap`,
      widgets: [
        [new cloudwatch.AlarmStatusWidget({ title: 'Air Gap Recover', alarms: props.alarms, width: 24 })],
        rpo,
        [
          graph('S3 replication latency into the vault (seconds)', [perResource('replicationLag', 'MAX')], {
            leftAnnotations: [rpoLine(config.rpoMinutes.s3, 60)],
          }),
          graph('S3 replication operations failed', [perResource('replicationFailed', 'SUM')]),
        ],
        [
          graph('Snapshot copies into the vault that failed', [perResource('copyFailures', 'SUM')]),
          graph('Snapshot restores that failed', [perResource('restoreFailures', 'SUM')]),
        ],
        [
          graph('Drift audit: failed controls per run', [perResource('auditFailedControls', 'MAX')], {
            width: 24,
            leftAnnotations: [{ value: 0, label: 'every control passes', color: cloudwatch.Color.GREEN }],
          }),
        ],
      ],
    });
  }
}
