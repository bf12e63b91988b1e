import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { Config } from '../../config/index.js';
import { callPattern } from './watched-calls.js';

/**
 * Alerts, in the vault account, on the calls an attacker makes: key destruction and break-glass use seen on the
 * vault account's own bus; protected-bucket changes and guardrail changes forwarded to the vault bus from the
 * source accounts and the vault management account (events reach EventBridge only in the account and region
 * of the call). Every rule is named `<name>-airgap-*`, which the vault SCP keeps out of reach but for break-glass.
 */
export class AttackAlerts extends Construct {
  readonly rules: events.Rule[];

  constructor(
    scope: Construct,
    id: string,
    props: { config: Config; topic: sns.ITopic; bus: events.IEventBus },
  ) {
    super(scope, id);
    const { config, topic, bus } = props;
    const alert = [new targets.SnsTopic(topic)];
    const rule = (
      name: string,
      description: string,
      eventPattern: events.EventPattern,
      eventBus?: events.IEventBus,
    ) =>
      new events.Rule(this, name, {
        ruleName: `${config.name}-airgap-${name.replace(/[A-Z]/g, (c, i: number) => `${i ? '-' : ''}${c.toLowerCase()}`)}`,
        description,
        eventPattern,
        eventBus,
        targets: alert,
      });
    this.rules = [
      rule(
        'KeyDestruction',
        'Air Gap Recover: a vault key was scheduled for deletion or disabled (or it was tried)',
        callPattern('keyDestruction'),
      ),
      rule(
        'BreakGlassUse',
        'Air Gap Recover: someone assumed the break-glass role',
        callPattern('breakGlassUse', { roleArn: [{ suffix: `:role/${config.access.breakGlassRole}` }] }),
      ),
      rule(
        'ProtectedBucketChanges',
        'Air Gap Recover: replication or lifecycle of a protected source bucket changed (forwarded by the source account)',
        callPattern('protectedBucketChanges'),
        bus,
      ),
      rule(
        'GuardrailChanges',
        'Air Gap Recover: an SCP or RCP of the vault organization was detached, edited or deleted',
        { ...callPattern('guardrailChanges'), account: [config.organizations.vault.managementAccount] },
        bus,
      ),
    ];
  }
}
