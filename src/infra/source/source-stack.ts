import {
  Aws,
  CfnCondition,
  CfnMapping,
  Fn,
  RemovalPolicy,
  Stack,
  type CfnResource,
  type StackProps,
} from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { acknowledge, nag } from '../nag-suppressions.js';
import { protectedBuckets, RESOURCE_NAMES, ROLE_NAMES, type Config } from '../../config/index.js';

/**
 * One template for every workload account, deployed as a CloudFormation StackSet: per-account data sits
 * in a mapping keyed by AWS::AccountId, so the number of templates never grows with the number of accounts.
 *
 * The protected buckets already exist and belong to their owners' stacks, so this template does not manage
 * them; `airgap s3 configure-replication` applies their replication rule (versioning, RTC, vault key, owner
 * override) with this stack's replication role, idempotently.
 */
export class SourceStack extends Stack {
  constructor(scope: Construct, id: string, config: Config, props: StackProps) {
    super(scope, id, props);
    const { vault } = config.organizations;
    const vaultRegion = config.vault.region;

    const byAccount: Record<string, Record<string, string[] | string>> = {};
    for (const account of config.organizations.source.workloadAccounts) {
      const mine = protectedBuckets(config).filter((b) => b.account === account.id);
      byAccount[account.id] = {
        Count: String(mine.length),
        SourceBuckets: mine.length ? mine.map((b) => `arn:aws:s3:::${b.bucket}`) : ['arn:aws:s3:::none'],
        SourceObjects: mine.length ? mine.map((b) => `arn:aws:s3:::${b.bucket}/*`) : ['arn:aws:s3:::none/*'],
      };
    }
    const map = new CfnMapping(this, 'ProtectedBuckets', { mapping: byAccount });
    const hasBuckets = new CfnCondition(this, 'HasProtectedBuckets', {
      expression: Fn.conditionNot(Fn.conditionEquals(map.findInMap(Aws.ACCOUNT_ID, 'Count'), '0')),
    });

    const replication = new iam.Role(this, 'ReplicationRole', {
      roleName: ROLE_NAMES.replication,
      assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
      description: 'Air Gap Recover: S3 replicates protected buckets into the vault with this role',
      inlinePolicies: {
        replicate: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'ReadSourceConfiguration',
              actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
              resources: Fn.split(
                ',',
                Fn.join(',', map.findInMap(Aws.ACCOUNT_ID, 'SourceBuckets') as unknown as string[]),
              ),
            }),
            new iam.PolicyStatement({
              sid: 'ReadSourceVersions',
              actions: [
                's3:GetObjectVersionForReplication',
                's3:GetObjectVersionAcl',
                's3:GetObjectVersionTagging',
              ],
              resources: Fn.split(
                ',',
                Fn.join(',', map.findInMap(Aws.ACCOUNT_ID, 'SourceObjects') as unknown as string[]),
              ),
            }),
            new iam.PolicyStatement({
              sid: 'ReplicateIntoOwnVaultBuckets',
              actions: [
                's3:ReplicateObject',
                's3:ReplicateTags',
                's3:ObjectOwnerOverrideToBucketOwner',
                ...(config.replication.deleteMarkerReplication ? ['s3:ReplicateDelete'] : []),
              ],
              resources: [`arn:aws:s3:::${config.vault.bucketPrefix}-${Aws.ACCOUNT_ID}-*/*`],
            }),
            new iam.PolicyStatement({
              sid: 'EncryptReplicasWithVaultKey',
              actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
              resources: [`arn:aws:kms:${vaultRegion}:${vault.vaultAccount}:key/*`],
              conditions: {
                StringEquals: { 'kms:ViaService': `s3.${vaultRegion}.amazonaws.com` },
                'ForAnyValue:StringEquals': { 'kms:ResourceAliases': RESOURCE_NAMES.vaultKeyAlias(config) },
              },
            }),
            new iam.PolicyStatement({
              sid: 'DecryptSourceObjectsThroughS3',
              actions: ['kms:Decrypt'],
              resources: [`arn:aws:kms:*:${Aws.ACCOUNT_ID}:key/*`],
              conditions: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } },
            }),
          ],
        }),
      },
    });
    (replication.node.defaultChild as CfnResource).cfnOptions.condition = hasBuckets;
    acknowledge(
      replication,
      'Object versions of the named source buckets; vault buckets of this account by prefix; the vault key by alias and kms:ViaService; source keys only through S3.',
      nag.wildcard('Resource::arn:aws:s3:::<ProtectedBuckets.SourceObjects>'),
      nag.wildcard(`Resource::arn:aws:s3:::${config.vault.bucketPrefix}-<AWS::AccountId>-*/*`),
      nag.wildcard(`Resource::arn:aws:kms:${vaultRegion}:${vault.vaultAccount}:key/*`),
      nag.wildcard('Resource::arn:aws:kms:*:<AWS::AccountId>:key/*'),
    );

    // The shareable source key: the vault account may use it only through RDS and EC2, to copy shared snapshots.
    new kms.Key(this, 'SnapshotShareKey', {
      alias: RESOURCE_NAMES.sourceKeyAlias(config),
      description: 'Air Gap Recover: encrypts snapshots shared with the vault account',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'AccountAdministersThroughIam',
            principals: [new iam.AccountRootPrincipal()],
            actions: ['kms:*'],
            resources: ['*'],
          }),
          new iam.PolicyStatement({
            sid: 'VaultCopiesSharedSnapshotsThroughServices',
            principals: [new iam.AccountPrincipal(vault.vaultAccount)],
            actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:CreateGrant', 'kms:ReEncryptFrom'],
            resources: ['*'],
            conditions: {
              StringEquals: {
                'kms:ViaService': config.organizations.source.regions.flatMap((r) => [
                  `rds.${r}.amazonaws.com`,
                  `ec2.${r}.amazonaws.com`,
                ]),
              },
            },
          }),
        ],
      }),
    });

    // Snapshot events go to the vault bus, where the copier picks them up; a scheduled sweep catches misses.
    const bus = events.EventBus.fromEventBusArn(
      this,
      'VaultBus',
      `arn:aws:events:${vaultRegion}:${vault.vaultAccount}:event-bus/${RESOURCE_NAMES.eventBus(config)}`,
    );
    new events.Rule(this, 'SnapshotEvents', {
      description: 'Air Gap Recover: forward snapshot completion events to the vault account',
      eventPattern: {
        source: ['aws.rds', 'aws.ec2', 'aws.backup'],
        detailType: [
          'RDS DB Snapshot Event',
          'RDS DB Cluster Snapshot Event',
          'EBS Snapshot Notification',
          'Backup Job State Change',
        ],
      },
      targets: [new targets.EventBus(bus)],
    });
  }
}
