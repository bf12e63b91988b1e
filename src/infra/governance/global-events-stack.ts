import { Stack, type StackProps } from 'aws-cdk-lib/core';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { GOVERNANCE_REGION, RESOURCE_NAMES, vaultKeyRegions, type Config } from '../../config/index.js';
import { acknowledge } from '../nag-suppressions.js';
import { regionalBaseline } from './account-baseline.js';
import { callPattern } from './watched-calls.js';

/** Whether the vault account needs this stack: its own region already sees the global services' events. */
export const needsGlobalEvents = (config: Config): boolean => config.vault.region !== GOVERNANCE_REGION;

/**
 * The vault account in us-east-1, where CloudTrail delivers IAM events and the STS global endpoint's AssumeRole
 * to EventBridge, when the vault lives in another region: break-glass use alerts from here, to a topic of its own
 * with the same subscribers (an SNS target must be in the rule's region; a forwarding rule would need one more
 * role for the human-access SCP to exempt). IAM and global STS activity is analysed by GuardDuty in us-east-1 only,
 * so the account's baseline of that region is here too, unless a vault key stack there already holds it.
 */
export class GlobalEventsStack extends Stack {
  constructor(scope: Construct, id: string, config: Config, props: StackProps) {
    super(scope, id, props);
    if (!vaultKeyRegions(config).includes(GOVERNANCE_REGION)) regionalBaseline(this, config);
    const topic = new sns.Topic(this, 'Topic', {
      topicName: `${RESOURCE_NAMES.alertTopic(config)}-${GOVERNANCE_REGION}`,
      enforceSSL: true,
    });
    acknowledge(
      topic,
      'It carries only the notice that the break-glass role was assumed, no data; a customer managed key here would be one more key to keep.',
      'AwsSolutions::AwsSolutions-SNS2',
      'NIST.800.53.R5::NIST.800.53.R5-SNSEncryptedKMS',
    );
    for (const email of config.alerts.emails)
      topic.addSubscription(new subscriptions.EmailSubscription(email));
    new events.Rule(this, 'BreakGlassUse', {
      ruleName: `${config.name}-airgap-break-glass-use`,
      description: 'Air Gap Recover: someone assumed the break-glass role (global STS endpoint, us-east-1)',
      eventPattern: callPattern('breakGlassUse', {
        roleArn: [{ suffix: `:role/${config.access.breakGlassRole}` }],
      }),
      targets: [new targets.SnsTopic(topic)],
    });
  }
}
