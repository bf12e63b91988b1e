import { RESOURCE_NAMES, ROLE_NAMES, type Config } from '../../config/index.js';

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

const role = (name: string) => `arn:aws:iam::*:role/${name}`;

/**
 * The guardrails of both organizations. Every exception is one named role (retention, break-glass, copier),
 * never a wildcard; AWS evaluates them before any identity or resource policy, the vault root included.
 */
export function guardrails(config: Config): Guardrail[] {
  const vaultBuckets = [
    `arn:aws:s3:::${config.vault.bucketPrefix}-*`,
    `arn:aws:s3:::${config.vault.bucketPrefix}-*/*`,
  ];
  const breakGlass = role(ROLE_NAMES.breakGlass);
  const vaultOrg = config.organizations.vault.id;
  const sourceOrg = config.organizations.source.id;
  const catalog = `arn:aws:dynamodb:*:*:table/${RESOURCE_NAMES.catalogTable(config)}`;

  return [
    {
      organization: 'vault',
      kind: 'SCP',
      name: 'airgap-vault-data',
      description: 'No deletion, retention change, policy change or replication change of vault buckets',
      document: doc([
        {
          Sid: 'DenyVaultObjectDeletionAndRetentionChange',
          Effect: 'Deny',
          Action: [
            's3:DeleteObject',
            's3:DeleteObjectVersion',
            's3:DeleteObjectTagging',
            's3:DeleteObjectVersionTagging',
            's3:PutObjectRetention',
            's3:PutObjectLegalHold',
            's3:BypassGovernanceRetention',
            's3:PutObjectAcl',
            's3:PutObjectVersionAcl',
            's3:RestoreObject',
          ],
          Resource: vaultBuckets,
        },
        {
          Sid: 'DenyVaultBucketConfigurationChange',
          Effect: 'Deny',
          Action: [
            's3:DeleteBucket',
            's3:PutBucketObjectLockConfiguration',
            's3:PutLifecycleConfiguration',
            's3:PutReplicationConfiguration',
            's3:PutBucketVersioning',
            's3:PutBucketPolicy',
            's3:DeleteBucketPolicy',
            's3:PutEncryptionConfiguration',
            's3:PutBucketOwnershipControls',
            's3:PutBucketAcl',
            's3:PutBucketPublicAccessBlock',
            's3:PutBucketLogging',
          ],
          Resource: vaultBuckets,
          Condition: { ArnNotLike: { 'aws:PrincipalArn': breakGlass } },
        },
        {
          Sid: 'DenySseCWritesToVault',
          Effect: 'Deny',
          Action: ['s3:PutObject'],
          Resource: vaultBuckets,
          Condition: { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } },
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
          Action: ['rds:DeleteDBSnapshot', 'rds:DeleteDBClusterSnapshot', 'ec2:DeleteSnapshot'],
          Resource: '*',
          Condition: { ArnNotLike: { 'aws:PrincipalArn': role(ROLE_NAMES.retention) } },
        },
        {
          Sid: 'DenySnapshotUnlockAndSharingExceptCopier',
          Effect: 'Deny',
          Action: [
            'ec2:UnlockSnapshot',
            'ec2:ModifySnapshotAttribute',
            'ec2:ResetSnapshotAttribute',
            'rds:ModifyDBSnapshotAttribute',
            'rds:ModifyDBClusterSnapshotAttribute',
            'ebs:PutSnapshotBlock',
          ],
          Resource: '*',
          Condition: { ArnNotLike: { 'aws:PrincipalArn': role(ROLE_NAMES.snapshotCopier) } },
        },
        {
          Sid: 'DenyBackupVaultTampering',
          Effect: 'Deny',
          Action: [
            'backup:DeleteBackupVault',
            'backup:DeleteBackupVaultLockConfiguration',
            'backup:PutBackupVaultAccessPolicy',
            'backup:DeleteBackupVaultAccessPolicy',
            'backup:DeleteRecoveryPoint',
            'backup:UpdateRecoveryPointLifecycle',
            'backup:DisassociateRecoveryPoint',
            'backup:PutBackupVaultLockConfiguration',
          ],
          Resource: '*',
          Condition: { ArnNotLike: { 'aws:PrincipalArn': breakGlass } },
        },
        {
          Sid: 'DenyCatalogTampering',
          Effect: 'Deny',
          Action: [
            'dynamodb:DeleteTable',
            'dynamodb:UpdateTable',
            'dynamodb:UpdateContinuousBackups',
            'dynamodb:DeleteBackup',
            'dynamodb:DeleteItem',
            'dynamodb:DeleteResourcePolicy',
            'dynamodb:PutResourcePolicy',
          ],
          Resource: [catalog, `${catalog}/*`],
          Condition: { ArnNotLike: { 'aws:PrincipalArn': role(ROLE_NAMES.retention) } },
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
            'kms:DisableKey',
            'kms:DeleteImportedKeyMaterial',
            'kms:ImportKeyMaterial',
            'kms:DisableKeyRotation',
            'kms:RevokeGrant',
            'kms:RetireGrant',
            'kms:DeleteAlias',
            'kms:UpdateAlias',
          ],
          Resource: '*',
        },
        {
          Sid: 'DenyKeyPolicyChangeExceptBreakGlass',
          Effect: 'Deny',
          Action: ['kms:PutKeyPolicy'],
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
        'Stay in the organization; keep CloudTrail, Config and GuardDuty on; leave Air Gap Recover roles alone',
      document: doc([
        {
          Sid: 'DenyLeavingOrganization',
          Effect: 'Deny',
          Action: ['organizations:LeaveOrganization', 'account:CloseAccount'],
          Resource: '*',
        },
        {
          Sid: 'DenyTurningOffDetection',
          Effect: 'Deny',
          Action: [
            'cloudtrail:StopLogging',
            'cloudtrail:DeleteTrail',
            'cloudtrail:UpdateTrail',
            'cloudtrail:PutEventSelectors',
            'config:StopConfigurationRecorder',
            'config:DeleteConfigurationRecorder',
            'config:DeleteDeliveryChannel',
            'guardduty:DeleteDetector',
            'guardduty:UpdateDetector',
            'guardduty:DisassociateFromMasterAccount',
            'guardduty:DisassociateFromAdministratorAccount',
            'guardduty:DeleteMembers',
            'guardduty:StopMonitoringMembers',
          ],
          Resource: '*',
          Condition: { ArnNotLike: { 'aws:PrincipalArn': breakGlass } },
        },
        {
          Sid: 'DenyChangingAirGapRolesAndFunctions',
          Effect: 'Deny',
          Action: [
            'iam:AttachRolePolicy',
            'iam:DetachRolePolicy',
            'iam:PutRolePolicy',
            'iam:DeleteRolePolicy',
            'iam:DeleteRole',
            'iam:UpdateAssumeRolePolicy',
            'iam:PutRolePermissionsBoundary',
            'iam:DeleteRolePermissionsBoundary',
            'lambda:DeleteFunction',
            'lambda:UpdateFunctionCode',
            'lambda:UpdateFunctionConfiguration',
            'states:DeleteStateMachine',
            'states:UpdateStateMachine',
            'events:DeleteRule',
            'events:DisableRule',
            'events:RemoveTargets',
            'events:PutPermission',
            'events:RemovePermission',
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
          Sid: 'SourceOrgOnlyReplicates',
          Effect: 'Deny',
          Principal: '*',
          NotAction: [
            's3:ReplicateObject',
            's3:ReplicateTags',
            's3:ObjectOwnerOverrideToBucketOwner',
            's3:GetBucketVersioning',
            's3:ListBucket',
            ...(config.replication.deleteMarkerReplication ? ['s3:ReplicateDelete'] : []),
          ],
          Resource: vaultBuckets,
          Condition: { StringEquals: { 'aws:PrincipalOrgID': sourceOrg } },
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
          Sid: 'KmsOnlyVaultOrgOrReplicaEncryption',
          Effect: 'Deny',
          Principal: '*',
          NotAction: ['kms:Encrypt', 'kms:GenerateDataKey'],
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
          Sid: 'DenyChangingAirGapRoles',
          Effect: 'Deny',
          Action: ['iam:*'],
          Resource: ['arn:aws:iam::*:role/AirGap*'],
          Condition: { ArnNotLike: { 'aws:PrincipalArn': breakGlass } },
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
