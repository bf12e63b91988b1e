import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib/core';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import {
  RESOURCE_NAMES,
  ROLE_NAMES,
  TAGS,
  type Config,
  type ProtectedFileSystem,
} from '../../config/index.js';
import { LockedBackupVault } from '../backup/locked-backup-vault.js';
import { acknowledge, nag } from '../nag-suppressions.js';

export interface EfsReplicasStackProps extends StackProps {
  config: Config;
  fileSystems: readonly ProtectedFileSystem[];
  /** The vault key of the vault region. */
  key: kms.IKey;
}

/**
 * AWS Backup runs a plan at most hourly: the schedule that keeps the newest recovery point of a replica within
 * the EFS RPO where it can (every N hours for an RPO of N hours, at least hourly, at most daily).
 */
export function replicaBackupSchedule(rpoMinutes: number): string {
  const hours = Math.min(24, Math.max(1, Math.floor(rpoMinutes / 60)));
  return hours === 24 ? 'cron(0 0 ? * * *)' : `cron(0 0/${hours} ? * * *)`;
}

/**
 * The vault side of EFS replication (vault account, vault region): one replica file system per protected
 * source file system, under the vault key, with replication overwrite protection off (AWS requires it of a
 * destination; the replica is then read-only, written only by replication) and a file system policy that lets
 * only the source account's replication role (and operator, who creates the configuration) replicate into it.
 *
 * A replica is a mirror: a deletion or a ransomware encryption in the source arrives here within minutes. What
 * survives the source is the replica's recovery points: AWS Backup backs every replica up on the EFS RPO into a
 * backup vault of this account under Vault Lock (compliance, retention = vault.retention.days) whose access
 * policy denies deleting them to everyone. The source account can at most stop replication, which leaves the
 * replica and its recovery points as they are and shows as a stale replica in `airgap status`.
 *
 * @see https://docs.aws.amazon.com/efs/latest/ug/cross-account-replication.html
 */
export class EfsReplicasStack extends Stack {
  readonly replicas: efs.CfnFileSystem[];

  constructor(scope: Construct, id: string, props: EfsReplicasStackProps) {
    super(scope, id, props);
    const { config, key } = props;
    this.replicas = props.fileSystems.map((fs) => {
      const replicator = (role: string) => `arn:aws:iam::${fs.account}:role/${role}`;
      const replica = new efs.CfnFileSystem(this, `Replica-${fs.account}-${fs.id}`, {
        encrypted: true,
        kmsKeyId: key.keyArn,
        fileSystemProtection: { replicationOverwriteProtection: 'DISABLED' },
        // AWS Backup of this replica is the plan below, into a locked vault; EFS automatic backups would land
        // in the default vault, which nothing locks.
        backupPolicy: { status: 'DISABLED' },
        fileSystemTags: [
          { key: 'Name', value: `airgap-replica-${fs.account}-${fs.id}` },
          { key: TAGS.sourceArn, value: fs.arn },
          { key: TAGS.sourceAccount, value: fs.account },
        ],
        fileSystemPolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              // The documented destination policy names the source account; the principal condition narrows it to
              // the roles that replicate (role ARNs as principals would have to exist before this stack deploys).
              Sid: 'SourceAccountReplicatesIntoItsReplicaOnly',
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${fs.account}:root` },
              Action: [
                'elasticfilesystem:DescribeFileSystems',
                'elasticfilesystem:CreateReplicationConfiguration',
                'elasticfilesystem:DescribeReplicationConfigurations',
                'elasticfilesystem:DeleteReplicationConfiguration',
                'elasticfilesystem:ReplicationWrite',
              ],
              Resource: '*',
              Condition: {
                ArnEquals: {
                  'aws:PrincipalArn': [
                    replicator(ROLE_NAMES.efsReplication),
                    replicator(ROLE_NAMES.operator),
                  ],
                },
              },
            },
          ],
        },
      });
      replica.applyRemovalPolicy(RemovalPolicy.RETAIN);
      return replica;
    });

    const retention = config.vault.retention.days;
    const vault = new LockedBackupVault(this, 'BackupVault', {
      config,
      name: RESOURCE_NAMES.efsReplicaBackupVault(config),
      copyFromAccounts: [],
      retention: {
        minRetentionDays: retention,
        maxRetentionDays: Math.max(retention, config.backup.vaultLock.maxRetentionDays),
      },
    });
    const role = new iam.Role(this, 'BackupRole', {
      roleName: ROLE_NAMES.vaultBackup,
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: 'Air Gap Recover: AWS Backup backs up the EFS replicas of the vault with this role',
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForBackup'),
      ],
    });
    // `airgap restore efs` copies a recovery point into the restore account's vault with this role.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'CopyIntoTheRestoreAccountsEfsVault',
        actions: ['backup:CopyIntoBackupVault'],
        resources: [
          `arn:aws:backup:${config.vault.region}:${config.organizations.vault.restoreAccount}:backup-vault:${RESOURCE_NAMES.efsRestoreBackupVault(config)}`,
        ],
      }),
    );
    acknowledge(
      role,
      'The AWS managed backup policy is the documented minimum for AWS Backup, and AWS keeps it current.',
      nag.managedPolicy('service-role/AWSBackupServiceRolePolicyForBackup'),
    );
    const plan = new backup.CfnBackupPlan(this, 'Plan', {
      backupPlan: {
        backupPlanName: RESOURCE_NAMES.efsReplicaBackupVault(config),
        backupPlanRule: [
          {
            ruleName: 'airgap-efs-replicas',
            targetBackupVault: vault.vault.backupVaultName,
            scheduleExpression: replicaBackupSchedule(config.rpoMinutes.efs),
            startWindowMinutes: 60,
            lifecycle: { deleteAfterDays: retention },
            recoveryPointTags: { 'airgap:deployment': config.name },
          },
        ],
      },
    });
    plan.addResourceDependency(vault.vault);
    new backup.CfnBackupSelection(this, 'Replicas', {
      backupPlanId: plan.attrBackupPlanId,
      backupSelection: {
        selectionName: 'airgap-efs-replicas',
        iamRoleArn: role.roleArn,
        resources: this.replicas.map((r) => r.attrArn),
      },
    });
  }
}
