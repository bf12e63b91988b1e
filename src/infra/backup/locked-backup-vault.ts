import { RemovalPolicy } from 'aws-cdk-lib/core';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { Config } from '../../config/index.js';
import { backupVaultAccessPolicy } from './vault-access-policy.js';

export interface LockedBackupVaultProps {
  config: Config;
  name: string;
  /** Accounts whose copy jobs may write into this vault. */
  copyFromAccounts: string[];
  /** Retention range of the lock; default: `backup.vaultLock`. */
  retention?: { minRetentionDays: number; maxRetentionDays: number };
}

/**
 * A standard backup vault under Vault Lock in compliance mode, with its own customer managed key and the
 * deny-deletion access policy. The lock is a CloudFormation property (LockConfiguration), so the proof and
 * `airgap backup status` read the same numbers.
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
 */
export class LockedBackupVault extends Construct {
  readonly vault: backup.CfnBackupVault;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: LockedBackupVaultProps) {
    super(scope, id);
    const lock = { ...props.config.backup.vaultLock, ...props.retention };
    this.key = new kms.Key(this, 'Key', {
      description: `Air Gap Recover: encrypts the recovery points of backup vault ${props.name}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vault = new backup.CfnBackupVault(this, 'Vault', {
      backupVaultName: props.name,
      encryptionKeyArn: this.key.keyArn,
      accessPolicy: backupVaultAccessPolicy(props.copyFromAccounts).toJSON(),
      lockConfiguration: {
        minRetentionDays: lock.minRetentionDays,
        maxRetentionDays: lock.maxRetentionDays,
        changeableForDays: lock.changeableForDays,
      },
    });
    this.vault.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }
}
