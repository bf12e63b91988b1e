import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { Config } from '../../config/index.js';

/** One screen: the state of every alarm, then each alarm's metric over time. */
export class Dashboard extends Construct {
  constructor(scope: Construct, id: string, props: { config: Config; alarms: cloudwatch.Alarm[] }) {
    super(scope, id);
    new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${props.config.name}-airgap`,
      widgets: [
        [new cloudwatch.AlarmStatusWidget({ title: 'Air Gap Recover', alarms: props.alarms, width: 24 })],
        props.alarms.map((alarm) => new cloudwatch.AlarmWidget({ alarm, title: alarm.node.id, width: 6 })),
      ],
    });
  }
}
