import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The access policy of every Air Gap Recover backup vault. Recovery points leave a vault only by lifecycle
 * expiry (AWS Backup itself, not an IAM principal), so no principal of any account, root included, may
 * delete one, shorten its lifecycle, delete the vault, remove its lock or drop this policy. Copies come
 * in only from the named accounts. Vault Lock is the final word; this policy closes the grace time.
 */
export function backupVaultAccessPolicy(copyFromAccounts: string[]): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'DenyRecoveryPointDeletionAndLockRemoval',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: [
          'backup:DeleteRecoveryPoint',
          'backup:UpdateRecoveryPointLifecycle',
          'backup:DeleteBackupVault',
          'backup:DeleteBackupVaultLockConfiguration',
          'backup:DeleteBackupVaultAccessPolicy',
          'backup:DisassociateRecoveryPoint',
        ],
        resources: ['*'],
      }),
      ...(copyFromAccounts.length
        ? [
            new iam.PolicyStatement({
              sid: 'AllowCopyInFromNamedAccounts',
              principals: copyFromAccounts.map((a) => new iam.ArnPrincipal(`arn:aws:iam::${a}:root`)),
              actions: ['backup:CopyIntoBackupVault'],
              resources: ['*'],
            }),
          ]
        : []),
      new iam.PolicyStatement({
        sid: 'DenyCopyInFromAnyOtherAccount',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['backup:CopyIntoBackupVault'],
        resources: ['*'],
        // With no named account, nobody copies in: the vault receives its own account's backups only.
        ...(copyFromAccounts.length
          ? { conditions: { StringNotEquals: { 'aws:PrincipalAccount': copyFromAccounts } } }
          : {}),
      }),
    ],
  });
}
