import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { backupRegion, ROLE_NAMES, type Config } from '../../config/index.js';
import { RESTORE_BUCKET_PREFIX } from '../restore/restore-stack.js';
import { acknowledge, nag } from '../nag-suppressions.js';
import { RestoreTesting } from './restore-testing.js';

/**
 * What the restore account needs for the AWS Backup path: a service role AWS Backup assumes to create the
 * restored resources, and the restore role's right to start restores from the RAM-shared air-gapped vault
 * and pass that service role (and nothing else).
 */
export class BackupRestoreAccess extends Construct {
  /** The role AWS Backup restores with (also for `airgap restore efs`). */
  readonly serviceRole: iam.Role;

  constructor(
    scope: Construct,
    id: string,
    props: { config: Config; restoreRole: iam.Role; restoreKey: kms.Key },
  ) {
    super(scope, id);
    const { config, restoreRole } = props;
    this.serviceRole = new iam.Role(this, 'ServiceRole', {
      roleName: ROLE_NAMES.backupRestoreService,
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description:
        'Air Gap Recover: AWS Backup creates restored resources in the restore account with this role',
      managedPolicies: [
        'service-role/AWSBackupServiceRolePolicyForRestores',
        'AWSBackupServiceRolePolicyForS3Restore',
      ].map((n) => iam.ManagedPolicy.fromAwsManagedPolicyName(n)),
      inlinePolicies: {
        versionedRestore: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              // Seed 001: restoring into a versioned bucket needs delete permissions, only on new restore buckets.
              sid: 'VersionedS3RestoreDeletes',
              actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
              resources: [`arn:aws:s3:::${RESTORE_BUCKET_PREFIX}*/*`],
            }),
          ],
        }),
      },
    });
    const service = this.serviceRole;
    const vaultRegions = [...new Set([config.vault.region, backupRegion(config)])];
    restoreRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'RestoreFromSharedAirGappedVault',
        actions: [
          'backup:StartRestoreJob',
          'backup:DescribeRestoreJob',
          'backup:GetRecoveryPointRestoreMetadata',
          'backup:DescribeRecoveryPoint',
          'backup:ListRecoveryPointsByBackupVault',
          'backup:DescribeBackupVault',
          'backup:ListBackupVaults',
          'backup:ListRestoreJobs',
        ],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:RequestedRegion': vaultRegions } },
      }),
    );
    restoreRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PassOnlyTheBackupRestoreServiceRole',
        actions: ['iam:PassRole'],
        resources: [service.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'backup.amazonaws.com' } },
      }),
    );
    acknowledge(
      service,
      'AWS managed restore policies are the documented minimum for AWS Backup restores of every resource type; the extra delete is bounded to restore buckets.',
      'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores]',
      'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore]',
      nag.wildcard(`Resource::arn:aws:s3:::${RESTORE_BUCKET_PREFIX}*/*`),
    );
    acknowledge(
      restoreRole,
      'Recovery points of the RAM-shared air-gapped vault have no ARN before they exist; bounded to the vault regions. Restored resources are created by the service role, not by this role.',
      nag.wildcard('Resource::*'),
    );
    if (config.backup.restoreTesting && config.backup.airGappedVault)
      new RestoreTesting(this, 'RestoreTesting', {
        config,
        serviceRoleArn: service.roleArn,
        logKey: props.restoreKey,
      });
  }
}
