import { RemovalPolicy } from 'aws-cdk-lib/core';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { RESOURCE_NAMES, ROLE_NAMES, type Config } from '../../config/index.js';
import { backupVaultAccessPolicy } from '../backup/vault-access-policy.js';
import { acknowledge, nag } from '../nag-suppressions.js';

/**
 * The restore account's side of `airgap restore efs`: AWS Backup restores a recovery point only in the account
 * that holds it, so the vault account copies the chosen recovery point of a replica into this backup vault
 * (under the restore key; copies come in from the vault account only, and nobody deletes one: each expires by
 * the lifecycle the copy job sets), and AWS Backup restores it into a new file system with the service role.
 * With the AWS Backup path on, its restore service role is reused.
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html
 */
export class EfsRestoreVault extends Construct {
  readonly vault: backup.CfnBackupVault;

  constructor(
    scope: Construct,
    id: string,
    props: { config: Config; restoreKey: kms.IKey; serviceRole: iam.IRole | undefined },
  ) {
    super(scope, id);
    const { config } = props;
    this.vault = new backup.CfnBackupVault(this, 'Vault', {
      backupVaultName: RESOURCE_NAMES.efsRestoreBackupVault(config),
      encryptionKeyArn: props.restoreKey.keyArn,
      accessPolicy: backupVaultAccessPolicy([config.organizations.vault.vaultAccount]).toJSON(),
    });
    this.vault.applyRemovalPolicy(RemovalPolicy.RETAIN);
    if (props.serviceRole) return;
    const role = new iam.Role(this, 'ServiceRole', {
      roleName: ROLE_NAMES.backupRestoreService,
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description:
        'Air Gap Recover: AWS Backup restores EFS file systems in the restore account with this role',
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForRestores'),
      ],
    });
    acknowledge(
      role,
      'The AWS managed restore policy is the documented minimum for AWS Backup restores, and AWS keeps it current.',
      nag.managedPolicy('service-role/AWSBackupServiceRolePolicyForRestores'),
    );
  }
}
