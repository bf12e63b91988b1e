import type { Config } from '../../config/index.js';
import { RESOURCE_NAMES, ROLE_NAMES, TAGS } from '../../config/names.js';
import { humanAccessStatements } from './human-access.js';

/** AWS's limit on an SCP or RCP document, in characters. */
export const POLICY_SIZE_LIMIT = 5120;

export interface Guardrail {
  organization: 'source' | 'vault';
  kind: 'SCP' | 'RCP';
  name: string;
  description: string;
  document: PolicyDocument;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Statement[];
}

export interface Statement {
  Sid: string;
  Effect: 'Deny';
  Principal?: '*';
  Action?: string[];
  NotAction?: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/**
 * What destroys AWS Backup recovery points or their protection: deletion, a shorter lifecycle, the vault, its
 * lock, its access policy, its MPA team. Restores, copies and PutRestoreValidationResult stay allowed.
 */
const BACKUP_DESTRUCTIVE = [
  'backup:DeleteRecoveryPoint',
  'backup:UpdateRecoveryPointLifecycle',
  'backup:DisassociateRecoveryPoint*',
  'backup:DeleteBackupVault*',
  'backup:PutBackupVaultLockConfiguration',
  'backup:DisassociateBackupVaultMpaApprovalTeam',
];

const role = (name: string) => `arn:aws:iam::*:role/${name}`;

/** The roles StackSets deploy with in each account: self-managed, and service-managed (Organizations). */
export const STACKSET_EXECUTION_ROLES = [
  role('AWSCloudFormationStackSetExecutionRole'),
  role('stacksets-exec-*'),
];

/**
 * The guardrails of both organizations. Every exception is one named role (retention, break-glass, copier),
 * never a wildcard; AWS evaluates them before any identity or resource policy, the vault root included.
 */
export function guardrails(config: Config): Guardrail[] {
  const vaultBuckets = [
    `arn:aws:s3:::${config.vault.bucketPrefix}-*`,
    `arn:aws:s3:::${config.vault.bucketPrefix}-*/*`,
  ];
  const evidence = `arn:aws:s3:::${RESOURCE_NAMES.evidenceBucket(config)}`;
  const evidenceBucket = [evidence, `${evidence}/*`];
  const breakGlass = role(config.access.breakGlassRole);
  const vaultOrg = config.organizations.vault.id;
  const sourceOrg = config.organizations.source.id;
  const catalog = `arn:aws:dynamodb:*:*:table/${RESOURCE_NAMES.catalogTable(config)}`;
  const airGapRoles = [role(ROLE_NAMES.snapshotCopier), role(ROLE_NAMES.retention)];
  const operator = role(ROLE_NAMES.operator);
  // The restore account's own roles, by account: the restore role tags the copies it makes there, and the
  // operator's drill clean-up deletes the drill's; neither reaches a vault copy in the vault account.
  const restoreRole = `arn:aws:iam::${config.organizations.vault.restoreAccount}:role/${ROLE_NAMES.restore}`;
  const restoreOperator = `arn:aws:iam::${config.organizations.vault.restoreAccount}:role/${ROLE_NAMES.operator}`;
  const snapshots = [
    'arn:aws:ec2:*::snapshot/*',
    'arn:aws:rds:*:*:snapshot:*',
    'arn:aws:rds:*:*:cluster-snapshot:*',
  ];

  return [
    {
      organization: 'vault',
      kind: 'SCP',
      name: 'airgap-vault-data',
      description:
        'No deletion, retention change, policy change or replication change of vault buckets, EFS replicas or drill evidence; no change to Air Gap Recover roles and functions',
      document: doc([
        {
          Sid: 'DenyVaultObjectDeletionAndRetentionChange',
          Effect: 'Deny',
          Action: [
            's3:DeleteObject*',
            's3:PutObjectRetention',
            's3:PutObjectLegalHold',
            's3:BypassGovernanceRetention',
            's3:PutLifecycleConfiguration',
            's3:PutBucketObjectLockConfiguration',
          ],
          Resource: [...vaultBuckets, ...evidenceBucket],
        },
        {
          // Every write to a vault bucket arrives by replication from the source organization, so inside the
          // vault organization nothing but break-glass writes, deletes or reconfigures a vault bucket.
          Sid: 'DenyVaultBucketChangesExceptBreakGlass',
          Effect: 'Deny',
          Action: [
            's3:Delete*',
            's3:Put*',
            's3:Replicate*',
            's3:RestoreObject',
            's3:Update*',
            's3:Create*',
            's3:Associate*',
            's3:Dissociate*',
            's3:PauseReplication',
          ],
          Resource: vaultBuckets,
          Condition: { ArnNotLike: { 'aws:PrincipalArn': breakGlass } },
        },
        {
          // EFS replicas (the vault account's only file systems) are written by replication from the source
          // organization: inside the vault organization nothing but break-glass deletes one, stops its
          // replication or changes its protection. Not the restore account's: restores create file systems there.
          Sid: 'DenyEfsReplicaChangesExceptBreakGlass',
          Effect: 'Deny',
          Action: ['elasticfilesystem:Delete*', 'elasticfilesystem:Put*', 'elasticfilesystem:Update*'],
          Resource: `arn:aws:elasticfilesystem:*:${config.organizations.vault.vaultAccount}:file-system/*`,
          Condition: { ArnNotLike: { 'aws:PrincipalArn': breakGlass } },
        },
        {
          // The drill's evidence bucket takes new files (its bucket policy names the one role that adds them) and
          // nothing else: no other write, delete or reconfiguration inside the vault organization but break-glass.
          Sid: 'DenyEvidenceChangesExceptAddingFiles',
          Effect: 'Deny',
          NotAction: ['s3:PutObject', 's3:Get*', 's3:List*'],
          Resource: evidenceBucket,
          Condition: { ArnNotLike: { 'aws:PrincipalArn': breakGlass } },
        },
        {
          // Create too: the rules for people exempt service roles by name, so a role created with one of those
          // names would be a way around them.
          Sid: 'DenyChangingAirGapRolesAndFunctions',
          Effect: 'Deny',
          Action: [
            'iam:Create*',
            'iam:Delete*',
            'iam:Put*',
            'iam:Update*',
            'iam:Attach*',
            'iam:Detach*',
            'iam:Remove*',
            'lambda:Delete*',
            'lambda:Update*',
            'lambda:Put*',
            'lambda:Remove*',
            'lambda:Disable*',
            'states:Delete*',
            'states:Update*',
            'events:Delete*',
            'events:Disable*',
            'events:Remove*',
            'events:Put*',
            'events:Update*',
            'events:Deauthorize*',
          ],
          Resource: [
            'arn:aws:iam::*:role/AirGap*',
            `arn:aws:lambda:*:*:function:${config.name}-airgap-*`,
            `arn:aws:states:*:*:stateMachine:${config.name}-airgap-*`,
            `arn:aws:events:*:*:rule/${config.name}-airgap-*`,
            `arn:aws:events:*:*:event-bus/${RESOURCE_NAMES.eventBus(config)}`,
          ],
          Condition: { ArnNotLike: { 'aws:PrincipalArn': breakGlass } },
        },
      ]),
    },
    {
      organization: 'vault',
      kind: 'SCP',
      name: 'airgap-vault-recovery-points',
      description: 'Only the retention role deletes expired snapshot copies; nobody deletes vaults or locks',
      document: doc([
        {
          Sid: 'DenySnapshotDeletionExceptRetentionRole',
          Effect: 'Deny',
          Action: ['rds:Delete*', 'ec2:DeleteSnapshot'],
          Resource: snapshots,
          Condition: { ArnNotLike: { 'aws:PrincipalArn': [role(ROLE_NAMES.retention), restoreOperator] } },
        },
        {
          // The restore account's operator deletes only the drill's copies there (those its restores were made
          // from, tagged with the drill id at their creation): its drill clean-up.
          Sid: 'RestoreOperatorDeletesOnlyDrillCopies',
          Effect: 'Deny',
          Action: ['rds:Delete*', 'ec2:DeleteSnapshot'],
          Resource: snapshots,
          Condition: {
            ArnLike: { 'aws:PrincipalArn': restoreOperator },
            Null: { [`aws:ResourceTag/${TAGS.drill}`]: 'true' },
          },
        },
        {
          // Tags carry each copy's retain-until date, which the retention sweeper obeys: rewriting one (adding a tag
          // overwrites it) is shortening retention, so only the copier and the retention role tag snapshots. The
          // restore workflow's roles share a vault copy with the restore account and tag the restore account's copy,
          // and so does the restore account's restore role (RDS and EC2 authorize tagging on creation as tagging).
          Sid: 'DenySnapshotChangesExceptAirGapRoles',
          Effect: 'Deny',
          Action: [
            'ec2:Modify*',
            'ec2:Reset*',
            'ec2:Unlock*',
            'ec2:Disable*',
            'ec2:CreateTags',
            'ec2:DeleteTags',
            'ec2:Import*',
            'rds:Modify*',
            'rds:Stop*',
            'rds:AddTagsToResource',
            'rds:RemoveTagsFromResource',
          ],
          Resource: snapshots,
          Condition: {
            ArnNotLike: {
              'aws:PrincipalArn': [...airGapRoles, role(ROLE_NAMES.restoreWorkflow), restoreRole, operator],
            },
          },
        },
        {
          // The operator's one change to a copy: the restore's share with the restore account (its policy names that
          // account where EC2 has a condition key for it); and the restore account's operator deletes the drill's
          // copies there (bounded above). Anything else it would do to a copy is refused here.
          Sid: 'OperatorOnlySharesSnapshots',
          Effect: 'Deny',
          NotAction: [
            'rds:ModifyDBSnapshotAttribute',
            'rds:ModifyDBClusterSnapshotAttribute',
            'ec2:ModifySnapshotAttribute',
            'rds:Describe*',
            'rds:List*',
            'ec2:Describe*',
            'rds:DeleteDBSnapshot',
            'rds:DeleteDBClusterSnapshot',
            'ec2:DeleteSnapshot',
          ],
          Resource: snapshots,
          Condition: { ArnLike: { 'aws:PrincipalArn': operator } },
        },
        {
          // Vault Lock is the final word on recovery points; this keeps even break-glass from trying.
          Sid: 'DenyBackupVaultTampering',
          Effect: 'Deny',
          Action: BACKUP_DESTRUCTIVE,
          Resource: '*',
        },
        {
          // Who may copy in and restore is the vault access policy and the RAM share: changing either is break-glass.
          // So are the vault's sharing policy, its notifications (how anyone hears of a job), restore access granted
          // through MPA, and the recovery points' search index (the isolation proof found the air-gap account's
          // administrator could change them).
          Sid: 'DenyBackupAccessChangesExceptBreakGlass',
          Effect: 'Deny',
          Action: [
            'backup:PutBackupVaultAccessPolicy',
            'backup:PutBackupVaultSharingPolicy',
            'backup:PutBackupVaultNotifications',
            'backup:RevokeRestoreAccessBackupVault',
            'backup:UpdateRecoveryPointIndexSettings',
            'ram:DeleteResourceShare',
            'ram:DisassociateResourceShare',
            'ram:UpdateResourceShare',
          ],
          Resource: '*',
          Condition: { ArnNotLike: { 'aws:PrincipalArn': breakGlass } },
        },
        {
          Sid: 'DenyCatalogTampering',
          Effect: 'Deny',
          Action: [
            'dynamodb:Delete*',
            'dynamodb:Update*',
            'dynamodb:Put*',
            'dynamodb:Disable*',
            'dynamodb:BatchWriteItem',
            'dynamodb:Restore*',
            'dynamodb:Import*',
          ],
          Resource: [catalog, `${catalog}/*`],
          Condition: { ArnNotLike: { 'aws:PrincipalArn': airGapRoles } },
        },
      ]),
    },
    {
      organization: 'vault',
      kind: 'SCP',
      name: 'airgap-vault-keys',
      description:
        'No deletion, disabling, re-keying or policy change of vault keys; no imported key material',
      document: doc([
        {
          Sid: 'DenyKeyDestruction',
          Effect: 'Deny',
          Action: [
            'kms:ScheduleKeyDeletion',
            'kms:Disable*',
            'kms:Delete*',
            'kms:Import*',
            'kms:Revoke*',
            'kms:Retire*',
            'kms:Update*',
            'kms:Replicate*',
            'kms:Synchronize*',
          ],
          Resource: '*',
        },
        {
          Sid: 'DenyKeyPolicyChangeExceptBreakGlass',
          Effect: 'Deny',
          Action: ['kms:Put*'],
          Resource: '*',
          Condition: { ArnNotLike: { 'aws:PrincipalArn': breakGlass } },
        },
        {
          Sid: 'DenyKeyPolicyLockoutBypass',
          Effect: 'Deny',
          Action: ['kms:PutKeyPolicy', 'kms:CreateKey'],
          Resource: '*',
          Condition: { Bool: { 'kms:BypassPolicyLockoutSafetyCheck': 'true' } },
        },
        {
          Sid: 'DenyExternalKeyMaterial',
          Effect: 'Deny',
          Action: ['kms:CreateKey'],
          Resource: '*',
          Condition: { StringEquals: { 'kms:KeyOrigin': 'EXTERNAL' } },
        },
      ]),
    },
    {
      organization: 'vault',
      kind: 'SCP',
      name: 'airgap-vault-organization',
      description:
        'People need MFA and an allowed network; stay in the organization; keep CloudTrail, Config and GuardDuty on',
      // In this SCP rather than a fifth: a root holds at most five SCPs, FullAWSAccess being one.
      document: doc([
        ...humanAccessStatements(config),
        {
          Sid: 'DenyLeavingOrganization',
          Effect: 'Deny',
          Action: [
            'organizations:Leave*',
            'organizations:Delete*',
            'organizations:Detach*',
            'organizations:Disable*',
            'organizations:Remove*',
            'organizations:Update*',
            'organizations:Put*',
            'organizations:Deregister*',
            'organizations:Close*',
            'account:CloseAccount',
          ],
          Resource: '*',
        },
        {
          Sid: 'DenyTurningOffDetection',
          Effect: 'Deny',
          Action: [
            'cloudtrail:Delete*',
            'cloudtrail:Stop*',
            'cloudtrail:Update*',
            'cloudtrail:Put*',
            'cloudtrail:Remove*',
            'config:Delete*',
            'config:Stop*',
            'guardduty:Delete*',
            'guardduty:Disable*',
            'guardduty:Disassociate*',
            'guardduty:Update*',
            'guardduty:Stop*',
          ],
          Resource: '*',
          Condition: { ArnNotLike: { 'aws:PrincipalArn': breakGlass } },
        },
      ]),
    },
    {
      organization: 'vault',
      kind: 'RCP',
      name: 'airgap-vault-perimeter',
      description:
        'Vault buckets, keys and roles answer only to the vault organization, and to source replication roles for replication only',
      document: doc([
        {
          Sid: 'S3OnlyVaultOrgOrSourceReplication',
          Effect: 'Deny',
          Principal: '*',
          Action: ['s3:*'],
          Resource: vaultBuckets,
          Condition: {
            StringNotEqualsIfExists: { 'aws:PrincipalOrgID': [vaultOrg, sourceOrg] },
            BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
          },
        },
        {
          // RCPs take no NotAction: outside the vault organization, nothing deletes, rewrites or reconfigures.
          Sid: 'NoChangesFromOutsideVaultOrg',
          Effect: 'Deny',
          Principal: '*',
          Action: [
            's3:Delete*',
            's3:Put*',
            's3:Bypass*',
            's3:RestoreObject',
            's3:Update*',
            's3:Create*',
            's3:PauseReplication',
          ],
          Resource: vaultBuckets,
          Condition: {
            StringNotEqualsIfExists: { 'aws:PrincipalOrgID': vaultOrg },
            BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
          },
        },
        {
          Sid: 'SourceOrgOnlyThroughReplicationRole',
          Effect: 'Deny',
          Principal: '*',
          Action: ['s3:*'],
          Resource: vaultBuckets,
          Condition: {
            StringEquals: { 'aws:PrincipalOrgID': sourceOrg },
            ArnNotLike: { 'aws:PrincipalArn': role(ROLE_NAMES.replication) },
          },
        },
        {
          Sid: 'KmsOnlyVaultOrgBeyondReplicaEncryption',
          Effect: 'Deny',
          Principal: '*',
          Action: [
            'kms:Decrypt',
            'kms:ReEncrypt*',
            'kms:CreateGrant',
            'kms:Delete*',
            'kms:Disable*',
            'kms:Enable*',
            'kms:Put*',
            'kms:ScheduleKeyDeletion',
            'kms:CancelKeyDeletion',
            'kms:Update*',
            'kms:Import*',
            'kms:Revoke*',
            'kms:Retire*',
            'kms:Replicate*',
            'kms:Synchronize*',
            'kms:Rotate*',
            'kms:Derive*',
            'kms:Sign',
            'kms:GenerateMac',
            'kms:GenerateDataKeyPair*',
            'kms:GenerateDataKeyWithoutPlaintext',
            'kms:TagResource',
            'kms:UntagResource',
          ],
          Resource: '*',
          Condition: {
            StringNotEqualsIfExists: { 'aws:PrincipalOrgID': vaultOrg },
            BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
          },
        },
        {
          Sid: 'AssumeRoleOnlyFromVaultOrg',
          Effect: 'Deny',
          Principal: '*',
          Action: [
            'sts:AssumeRole',
            'sts:AssumeRoleWithWebIdentity',
            'sts:AssumeRoleWithSAML',
            'sts:TagSession',
          ],
          Resource: '*',
          Condition: {
            StringNotEqualsIfExists: { 'aws:PrincipalOrgID': vaultOrg },
            BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
          },
        },
      ]),
    },
    {
      organization: 'source',
      kind: 'SCP',
      name: 'airgap-source-protection',
      description:
        'Defence in depth in the source organization: keep replication, the share key and Air Gap Recover roles in place',
      document: doc([
        {
          Sid: 'DenyReplicationTamperingExceptBreakGlass',
          Effect: 'Deny',
          Action: ['s3:PutReplicationConfiguration', 's3:PutBucketVersioning'],
          Resource: '*',
          Condition: { ArnNotLike: { 'aws:PrincipalArn': breakGlass } },
        },
        ...(config.replication.blockSseCOnSource
          ? [
              {
                Sid: 'DenySseCWrites',
                Effect: 'Deny' as const,
                Action: ['s3:PutObject'],
                Resource: '*',
                Condition: { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } },
              },
            ]
          : []),
        {
          // AWS Backup path, first and second layers: recovery points leave only by lifecycle expiry.
          Sid: 'DenyBackupTamperingExceptBreakGlass',
          Effect: 'Deny',
          Action: [
            ...BACKUP_DESTRUCTIVE,
            'backup:PutBackupVaultAccessPolicy',
            'backup:DeleteBackupPlan',
            'backup:UpdateBackupPlan',
            'backup:DeleteBackupSelection',
          ],
          Resource: '*',
          Condition: { ArnNotLike: { 'aws:PrincipalArn': breakGlass } },
        },
        {
          // The operator hands the Batch Replication role to S3 Batch Operations (`s3 backfill`) and the EFS
          // replication role to EFS (`efs configure-replication`); only the vault organization's people (MFA) may
          // assume it.
          Sid: 'DenyChangingAirGapRoles',
          Effect: 'Deny',
          Action: ['iam:*'],
          Resource: ['arn:aws:iam::*:role/AirGap*'],
          Condition: {
            ArnNotLike: {
              'aws:PrincipalArn': [breakGlass, operator, ...STACKSET_EXECUTION_ROLES],
            },
          },
        },
        {
          // The operator's exemption above is for that pass only: whatever policy it is given, it changes no AirGap
          // role.
          Sid: 'OperatorOnlyPassesAirGapRoles',
          Effect: 'Deny',
          NotAction: ['iam:PassRole', 'iam:Get*', 'iam:List*'],
          Resource: ['arn:aws:iam::*:role/AirGap*'],
          Condition: { ArnLike: { 'aws:PrincipalArn': operator } },
        },
        {
          // The StackSet deploys (and updates) the source template's roles with its execution role, through
          // CloudFormation only: the role called directly is refused like everyone else. CloudFormation's calls as
          // that role are forward access sessions, which carry aws:CalledVia cloudformation.amazonaws.com:
          // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/fas-requests-and-permission-evaluation.html
          Sid: 'DenyStackSetRoleOutsideCloudFormation',
          Effect: 'Deny',
          Action: ['iam:*'],
          Resource: ['arn:aws:iam::*:role/AirGap*'],
          Condition: {
            ArnLike: { 'aws:PrincipalArn': STACKSET_EXECUTION_ROLES },
            'ForAllValues:StringNotEquals': { 'aws:CalledVia': ['cloudformation.amazonaws.com'] },
          },
        },
      ]),
    },
  ];
}

function doc(statements: Statement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

/** Minified size, as AWS counts it against POLICY_SIZE_LIMIT. */
export function policySize(document: PolicyDocument): number {
  return JSON.stringify(document).length;
}
