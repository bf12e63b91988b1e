import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { RESOURCE_NAMES, type Config } from '../../config/index.js';

/**
 * The vault event bus: snapshot, backup and protected-bucket events forwarded from the source accounts, and
 * guardrail changes forwarded from the vault management account; from nowhere else.
 */
export class VaultEventBus extends Construct {
  readonly bus: events.EventBus;

  constructor(scope: Construct, id: string, config: Config) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: RESOURCE_NAMES.eventBus(config) });
    this.bus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SourceOrganizationPutsEvents',
        principals: [new iam.AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': config.organizations.source.id } },
      }),
    );
    this.bus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'VaultManagementForwardsGuardrailChanges',
        principals: [new iam.AccountPrincipal(config.organizations.vault.managementAccount)],
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
      }),
    );
  }
}
