import {
  Aws,
  CfnCondition,
  CfnParameter,
  Fn,
  Stack,
  type CfnResource,
  type StackProps,
} from 'aws-cdk-lib/core';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { backupPlanParameters, SourceBackupPlan } from '../backup/source-backup-plan.js';
import { AuditReadRole, auditReadStatements } from '../governance/audit-read-role.js';
import { acknowledge, nag } from '../nag-suppressions.js';
import { replicationSourceReads } from '../replication-source.js';
import { EfsReplicationRole, efsReplicationParameters } from './efs-replication-role.js';
import { OperatorRole } from '../operator/operator-role.js';
import { SnapshotSharerRole } from './snapshot-share.js';
import { protectedBuckets, RESOURCE_NAMES, ROLE_NAMES, type Config } from '../../config/index.js';

/** The template parameter that carries an account's protected bucket names. */
export const PROTECTED_BUCKETS_PARAMETER = 'ProtectedBuckets';

/** Per-account parameter values of the global source template: one StackSet instance each, in the home region. */
export function sourceParameters(config: Config, account: string): Record<string, string> {
  const names = protectedBuckets(config)
    .filter((b) => b.account === account)
    .map((b) => b.bucket);
  return {
    [PROTECTED_BUCKETS_PARAMETER]: names.join(','),
    ...(config.paths.vault ? efsReplicationParameters(config, account) : {}),
    ...(config.paths.backup ? backupPlanParameters(config, account) : {}),
  };
}

/**
 * The global half of the workload StackSet: the named IAM roles (global resources, so once per account) and the
 * AWS Backup path (which runs in one region), deployed in each workload account's home region, the first source
 * region, before the regional half (`SourceRegionalStack`) whose function runs as one of these roles. One template
 * for every workload account, deployed as a CloudFormation StackSet with per-instance
 * parameter overrides (the manifest lists them). Parameters rather than a mapping keyed by account: a
 * mapping holds at most 200 keys, and parameters keep the template byte-identical however many accounts
 * there are, so adding an account never updates the other 499 stacks.
 *
 * The protected buckets already exist and belong to their owners' stacks, so this template does not manage
 * them: a bucket can be in only one stack, and importing it here would hand its lifecycle to us. The
 * replication rule (versioning, RTC, vault key, owner override, SSE-C block) is applied to them with this
 * stack's replication role by `configureReplication` in protect/s3, idempotently.
 */
export class SourceStack extends Stack {
  constructor(scope: Construct, id: string, config: Config, props: StackProps) {
    super(scope, id, props);
    const { vault } = config.organizations;
    const vaultRegion = config.vault.region;

    const names = new CfnParameter(this, PROTECTED_BUCKETS_PARAMETER, {
      type: 'CommaDelimitedList',
      default: '',
      description: 'Names of the protected S3 buckets of this account (from airgap-manifest.json)',
    }).valueAsList;
    const hasBuckets = new CfnCondition(this, 'HasProtectedBuckets', {
      expression: Fn.conditionNot(Fn.conditionEquals(Fn.join(',', names), '')),
    });
    // CloudFormation has no map function: join the names with the ARN text between them, then split.
    const arns = (suffix: string) =>
      Fn.split(',', `arn:aws:s3:::${Fn.join(`${suffix},arn:aws:s3:::`, names)}${suffix}`);

    const objects = arns('/*');
    const replication = new iam.Role(this, 'ReplicationRole', {
      roleName: ROLE_NAMES.replication,
      assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
      description: 'Air Gap Recover: S3 replicates protected buckets into the vault with this role',
      inlinePolicies: {
        replicate: new iam.PolicyDocument({
          statements: [
            ...replicationSourceReads(arns(''), objects),
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
      nag.wildcard(`Resource::${JSON.stringify(this.resolve(objects))}`),
      nag.wildcard(`Resource::arn:aws:s3:::${config.vault.bucketPrefix}-<AWS::AccountId>-*/*`),
      nag.wildcard(`Resource::arn:aws:kms:${vaultRegion}:${vault.vaultAccount}:key/*`),
      nag.wildcard('Resource::arn:aws:kms:*:<AWS::AccountId>:key/*'),
    );

    // Backfill on AWS: an S3 Batch Replication job over objects the live rule never saw. Batch Operations
    // assumes its own role (S3 replication's role is not trusted by it); the job generates its manifest from
    // the bucket and writes no report, so the role can start replication of the named buckets and nothing else.
    const batch = new iam.Role(this, 'BatchReplicationRole', {
      roleName: ROLE_NAMES.batchReplication,
      assumedBy: new iam.ServicePrincipal('batchoperations.s3.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      }),
      description:
        'Air Gap Recover: S3 Batch Replication backfills protected buckets into the vault with this role',
      inlinePolicies: {
        backfill: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'GenerateManifestFromReplicationRule',
              actions: ['s3:GetReplicationConfiguration', 's3:PutInventoryConfiguration'],
              resources: arns(''),
            }),
            new iam.PolicyStatement({
              sid: 'InitiateReplicationOfExistingObjects',
              actions: ['s3:InitiateReplication'],
              resources: objects,
            }),
          ],
        }),
      },
    });
    (batch.node.defaultChild as CfnResource).cfnOptions.condition = hasBuckets;
    acknowledge(
      batch,
      'Objects of the named source buckets only: the job may start their replication by the existing rule.',
      nag.wildcard(`Resource::${JSON.stringify(this.resolve(objects))}`),
    );

    if (config.paths.backup)
      new SourceBackupPlan(this, 'Backup', { config, bucketArns: arns(''), hasBuckets });
    new SnapshotSharerRole(this, 'SnapshotSharer', config);
    const auditRead = new AuditReadRole(this, 'AuditRead', {
      config,
      account: Aws.ACCOUNT_ID,
      reads: { backup: config.paths.backup },
    });
    // Apart, under the instance's condition: with no protected bucket the list would be no ARN at all.
    const bucketReads = new iam.Policy(this, 'AuditReadBuckets', {
      roles: [auditRead.role],
      statements: auditReadStatements(config, Aws.ACCOUNT_ID, { buckets: arns('') }),
    });
    (bucketReads.node.defaultChild as CfnResource).cfnOptions.condition = hasBuckets;
    if (config.paths.vault) new EfsReplicationRole(this, 'EfsReplication', config);
    new OperatorRole(this, 'Operator', {
      config,
      accountRole: 'workload',
      account: Aws.ACCOUNT_ID,
      buckets: arns,
      hasBuckets,
    });
  }
}
