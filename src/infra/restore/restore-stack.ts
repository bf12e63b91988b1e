import { Stack, type StackProps } from 'aws-cdk-lib/core';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { BackupRestoreAccess } from '../backup/backup-restore-access.js';
import { AccountBaseline } from '../governance/account-baseline.js';
import { AuditReadRole } from '../governance/audit-read-role.js';
import { OperatorRole } from '../operator/operator-role.js';
import { acknowledge, nag } from '../nag-suppressions.js';
import { RestoreFlowRole } from './restore-flow-role.js';
import { DRILL_NAME_PREFIX } from '../../drill/prefix.js';
import {
  protectedFileSystems,
  RESOURCE_NAMES,
  ROLE_NAMES,
  vaultKeyRegions,
  type Config,
} from '../../config/index.js';
import { EfsRestoreVault } from './efs-restore-vault.js';
import { restoreKey } from './restore-key.js';

/** Restores prefix; the restore role may create and write only buckets of this name. */
export const RESTORE_BUCKET_PREFIX = 'airgap-restore-';

/**
 * The restore account: a clean account that restores land in, never the production one. The restore role
 * reads the vault (the vault bucket and key policies name it) and writes only restore targets. Deployed in the
 * vault region: the roles (global), that region's restore key and the EFS restore vault; every other region where
 * the vault holds snapshot copies gets a `RestoreKeyStack`, and the restore role's snapshot grants name each one.
 */
