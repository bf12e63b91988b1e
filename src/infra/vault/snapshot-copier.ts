import { Duration } from 'aws-cdk-lib/core';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { otherVaultKeyRegions, RESOURCE_NAMES, ROLE_NAMES, type Config } from '../../config/index.js';
import type { CopierSettings } from '../../handlers/snapshot-copier.js';
import { AirgapFunction } from '../lambda/airgap-function.js';
import { acknowledge, nag } from '../nag-suppressions.js';
import type { Alerts } from './alerts.js';
import { CopyWorkflow } from './copy-workflow.js';
import { regionalVaultKeyArns } from './vault-key.js';

/** The snapshot events the source StackSet forwards to the vault bus (src/infra/source/source-stack.ts). */
export const SNAPSHOT_EVENT_PATTERN: events.EventPattern = {
  source: ['aws.rds', 'aws.ec2', 'aws.backup'],
  detailType: [
    'RDS DB Snapshot Event',
    'RDS DB Cluster Snapshot Event',
    'EBS Snapshot Notification',
    'Backup Job State Change',
  ],
};

export interface SnapshotCopierProps {
  config: Config;
  key: kms.Key;
  /** The catalog's own key: the copier records each copy through DynamoDB under it. */
  catalogKey: kms.IKey;
  table: dynamodb.TableV2;
  bus: events.IEventBus;
  alerts: Alerts;
}

/**
 * The vault copier (src/handlers/snapshot-copier.ts) as `AirGapSnapshotCopier`, the role the vault SCP lets copy
 * into the vault, driven by the copy workflow, which every snapshot event on the vault bus and the scheduled
 * sweep start.
 */
export class SnapshotCopier extends Construct {
  readonly fn: AirgapFunction;
  readonly role: iam.Role;
  readonly workflow: CopyWorkflow;

