import { Aws, CfnParameter } from 'aws-cdk-lib/core';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ROLE_NAMES, type Config } from '../../config/index.js';
import type { ShareSettings } from '../../handlers/snapshot-share.js';
import { AirgapFunction } from '../lambda/airgap-function.js';
import { acknowledge, nag } from '../nag-suppressions.js';
import { SNAPSHOT_EVENT_PATTERN } from '../vault/snapshot-copier.js';

/** The template parameter that carries an account's RDS, Aurora and EBS selectors (JSON). */
export const SNAPSHOT_SELECTORS_PARAMETER = 'SnapshotSelectors';
/** CloudFormation's limit on one parameter value. */
const PARAMETER_VALUE_LIMIT = 4096;

/**
 * This account's snapshot selectors in one region as the regional StackSet instance's parameter value: the share
 * function of a region sees only the selectors of that region (a selector without a region is the first source
 * region's, as everywhere).
 */
export function snapshotShareParameters(
  config: Config,
  account: string,
  region: string,
): Record<string, string> {
  const home = config.organizations.source.regions[0]!;
  const mine = (service: 'rds' | 'aurora' | 'ebs') =>
    config.protect[service].filter((s) => s.account === account && (s.region ?? home) === region);
  const value = JSON.stringify({ rds: mine('rds'), aurora: mine('aurora'), ebs: mine('ebs') });
  if (value.length > PARAMETER_VALUE_LIMIT)
    throw new Error(
      `protect.rds/aurora/ebs selectors of account ${account} in ${region} are ${value.length} characters as the ${SNAPSHOT_SELECTORS_PARAMETER} parameter, over CloudFormation's ${PARAMETER_VALUE_LIMIT}: select by tags instead of long name lists`,
    );
  return { [SNAPSHOT_SELECTORS_PARAMETER]: value };
}

/**
 * The share function's settings as JSON text: the instance's selectors parameter is JSON already, so it goes in as
 * a value, not as a string (CloudFormation cannot escape a string it substitutes).
 */
function shareSettings(config: Config, selectors: string): string {
  const fixed: Omit<ShareSettings, 'protect'> = {
    deployment: config.name,
    homeAccount: Aws.ACCOUNT_ID,
    region: Aws.REGION,
    vaultAccount: config.organizations.vault.vaultAccount,
    sourceRegions: config.organizations.source.regions,
  };
  return `${JSON.stringify(fixed).slice(0, -1)},"protect":${selectors}}`;
}

/**
 * The role of the share function, in the global source template (IAM is global, and the role is named, so it
 * exists once per account): it may share and re-copy this account's snapshots in any region, and use this
 * account's keys only through RDS and EC2 of the source regions. Each region's function (`SnapshotShare`) adds
 * its log group and settings to it by a policy of its own.
 */
