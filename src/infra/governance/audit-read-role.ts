import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { RESOURCE_NAMES, ROLE_NAMES, vaultKeyRegions, type Config } from '../../config/index.js';
import { acknowledge, nag } from '../nag-suppressions.js';

/** What the drift audit reads in one account (src/audit/readers.ts), each a read-only set of calls. */
export interface AuditReads {
  /** Replication, lifecycle and encryption configuration of these buckets (ARNs; may be CloudFormation lists). */
  buckets?: string[];
  /** CloudTrail, Config and GuardDuty status (vault-organization accounts). */
  logging?: boolean;
  /** The buckets the account owns: the log archive's, where the trail and Config deliver (see `LOG_DELIVERY`). */
  logDelivery?: boolean;
  /** AWS Backup vaults, recovery points, plans, selections and restore jobs. */
  backup?: boolean;
  /** The vault organization's SCPs and RCPs and their targets (its management account). */
  organizations?: boolean;
  /** The restore role and the restore key (the restore account). */
  restore?: boolean;
}

/** The read-only calls of each kind of read: the one list the vault function and the read roles share. */
export const AUDIT_READ_ACTIONS = {
  logging: [
    'cloudtrail:DescribeTrails',
    'cloudtrail:GetTrailStatus',
    'config:DescribeConfigurationRecorderStatus',
    'config:DescribeDeliveryChannels',
    'guardduty:ListDetectors',
    'guardduty:GetDetector',
  ],
  logDelivery: ['s3:ListAllMyBuckets'],
  backup: [
    'backup:ListBackupVaults',
    'backup:GetBackupVaultAccessPolicy',
    'backup:ListRecoveryPointsByBackupVault',
    'backup:ListBackupPlans',
    'backup:GetBackupPlan',
    'backup:ListBackupSelections',
    'backup:GetBackupSelection',
    'backup:ListRestoreJobs',
  ],
  /** Of each key it holds to its template (src/audit/readers.ts `readKey`): state, policy, rotation. */
  key: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus'],
  organizations: [
    'organizations:ListRoots',
    'organizations:ListPolicies',
    'organizations:DescribePolicy',
    'organizations:ListTargetsForPolicy',
  ],
} as const;

/** The restore account's keys: one in each region where the vault holds snapshot copies. */
const restoreKeys = (config: Config, account: string) =>
  vaultKeyRegions(config).map((region) => `arn:aws:kms:${region}:${account}:key/*`);

/** The statements of `reads`, scoped to `account` where the calls allow it. */
export function auditReadStatements(
  config: Config,
  account: string,
  reads: AuditReads,
): iam.PolicyStatement[] {
  const out: iam.PolicyStatement[] = [];
  const unscoped = (sid: string, actions: readonly string[]) =>
    out.push(new iam.PolicyStatement({ sid, actions: [...actions], resources: ['*'] }));
  if (reads.buckets)
    out.push(
      new iam.PolicyStatement({
        sid: 'ReadProtectedBucketConfiguration',
        actions: [
          's3:GetReplicationConfiguration',
          's3:GetLifecycleConfiguration',
          's3:GetEncryptionConfiguration',
        ],
        resources: reads.buckets,
      }),
    );
  if (reads.logging) unscoped('ReadLoggingStatus', AUDIT_READ_ACTIONS.logging);
  if (reads.logDelivery) unscoped('ListLogArchiveBuckets', AUDIT_READ_ACTIONS.logDelivery);
  if (reads.backup) unscoped('ReadBackupState', AUDIT_READ_ACTIONS.backup);
  if (reads.organizations) unscoped('ReadGuardrailPolicies', AUDIT_READ_ACTIONS.organizations);
  if (reads.restore) {
    out.push(
      new iam.PolicyStatement({
        sid: 'ReadRestoreRole',
        actions: ['iam:GetRole', 'iam:ListRolePolicies', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies'],
        resources: [`arn:aws:iam::${account}:role/${ROLE_NAMES.restore}`],
      }),
      new iam.PolicyStatement({
        sid: 'ReadRestoreKey',
        actions: [...AUDIT_READ_ACTIONS.key],
        resources: restoreKeys(config, account),
        conditions: {
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': RESOURCE_NAMES.restoreKeyAlias(config) },
        },
      }),
    );
  }
  return out;
}

/**
 * `AirGapAuditor` in an account the scheduled audit reads: read-only, trusted by the vault account's
 * `AirGapAuditor` (the audit function's role) and by nothing else. The trust names the vault account and the
 * caller's role ARN rather than the role as principal, so this stack deploys before or after the vault stack.
 */
export class AuditReadRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: { config: Config; account: string; reads: AuditReads }) {
    super(scope, id);
    const { config, account, reads } = props;
    const vault = config.organizations.vault.vaultAccount;
    const statements = auditReadStatements(config, account, reads);
    this.role = new iam.Role(this, 'Role', {
      roleName: ROLE_NAMES.auditor,
      assumedBy: new iam.AccountPrincipal(vault).withConditions({
        ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${vault}:role/${ROLE_NAMES.auditor}` },
      }),
      description: "Air Gap Recover: the vault's scheduled drift audit reads this account's configuration",
      ...(statements.length > 0 ? { inlinePolicies: { read: new iam.PolicyDocument({ statements }) } } : {}),
    });
    if (reads.logging || reads.logDelivery || reads.backup || reads.organizations)
      acknowledge(
        this.role,
        'CloudTrail, Config, GuardDuty, AWS Backup, Organizations and S3 bucket list and describe calls are read-only and list what they audit.',
        nag.wildcard('Resource::*'),
      );
    if (reads.restore)
      acknowledge(
        this.role,
        'Only the keys carrying the restore key alias, one per region of the vault copies.',
        ...restoreKeys(config, account).map((k) => nag.wildcard(`Resource::${k}`)),
      );
  }
}
