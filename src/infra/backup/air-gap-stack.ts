import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib/core';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ram from 'aws-cdk-lib/aws-ram';
import type { Construct } from 'constructs';
import { RESOURCE_NAMES, type Config } from '../../config/index.js';
import { AuditReadRole } from '../governance/audit-read-role.js';
import { OperatorRole } from '../operator/operator-role.js';
import { backupVaultAccessPolicy } from './vault-access-policy.js';

/**
 * The air-gap account (third layer): the logically air-gapped vault, always under a compliance Vault Lock. It is an
 * account of the SOURCE organization, because AWS Backup copies recovery points only between accounts of one
 * organization; what keeps it out of an attacker's reach is the vault itself (compliance lock, backups held in an
 * AWS Backup service-owned account, the access policy below), not the organization. It is shared with the restore
 * account of the vault organization through AWS RAM (which a logically air-gapped vault allows across
 * organizations), so restores never need the air-gap account's credentials; if that share is revoked, the
 * multi-party approval team of the vault organization grants the restore account access again.
 *
 * It keeps the AWS-owned key on purpose: with a customer managed key here, a restore through multi-party
 * approval after losing the air-gap account could not decrypt, and the key would be one more thing to ransom.
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/logicallyairgappedvault.html
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/multipartyapproval.html
 */
export class AirGapStack extends Stack {
  readonly vault: backup.CfnLogicallyAirGappedBackupVault;

  constructor(scope: Construct, id: string, config: Config, props: StackProps) {
    super(scope, id, props);
    const b = config.backup;
    new AuditReadRole(this, 'AuditRead', {
      config,
      account: config.organizations.source.airGapAccount!,
      reads: { backup: true },
    });
    new OperatorRole(this, 'Operator', {
      config,
      accountRole: 'air-gap',
      account: config.organizations.source.airGapAccount!,
    });
    this.vault = new backup.CfnLogicallyAirGappedBackupVault(this, 'AirGappedVault', {
      backupVaultName: RESOURCE_NAMES.airGapVault(config),
      minRetentionDays: b.airGapMinRetentionDays,
      maxRetentionDays: b.airGapMaxRetentionDays,
      accessPolicy: backupVaultAccessPolicy(
        config.organizations.source.workloadAccounts.map((a) => a.id),
      ).toJSON(),
      ...(b.mpaApprovalTeamArn ? { mpaApprovalTeamArn: b.mpaApprovalTeamArn } : {}),
    });
    this.vault.applyRemovalPolicy(RemovalPolicy.RETAIN);

    new ram.CfnResourceShare(this, 'ShareWithRestoreAccount', {
      name: `${RESOURCE_NAMES.airGapVault(config)}-restore`,
      resourceArns: [this.vault.attrBackupVaultArn],
      principals: [config.organizations.vault.restoreAccount],
      // The restore account is in the vault organization, outside this one: the share names it, and only it.
      allowExternalPrincipals: true,
    });
  }
}