export class SnapshotSharerRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, config: Config) {
    super(scope, id);
    const account = Aws.ACCOUNT_ID;
    const via = {
      StringEquals: {
        'kms:ViaService': config.organizations.source.regions.flatMap((r) => [
          `rds.${r}.amazonaws.com`,
          `ec2.${r}.amazonaws.com`,
        ]),
      },
    };
    this.role = new iam.Role(this, 'Role', {
      roleName: ROLE_NAMES.snapshotSharer,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Air Gap Recover: shares new snapshots of protected resources with the vault account',
      inlinePolicies: {
        share: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'ReadSnapshotsResourcesAndKeys',
              actions: [
                'rds:DescribeDBSnapshots',
                'rds:DescribeDBClusterSnapshots',
                'rds:DescribeDBSnapshotAttributes',
                'rds:DescribeDBClusterSnapshotAttributes',
                'rds:DescribeDBInstances',
                'rds:DescribeDBClusters',
                'ec2:DescribeSnapshots',
                'ec2:DescribeSnapshotAttribute',
                'ec2:DescribeVolumes',
                'kms:DescribeKey',
                'kms:GetKeyPolicy',
                'kms:ListAliases',
              ],
              resources: ['*'],
            }),
            new iam.PolicyStatement({
              sid: 'ShareAndRecopyOwnSnapshots',
              actions: [
                'rds:ModifyDBSnapshotAttribute',
                'rds:ModifyDBClusterSnapshotAttribute',
                'rds:CopyDBSnapshot',
                'rds:CopyDBClusterSnapshot',
                'rds:AddTagsToResource',
              ],
              resources: [
                `arn:aws:rds:*:${account}:snapshot:*`,
                `arn:aws:rds:*:${account}:cluster-snapshot:*`,
              ],
            }),
            new iam.PolicyStatement({
              sid: 'ShareAndRecopyOwnEbsSnapshots',
              actions: ['ec2:ModifySnapshotAttribute', 'ec2:CopySnapshot'],
              resources: [`arn:aws:ec2:*:${account}:snapshot/*`, 'arn:aws:ec2:*::snapshot/*'],
            }),
            new iam.PolicyStatement({
              sid: 'TagEbsRecopiesAtCreation',
              actions: ['ec2:CreateTags'],
              resources: [`arn:aws:ec2:*:${account}:snapshot/*`],
              conditions: { StringEquals: { 'ec2:CreateAction': 'CopySnapshot' } },
            }),
            new iam.PolicyStatement({
              sid: 'RecopyThroughServicesWithOwnKeys',
              actions: [
                'kms:CreateGrant',
                'kms:Decrypt',
                'kms:Encrypt',
                'kms:ReEncryptFrom',
                'kms:ReEncryptTo',
                'kms:GenerateDataKeyWithoutPlaintext',
              ],
              resources: [`arn:aws:kms:*:${account}:key/*`],
              conditions: via,
            }),
          ],
        }),
      },
    });
    acknowledge(
      this.role,
      "Describe and list calls have no resource scope; sharing and re-copying are limited to this account's snapshots and, through RDS and EC2 only, its keys.",
      nag.wildcard('Resource::*'),
      nag.wildcard('Resource::arn:aws:rds:*:<AWS::AccountId>:snapshot:*'),
      nag.wildcard('Resource::arn:aws:rds:*:<AWS::AccountId>:cluster-snapshot:*'),
      nag.wildcard('Resource::arn:aws:ec2:*:<AWS::AccountId>:snapshot/*'),
      nag.wildcard('Resource::arn:aws:ec2:*::snapshot/*'),
      nag.wildcard('Resource::arn:aws:kms:*:<AWS::AccountId>:key/*'),
    );
  }
}

/**
 * The source side of snapshot vaulting in each protected region of a workload account, in the regional source
 * template: `src/handlers/snapshot-share.ts` run as `AirGapSnapshotSharer` (made by `SnapshotSharerRole` in the
 * global template) by the region's snapshot events shares each new snapshot of a protected resource with the vault
 * account, re-copying it under the share key when AWS would not share it as it is.
 */
export class SnapshotShare extends Construct {
  constructor(scope: Construct, id: string, props: { config: Config; shareKey: kms.Key }) {
    super(scope, id);
    const { config, shareKey } = props;
    const selectors = new CfnParameter(scope, SNAPSHOT_SELECTORS_PARAMETER, {
      type: 'String',
      default: '{}',
      description:
        "This account's protect.rds, protect.aurora and protect.ebs selectors of this region as JSON (from airgap-manifest.json)",
    });
    // By name: the global template owns the role; this region's grants go into a policy of this template.
    const role = iam.Role.fromRoleName(this, 'Role', ROLE_NAMES.snapshotSharer);
    const fn = new AirgapFunction(this, 'Function', {
      config,
      handler: 'snapshot-share',
      description: 'Air Gap Recover: shares new snapshots of protected resources with the vault account',
      role,
      logKey: shareKey,
      settings: shareSettings(config, selectors.valueAsString),
      reservedConcurrentExecutions: 5,
    });
    acknowledge(
      fn,
      'Invoked asynchronously by EventBridge, which retries; a snapshot never shared shows as an RPO breach in the vault, whose sweep lists what is shared.',
      nag.lambdaDlq,
    );
    // The region's grants are an inline policy of the one role: named after the region, or the next region's
    // instance would replace this one's (an inline policy name is unique per role, not per stack).
    for (const policy of role.node.children.filter((c) => c instanceof iam.Policy))
      (policy.node.defaultChild as iam.CfnPolicy).policyName = `airgap-snapshot-share-${Aws.REGION}`;
    new events.Rule(this, 'OnSnapshot', {
      description: 'Air Gap Recover: share new snapshots with the vault account',
      eventPattern: SNAPSHOT_EVENT_PATTERN,
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 4 })],
    });
  }
}