export class RestoreStack extends Stack {
  constructor(scope: Construct, id: string, config: Config, props: StackProps) {
    super(scope, id, props);
    const vault = config.organizations.vault;
    new AccountBaseline(this, 'Baseline', { config });
    new AuditReadRole(this, 'AuditRead', {
      config,
      account: vault.restoreAccount,
      reads: { logging: true, restore: true, backup: config.paths.backup },
    });
    new OperatorRole(this, 'Operator', { config, accountRole: 'restore', account: vault.restoreAccount });
    const key = restoreKey(this, 'RestoreKey', config);
    // Where a vault copy may be, and so restored: a copy stays in its source region, under that region's vault key.
    const regions = vaultKeyRegions(config);
    const inRegions = { 'aws:RequestedRegion': oneOrMany(regions) };
    const vaultKeys = regions.map((r) => `arn:aws:kms:${r}:${vault.vaultAccount}:key/*`);
    const otherRestoreKeys = regions
      .filter((r) => r !== config.vault.region)
      .map((r) => `arn:aws:kms:${r}:${vault.restoreAccount}:key/*`);
    const useRestoreKey = [
      'kms:Encrypt',
      'kms:Decrypt',
      'kms:ReEncrypt*',
      'kms:GenerateDataKey*',
      'kms:CreateGrant',
      'kms:DescribeKey',
    ];
    const role = new iam.Role(this, 'RestoreRole', {
      roleName: ROLE_NAMES.restore,
      assumedBy: new iam.AccountRootPrincipal().withConditions({
        Bool: { 'aws:MultiFactorAuthPresent': 'true' },
      }),
      description: 'Air Gap Recover: restores vault data into this account',
      inlinePolicies: {
        restore: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'ReadVaultVersions',
              actions: [
                's3:GetObject',
                's3:GetObjectVersion',
                's3:GetObjectVersionTagging',
                's3:ListBucket',
                's3:ListBucketVersions',
              ],
              resources: [
                `arn:aws:s3:::${config.vault.bucketPrefix}-*`,
                `arn:aws:s3:::${config.vault.bucketPrefix}-*/*`,
              ],
            }),
            new iam.PolicyStatement({
              // No delete permission (the versioning nuance of seed 001): AWS Backup's S3 restore into a versioned
              // bucket needs s3:DeleteObject* to put a key back into its earlier state, because it restores into a
              // bucket that already holds newer versions. `airgap restore s3` writes the state at T into a new
              // versioned bucket instead: keys deleted before T are simply not written, a failed or repeated copy
              // adds a version, and a target holding other keys is refused (or left as it is with --force). So the
              // role can neither delete restored data nor be used to delete anything, even in its own targets.
              sid: 'WriteRestoreTargets',
              actions: [
                's3:CreateBucket',
                's3:PutBucketVersioning',
                's3:PutBucketPublicAccessBlock',
                's3:PutEncryptionConfiguration',
                's3:ListBucket',
                's3:ListBucketVersions',
                's3:GetObject',
                's3:GetObjectVersion',
                's3:PutObject',
                's3:PutObjectTagging',
              ],
              // And the drill's own restore targets (`airgap-drill-…`), which the operator may delete: a name no
              // real restore takes, so nothing restored for real is within the operator's reach.
              resources: [
                `arn:aws:s3:::${RESTORE_BUCKET_PREFIX}*`,
                `arn:aws:s3:::${RESTORE_BUCKET_PREFIX}*/*`,
                `arn:aws:s3:::${DRILL_NAME_PREFIX}*`,
                `arn:aws:s3:::${DRILL_NAME_PREFIX}*/*`,
              ],
            }),
            new iam.PolicyStatement({
              sid: 'RestoreSnapshotsIntoThisAccount',
              actions: [
                'rds:CopyDBSnapshot',
                'rds:CopyDBClusterSnapshot',
                'rds:RestoreDBInstanceFromDBSnapshot',
                'rds:RestoreDBClusterFromSnapshot',
                'rds:CreateDBInstance',
                'rds:AddTagsToResource',
                'rds:Describe*',
                'ec2:CopySnapshot',
                'ec2:CreateVolume',
                'ec2:DescribeSnapshots',
                'ec2:DescribeVolumes',
              ],
              resources: ['*'],
              conditions: { StringEquals: inRegions },
            }),
            new iam.PolicyStatement({
              // Tags only on what it creates, as it creates it: no one can give a restored volume the drill's
              // tag afterwards, and so bring it within the reach of the operator's drill clean-up.
              sid: 'TagWhatItCreatesOnly',
              actions: ['ec2:CreateTags'],
              resources: ['*'],
              conditions: {
                StringEquals: {
                  ...inRegions,
                  'ec2:CreateAction': ['CopySnapshot', 'CreateVolume'],
                },
              },
            }),
            new iam.PolicyStatement({
              sid: 'UseRestoreKey',
              actions: useRestoreKey,
              resources: [key.keyArn],
            }),
            ...(otherRestoreKeys.length === 0
              ? []
              : [
                  new iam.PolicyStatement({
                    // The other regions' restore keys live in their own stacks (`RestoreKeyStack`): named by
                    // account, region and the restore alias, which no other key of this account carries.
                    sid: 'UseRegionalRestoreKeys',
                    actions: useRestoreKey,
                    resources: otherRestoreKeys,
                    conditions: {
                      'ForAnyValue:StringEquals': {
                        'kms:ResourceAliases': RESOURCE_NAMES.restoreKeyAlias(config),
                      },
                    },
                  }),
                ]),
            new iam.PolicyStatement({
              sid: 'DecryptVaultCopiesThroughServices',
              actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:CreateGrant'],
              resources: vaultKeys,
              conditions: {
                StringLike: {
                  'kms:ViaService': ['s3.*.amazonaws.com', 'rds.*.amazonaws.com', 'ec2.*.amazonaws.com'],
                },
              },
            }),
          ],
        }),
      },
    });
    acknowledge(
      role,
      'Vault buckets by prefix (read only); restore targets (and the drill’s) by prefix; snapshot and volume ids do not exist before the restore, so RDS/EC2 actions are bounded by the regions of the vault copies; the vault keys only through S3, RDS and EC2; the other regions’ restore keys by the restore alias.',
      nag.wildcard(`Resource::arn:aws:s3:::${config.vault.bucketPrefix}-*`),
      nag.wildcard(`Resource::arn:aws:s3:::${config.vault.bucketPrefix}-*/*`),
      nag.wildcard(`Resource::arn:aws:s3:::${RESTORE_BUCKET_PREFIX}*`),
      nag.wildcard(`Resource::arn:aws:s3:::${RESTORE_BUCKET_PREFIX}*/*`),
      nag.wildcard(`Resource::arn:aws:s3:::${DRILL_NAME_PREFIX}*`),
      nag.wildcard(`Resource::arn:aws:s3:::${DRILL_NAME_PREFIX}*/*`),
      nag.wildcard('Action::rds:Describe*'),
      nag.wildcard('Resource::*'),
      nag.wildcard('Action::kms:ReEncrypt*'),
      nag.wildcard('Action::kms:GenerateDataKey*'),
      ...[...vaultKeys, ...otherRestoreKeys].map((k) => nag.wildcard(`Resource::${k}`)),
    );
    new RestoreFlowRole(this, 'RestoreFlow', { config, restoreKey: key });
    const backupRestore = config.paths.backup
      ? new BackupRestoreAccess(this, 'BackupRestore', { config, restoreRole: role, restoreKey: key })
      : undefined;
    if (protectedFileSystems(config).length > 0)
      new EfsRestoreVault(this, 'EfsRestore', {
        config,
        restoreKey: key,
        serviceRole: backupRestore?.serviceRole,
      });
  }
}

/** A one-element list as its element, so a single-region template reads as before the regions were lists. */
function oneOrMany(values: string[]): string | string[] {
  return values.length === 1 ? values[0]! : values;
}