  constructor(scope: Construct, id: string, props: SnapshotCopierProps) {
    super(scope, id);
    const { config, key, catalogKey, table } = props;
    const vault = config.organizations.vault.vaultAccount;
    const regions = config.organizations.source.regions;
    const via = (...services: string[]) => ({
      StringEquals: {
        'kms:ViaService': regions.flatMap((r) => services.map((s) => `${s}.${r}.amazonaws.com`)),
      },
    });
    this.role = new iam.Role(this, 'Role', {
      roleName: ROLE_NAMES.snapshotCopier,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description:
        'Air Gap Recover: copies snapshots shared with the vault under the vault key, tags, locks, catalogs',
      inlinePolicies: {
        copy: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'FindSharedSnapshotsAndCopies',
              actions: ['rds:DescribeDBSnapshots', 'rds:DescribeDBClusterSnapshots', 'ec2:DescribeSnapshots'],
              resources: ['*'],
            }),
            new iam.PolicyStatement({
              sid: 'CopySharedSnapshotsIntoVaultCopies',
              actions: ['rds:CopyDBSnapshot', 'rds:CopyDBClusterSnapshot'],
              resources: ['arn:aws:rds:*:*:snapshot:*', 'arn:aws:rds:*:*:cluster-snapshot:*'],
            }),
            new iam.PolicyStatement({
              sid: 'TagVaultCopies',
              actions: ['rds:AddTagsToResource', 'rds:ListTagsForResource'],
              resources: [
                `arn:aws:rds:*:${vault}:snapshot:airgap-*`,
                `arn:aws:rds:*:${vault}:cluster-snapshot:airgap-*`,
              ],
            }),
            new iam.PolicyStatement({
              sid: 'CopySharedEbsSnapshots',
              actions: ['ec2:CopySnapshot'],
              resources: ['arn:aws:ec2:*::snapshot/*', `arn:aws:ec2:*:${vault}:snapshot/*`],
            }),
            new iam.PolicyStatement({
              sid: 'TagEbsCopiesAtCreation',
              actions: ['ec2:CreateTags'],
              resources: [`arn:aws:ec2:*:${vault}:snapshot/*`],
              conditions: { StringEquals: { 'ec2:CreateAction': 'CopySnapshot' } },
            }),
            new iam.PolicyStatement({
              sid: 'LockEbsCopiesInComplianceMode',
              actions: ['ec2:LockSnapshot'],
              resources: [`arn:aws:ec2:*:${vault}:snapshot/*`],
              conditions: { StringEquals: { 'ec2:SnapshotLockMode': 'compliance' } },
            }),
            new iam.PolicyStatement({
              sid: 'EncryptCopiesWithVaultKey',
              actions: [
                'kms:DescribeKey',
                'kms:CreateGrant',
                'kms:Encrypt',
                'kms:Decrypt',
                'kms:ReEncrypt*',
                'kms:GenerateDataKey*',
              ],
              resources: [key.keyArn],
              conditions: via('rds', 'ec2'),
            }),
            new iam.PolicyStatement({
              sid: 'FindVaultKeyByAlias',
              actions: ['kms:DescribeKey'],
              resources: [key.keyArn],
            }),
            ...regionalKeyStatements(config),
            new iam.PolicyStatement({
              sid: 'DecryptSharedSnapshotsThroughServices',
              actions: ['kms:DescribeKey', 'kms:CreateGrant', 'kms:Decrypt', 'kms:ReEncryptFrom'],
              resources: ['arn:aws:kms:*:*:key/*'],
              conditions: via('rds', 'ec2'),
            }),
            new iam.PolicyStatement({
              sid: 'RecordInCatalog',
              actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Scan'],
              resources: [table.tableArn],
            }),
            new iam.PolicyStatement({
              sid: 'EncryptCatalogThroughDynamoDb',
              actions: ['kms:DescribeKey', 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*'],
              resources: [catalogKey.keyArn],
              conditions: {
                StringEquals: { 'kms:ViaService': `dynamodb.${config.vault.region}.amazonaws.com` },
              },
            }),
          ],
        }),
      },
    });
    acknowledge(
      this.role,
      'The vault keys of the other regions live in their own stacks: named by account, region and alias (kms:ResourceAliases).',
      ...regionalVaultKeyArns(config).map((k) => nag.wildcard(`Resource::${k}`)),
    );
    acknowledge(
      this.role,
      'Describe calls have no resource scope; copies read source snapshots of any source account (the SCP and the source key policy decide which); vault copies are airgap-* or, for EBS, AWS-assigned ids in the vault account; source keys only through RDS and EC2.',
      nag.wildcard('Resource::*'),
      nag.wildcard('Resource::arn:aws:rds:*:*:snapshot:*'),
      nag.wildcard('Resource::arn:aws:rds:*:*:cluster-snapshot:*'),
      nag.wildcard(`Resource::arn:aws:rds:*:${vault}:snapshot:airgap-*`),
      nag.wildcard(`Resource::arn:aws:rds:*:${vault}:cluster-snapshot:airgap-*`),
      nag.wildcard('Resource::arn:aws:ec2:*::snapshot/*'),
      nag.wildcard(`Resource::arn:aws:ec2:*:${vault}:snapshot/*`),
      nag.wildcard('Resource::arn:aws:kms:*:*:key/*'),
      nag.wildcard('Action::kms:ReEncrypt*'),
      nag.wildcard('Action::kms:GenerateDataKey*'),
    );

    this.fn = new AirgapFunction(this, 'Function', {
      config,
      handler: 'snapshot-copier',
      description: 'Air Gap Recover: copies shared snapshots into the vault, locks and catalogs them',
      role: this.role,
      logKey: key,
      timeout: Duration.minutes(10),
      settings: {
        deployment: config.name,
        vaultAccount: vault,
        region: config.vault.region,
        sourceRegions: regions,
        retentionDays: config.vault.retention.days,
        catalogTable: RESOURCE_NAMES.catalogTable(config),
      } satisfies CopierSettings,
    });
    acknowledge(
      this.fn,
      'Invoked synchronously by the copy workflow, which retries and fails (and alarms) on errors; nothing is queued.',
      nag.lambdaDlq,
    );
    this.workflow = new CopyWorkflow(this, 'Workflow', {
      config,
      copier: this.fn,
      key,
      alerts: props.alerts,
    });
    const start = new targets.SfnStateMachine(this.workflow.stateMachine, {
      retryAttempts: 4,
      // Named: the vault organization's human-access SCP exempts service roles by name only.
      role: new iam.Role(this, 'StartRole', {
        roleName: ROLE_NAMES.copyWorkflowStart,
        assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      }),
    });
    new events.Rule(this, 'OnSnapshotEvent', {
      description:
        'Air Gap Recover: start the copy workflow on snapshot events forwarded from the source accounts',
      eventBus: props.bus,
      eventPattern: SNAPSHOT_EVENT_PATTERN,
      targets: [start],
    });
    new events.Rule(this, 'Sweep', {
      description: 'Air Gap Recover: scheduled copy workflow, catching what events missed',
      schedule: events.Schedule.expression(config.schedules.snapshots),
      targets: [start],
    });
    props.alerts.addAlarm(
      'CopierErrors',
      this.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      0,
      'The snapshot copier function failed a run',
      cloudwatch.TreatMissingData.NOT_BREACHING,
    );
  }
}

/** The copier's use of the vault keys of the other regions with protected snapshots (`regionalVaultKeyArns`). */
function regionalKeyStatements(config: Config): iam.PolicyStatement[] {
  const regions = otherVaultKeyRegions(config);
  if (regions.length === 0) return [];
  const keys = regionalVaultKeyArns(config);
  const alias = {
    'ForAnyValue:StringEquals': { 'kms:ResourceAliases': RESOURCE_NAMES.vaultKeyAlias(config) },
  };
  return [
    new iam.PolicyStatement({
      sid: 'EncryptCopiesWithRegionalVaultKeys',
      actions: [
        'kms:DescribeKey',
        'kms:CreateGrant',
        'kms:Decrypt',
        'kms:ReEncrypt*',
        'kms:GenerateDataKey*',
      ],
      resources: keys,
      conditions: {
        ...alias,
        StringEquals: {
          'kms:ViaService': regions.flatMap((r) => [`rds.${r}.amazonaws.com`, `ec2.${r}.amazonaws.com`]),
        },
      },
    }),
    new iam.PolicyStatement({
      sid: 'FindRegionalVaultKeysByAlias',
      actions: ['kms:DescribeKey'],
      resources: keys,
      conditions: alias,
    }),
  ];
}
