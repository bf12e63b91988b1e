import { Duration } from 'aws-cdk-lib/core';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { accountsByRole, RESOURCE_NAMES, ROLE_NAMES, type Config } from '../../config/index.js';
import type { AuditSettings } from '../../handlers/audit.js';
import { AUDIT_READ_ACTIONS, auditReadStatements } from '../governance/audit-read-role.js';
import { AirgapFunction } from '../lambda/airgap-function.js';
import { acknowledge, nag } from '../nag-suppressions.js';
import type { Alerts } from './alerts.js';
import { regionalVaultKeyArns } from './vault-key.js';

/**
 * The accounts the audit reads besides the vault account (src/audit/readers.ts): the workload accounts'
 * protected buckets and AWS Backup plans, the vault organization's logging, guardrails, restore role and key, and
 * the backup path's accounts. Each holds an `AirGapAuditor` read role (AuditReadRole) that trusts this function.
 */
export function auditedAccounts(config: Config): string[] {
  const vault = config.organizations.vault.vaultAccount;
  const read = accountsByRole(config).filter(
    (a) =>
      a.id !== vault &&
      (a.organization === 'vault' || a.role === 'workload' || (a.role === 'backup' && config.paths.backup)),
  );
  return [...new Set(read.map((a) => a.id))];
}

/**
 * The audit's reads of the vault keys of the other regions (`regionalVaultKeyArns`), as it reads the vault region's
 * (none without other regions).
 */
function readRegionalVaultKeys(config: Config, keys: string[]): iam.PolicyStatement[] {
  if (keys.length === 0) return [];
  return [
    new iam.PolicyStatement({
      sid: 'ReadRegionalVaultKeys',
      actions: [...AUDIT_READ_ACTIONS.key],
      resources: keys,
      conditions: {
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': RESOURCE_NAMES.vaultKeyAlias(config) },
      },
    }),
  ];
}

/**
 * The drift audit (src/handlers/audit.ts) on `schedules.audit` as `AirGapAuditor`: read-only in the vault
 * account, and able to assume only the `AirGapAuditor` read roles of the audited accounts. It publishes the
 * failed-control metric the dashboard shows and an alert on the alerts topic when a control fails; a run that
 * fails alarms.
 */
export class ScheduledAudit extends Construct {
  readonly fn: AirgapFunction;
  readonly role: iam.Role;

  constructor(
    scope: Construct,
    id: string,
    props: { config: Config; key: kms.Key; catalogKey: kms.IKey; alerts: Alerts },
  ) {
    super(scope, id);
    const { config, key, catalogKey, alerts } = props;
    const vault = config.organizations.vault.vaultAccount;
    const region = config.vault.region;
    const buckets = `arn:aws:s3:::${config.vault.bucketPrefix}-*`;
    const regionalKeys = regionalVaultKeyArns(config);
    this.role = new iam.Role(this, 'Role', {
      roleName: ROLE_NAMES.auditor,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Air Gap Recover: the scheduled drift audit, read-only, alerting through the alerts topic',
      inlinePolicies: {
        audit: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'ReadVaultBuckets',
              actions: [
                's3:ListBucket',
                's3:GetBucketObjectLockConfiguration',
                's3:GetEncryptionConfiguration',
              ],
              resources: [buckets],
            }),
            new iam.PolicyStatement({
              sid: 'ReadVaultAndCatalogKeys',
              actions: [...AUDIT_READ_ACTIONS.key],
              resources: [key.keyArn, catalogKey.keyArn],
            }),
            ...readRegionalVaultKeys(config, regionalKeys),
            new iam.PolicyStatement({
              sid: 'ReadCatalog',
              actions: ['dynamodb:Scan'],
              resources: [`arn:aws:dynamodb:${region}:${vault}:table/${RESOURCE_NAMES.catalogTable(config)}`],
            }),
            new iam.PolicyStatement({
              sid: 'DecryptCatalogThroughDynamoDb',
              actions: ['kms:Decrypt'],
              resources: [catalogKey.keyArn],
              conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${region}.amazonaws.com` } },
            }),
            new iam.PolicyStatement({
              sid: 'ReadVaultCopiesAndLocks',
              actions: [
                'rds:DescribeDBSnapshots',
                'rds:DescribeDBClusterSnapshots',
                'ec2:DescribeSnapshots',
                'ec2:DescribeLockedSnapshots',
              ],
              resources: ['*'],
            }),
            ...auditReadStatements(config, vault, { logging: true }),
            new iam.PolicyStatement({
              sid: 'AssumeAuditReadRoles',
              actions: ['sts:AssumeRole'],
              resources: auditedAccounts(config).map((a) => `arn:aws:iam::${a}:role/${ROLE_NAMES.auditor}`),
            }),
            new iam.PolicyStatement({
              sid: 'AlertOnFailedControls',
              actions: ['sns:Publish'],
              resources: [alerts.topic.topicArn],
            }),
            new iam.PolicyStatement({
              sid: 'PublishToEncryptedTopic',
              actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
              resources: [key.keyArn],
              conditions: { StringEquals: { 'kms:ViaService': `sns.${region}.amazonaws.com` } },
            }),
          ],
        }),
      },
    });
    acknowledge(
      this.role,
      'Vault buckets by the vault prefix, read-only; snapshot, lock, CloudTrail, Config and GuardDuty describe calls have no resource scope.',
      nag.wildcard(`Resource::${buckets}`),
      nag.wildcard('Resource::*'),
      nag.wildcard('Action::kms:GenerateDataKey*'),
    );
    acknowledge(
      this.role,
      'The vault keys of the other regions live in their own stacks: named by account, region and alias (kms:ResourceAliases).',
      ...regionalKeys.map((k) => nag.wildcard(`Resource::${k}`)),
    );
    this.fn = new AirgapFunction(this, 'Function', {
      config,
      handler: 'audit',
      description: 'Air Gap Recover: scheduled drift audit of the vault and the accounts it protects',
      role: this.role,
      logKey: key,
      timeout: Duration.minutes(15),
      memorySize: 1024,
      settings: { config } satisfies AuditSettings,
    });
    acknowledge(this.fn, 'A missed run is caught by the next; a failed run alarms.', nag.lambdaDlq);
    new events.Rule(this, 'Schedule', {
      description: 'Air Gap Recover: scheduled drift audit',
      schedule: events.Schedule.expression(config.schedules.audit),
      targets: [new targets.LambdaFunction(this.fn, { retryAttempts: 2 })],
    });
    alerts.addAlarm(
      'AuditErrors',
      this.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      0,
      'The scheduled drift audit failed a run: the accounts were not checked',
      cloudwatch.TreatMissingData.NOT_BREACHING,
    );
  }
}
