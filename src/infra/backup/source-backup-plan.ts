import {
  Aws,
  CfnCondition,
  CfnParameter,
  Fn,
  RemovalPolicy,
  type ICfnConditionExpression,
} from 'aws-cdk-lib/core';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  BACKUP_TAG_SLOTS,
  BACKUP_TAGS_PER_SLOT,
  backupTargets,
  backupVaults,
  RESOURCE_NAMES,
  ROLE_NAMES,
  type Config,
  type Service,
} from '../../config/index.js';
import { acknowledge } from '../nag-suppressions.js';
import { BackupAudit } from './backup-audit.js';
import { LockedBackupVault } from './locked-backup-vault.js';
import { backupVaultAccessPolicy } from './vault-access-policy.js';

/** Template parameter with the ARNs of the resources an account protects by name or ARN. */
export const BACKUP_RESOURCES_PARAMETER = 'BackupResources';
/** Template parameters of the tag selections, one per slot: `BackupTagSelection1` ... */
export const backupTagParameter = (slot: number) => `BackupTagSelection${slot}`;

/** Every resource of a service, for tag selections (AWS Backup then filters by the tag conditions). */
const ALL_OF: Record<Service, string> = {
  s3: 'arn:aws:s3:::*',
  rds: 'arn:aws:rds:*:*:db:*',
  aurora: 'arn:aws:rds:*:*:cluster:*',
  ebs: 'arn:aws:ec2:*:*:volume/*',
  efs: 'arn:aws:elasticfilesystem:*:*:file-system/*',
  fsx: 'arn:aws:fsx:*:*:file-system/*',
};

/**
 * StackSet instance parameters of one workload account: its named resources, and each tag selection as
 * `<resource pattern>,<key>,<value>,...` with exactly BACKUP_TAGS_PER_SLOT pairs (a shorter tag set repeats
 * its first pair: the same condition twice selects the same resources). Unused slots are empty.
 */
export function backupPlanParameters(config: Config, account: string): Record<string, string> {
  const mine = backupTargets(config).filter((t) => t.account === account);
  const out: Record<string, string> = {
    [BACKUP_RESOURCES_PARAMETER]: mine.flatMap((t) => (t.arn ? [t.arn] : [])).join(','),
  };
  const tagged = mine.filter((t) => t.tags);
  for (let slot = 1; slot <= BACKUP_TAG_SLOTS; slot++) {
    const t = tagged[slot - 1];
    const pairs = Object.entries(t?.tags ?? {});
    const padded = Array.from({ length: BACKUP_TAGS_PER_SLOT }, (_, i) => pairs[i] ?? pairs[0]);
    out[backupTagParameter(slot)] = t ? [ALL_OF[t.service], ...padded.flat()].join(',') : '';
  }
  return out;
}

export interface SourceBackupPlanProps {
  config: Config;
  /** ARNs of this account's protected buckets (the source template's ProtectedBuckets parameter). */
  bucketArns: string[];
  hasBuckets: CfnCondition;
}

/**
 * The AWS Backup path in a workload account (seed 001), in the workload StackSet template: the local vault,
 * the service role, and a plan whose rule backs up into the local vault (logically air-gapped itself with
 * backup.primaryToAirGap) and copies to the backup account's vault and the air-gapped vault. What it selects
 * comes from StackSet instance parameters, so the template holds no workload account id and stays the same
 * however many accounts there are.
 */
