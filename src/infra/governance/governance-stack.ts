import { Stack, type StackProps } from 'aws-cdk-lib/core';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as awsconfig from 'aws-cdk-lib/aws-config';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { RESOURCE_NAMES, type Config } from '../../config/index.js';
import { acknowledge, nag } from '../nag-suppressions.js';
import { AccountBaseline } from './account-baseline.js';
import { AuditReadRole } from './audit-read-role.js';
import { OperatorRole } from '../operator/operator-role.js';
import { callPattern } from './watched-calls.js';

/**
 * The vault organization's management account (in GOVERNANCE_REGION): the organization trail and the
 * organization-wide Config aggregator, both delivering to the log archive (unless Control Tower provides
 * them), and the rule that forwards guardrail detachments and edits to the vault bus, where they alert.
 */
export class GovernanceStack extends Stack {
  constructor(scope: Construct, id: string, config: Config, props: StackProps) {
    super(scope, id, props);
    const { vault } = config.organizations;
    const vaultBus = events.EventBus.fromEventBusArn(
      this,
      'VaultBus',
      `arn:aws:events:${config.vault.region}:${vault.vaultAccount}:event-bus/${RESOURCE_NAMES.eventBus(config)}`,
    );
    new events.Rule(this, 'GuardrailChanges', {
      description: 'Air Gap Recover: forward SCP and RCP detachments and edits to the vault account',
      eventPattern: callPattern('guardrailChanges'),
      targets: [new targets.EventBus(vaultBus)],
    });
    new AccountBaseline(this, 'Baseline', { config });
    // The vault organization's guardrails can be read only here (or from a delegated administrator).
    new AuditReadRole(this, 'AuditRead', {
      config,
      account: vault.managementAccount,
      reads: { organizations: true, logging: true },
    });
    new OperatorRole(this, 'Operator', {
      config,
      accountRole: 'vault-management',
      account: vault.managementAccount,
    });
    if (config.governance.controlTower || !vault.logArchiveAccount) return;

    const trail = new cloudtrail.CfnTrail(this, 'OrganizationTrail', {
      trailName: RESOURCE_NAMES.organizationTrail(config),
      isLogging: true,
      isOrganizationTrail: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      s3BucketName: RESOURCE_NAMES.logArchiveBucket(config, vault.logArchiveAccount),
      kmsKeyId: `arn:aws:kms:${config.vault.region}:${vault.logArchiveAccount}:${RESOURCE_NAMES.logKeyAlias(config)}`,
    });
    acknowledge(
      trail,
      'Alerts come from EventBridge, which receives every management event of the trail; the log archive keeps them under Object Lock. A CloudWatch Logs copy in the management account adds cost, no control.',
      'NIST.800.53.R5::NIST.800.53.R5-CloudTrailCloudWatchLogsEnabled',
    );
    const aggregatorRole = new iam.Role(this, 'AggregatorRole', {
      assumedBy: new iam.ServicePrincipal('config.amazonaws.com'),
      description: 'Air Gap Recover: AWS Config aggregates the vault organization with this role',
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSConfigRoleForOrganizations'),
      ],
    });
    new awsconfig.CfnConfigurationAggregator(this, 'Aggregator', {
      configurationAggregatorName: `${config.name}-airgap-vault-organization`,
      organizationAggregationSource: { roleArn: aggregatorRole.roleArn, allAwsRegions: true },
    });
    acknowledge(
      aggregatorRole,
      'AWS maintains the permissions Config needs to read the organization; a copy of ours would drift.',
      nag.managedPolicy('service-role/AWSConfigRoleForOrganizations'),
    );
  }
}