export class SourceBackupPlan extends Construct {
  constructor(scope: Construct, id: string, props: SourceBackupPlanProps) {
    super(scope, id);
    const { config } = props;
    const b = config.backup;
    // The layout is the same in every workload account; only the account id in the local vault ARN differs.
    const [local, ...copies] = backupVaults(config, Aws.ACCOUNT_ID);
    const localVault = b.primaryToAirGap
      ? new backup.CfnLogicallyAirGappedBackupVault(this, 'LocalAirGappedVault', {
          backupVaultName: local!.name,
          minRetentionDays: b.airGapMinRetentionDays,
          maxRetentionDays: b.airGapMaxRetentionDays,
          accessPolicy: backupVaultAccessPolicy([]).toJSON(),
        })
      : new LockedBackupVault(this, 'LocalVault', { config, name: local!.name, copyFromAccounts: [] }).vault;
    localVault.applyRemovalPolicy(RemovalPolicy.RETAIN);

    const role = new iam.Role(this, 'ServiceRole', {
      roleName: ROLE_NAMES.backupService,
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: 'Air Gap Recover: AWS Backup backs up and copies protected resources with this role',
      managedPolicies: [
        'service-role/AWSBackupServiceRolePolicyForBackup',
        'AWSBackupServiceRolePolicyForS3Backup',
      ].map((n) => iam.ManagedPolicy.fromAwsManagedPolicyName(n)),
    });
    acknowledge(
      role,
      'The AWS managed backup policies are the documented minimum for AWS Backup across resource types, and AWS keeps them current.',
      'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup]',
    );

    const plan = new backup.CfnBackupPlan(this, 'Plan', {
      backupPlan: {
        backupPlanName: RESOURCE_NAMES.backupPlan(config),
        backupPlanRule: [
          {
            ruleName: 'airgap-daily',
            targetBackupVault: local!.name,
            scheduleExpression: b.schedule,
            lifecycle: { deleteAfterDays: b.primaryToAirGap ? b.airGapRetentionDays : b.localRetentionDays },
            copyActions: copies.map((l) => ({
              destinationBackupVaultArn: l.arn,
              lifecycle: {
                deleteAfterDays:
                  l.layer === 'air-gapped' ? b.airGapRetentionDays : b.backupAccountRetentionDays,
              },
            })),
            recoveryPointTags: { 'airgap:deployment': config.name },
          },
        ],
      },
    });
    plan.addResourceDependency(localVault);

    const named = new CfnParameter(scope, BACKUP_RESOURCES_PARAMETER, {
      type: 'CommaDelimitedList',
      default: '',
      description:
        'ARNs of the resources this account protects on the AWS Backup path (from airgap-manifest.json)',
    }).valueAsList;
    const hasNamed = new CfnCondition(this, 'HasBackupResources', {
      expression: Fn.conditionNot(Fn.conditionEquals(Fn.join(',', named), '')),
    });
    const slots = Array.from({ length: BACKUP_TAG_SLOTS }, (_, i) => {
      const value = new CfnParameter(scope, backupTagParameter(i + 1), {
        type: 'CommaDelimitedList',
        default: '',
        description: `Tag selection ${i + 1} of this account: resource pattern, then ${BACKUP_TAGS_PER_SLOT} key,value pairs (from airgap-manifest.json); empty for none`,
      }).valueAsList;
      return { slot: i + 1, value, pattern: Fn.select(0, value) };
    });

    const select = (
      forPlan: backup.CfnBackupPlan,
      id: string,
      name: string,
      resources: string[],
      hasResources: CfnCondition,
      slotCondition: (pattern: string) => ICfnConditionExpression,
    ) => {
      const byArn = new backup.CfnBackupSelection(this, `${id}Named`, {
        backupPlanId: forPlan.attrBackupPlanId,
        backupSelection: { selectionName: `${name}-named`, iamRoleArn: role.roleArn, resources },
      });
      byArn.cfnOptions.condition = hasResources;
      for (const { slot, value, pattern } of slots) {
        const tagged = new backup.CfnBackupSelection(this, `${id}Tags${slot}`, {
          backupPlanId: forPlan.attrBackupPlanId,
          backupSelection: {
            selectionName: `${name}-tags-${slot}`,
            iamRoleArn: role.roleArn,
            resources: [pattern],
            conditions: {
              StringEquals: Array.from({ length: BACKUP_TAGS_PER_SLOT }, (_, i) => ({
                ConditionKey: Fn.join('', ['aws:ResourceTag/', Fn.select(1 + 2 * i, value)]),
                ConditionValue: Fn.select(2 + 2 * i, value),
              })),
            },
          },
        });
        tagged.cfnOptions.condition = new CfnCondition(this, `${id}HasTags${slot}`, {
          expression: slotCondition(pattern),
        });
      }
    };
    const reportsAccount = config.organizations.source.backupAccount;
    new BackupAudit(this, 'Audit', {
      config,
      layer: 'workload',
      reportBucket: reportsAccount && RESOURCE_NAMES.backupReportsBucket(config, reportsAccount),
    });

    const slotUsed = (pattern: string) => Fn.conditionNot(Fn.conditionEquals(pattern, ''));
    select(plan, 'Main', 'airgap', named, hasNamed, slotUsed);

    if (b.continuousS3) {
      // Continuous backup is for S3 only here: its own plan, so Aurora keeps daily snapshots.
      const continuous = new backup.CfnBackupPlan(this, 'ContinuousS3Plan', {
        backupPlan: {
          backupPlanName: `${RESOURCE_NAMES.backupPlan(config)}-s3-continuous`,
          backupPlanRule: [
            {
              ruleName: 'airgap-s3-continuous',
              targetBackupVault: local!.name,
              scheduleExpression: b.schedule,
              enableContinuousBackup: true,
              lifecycle: { deleteAfterDays: b.localRetentionDays },
              recoveryPointTags: { 'airgap:deployment': config.name },
            },
          ],
        },
      });
      continuous.addResourceDependency(localVault);
      select(continuous, 'ContinuousS3', 'airgap-s3', props.bucketArns, props.hasBuckets, (pattern) =>
        Fn.conditionEquals(pattern, ALL_OF.s3),
      );
    }
  }
}
