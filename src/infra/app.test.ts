import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { quickstart } from '../../test/support/config.js';
import { buildApp } from './app.js';

// Synthesized once per file (without cdk-nag, which test/synth.test.ts runs) and shared: synth is the slow part.
const config = quickstart();
let vault: Template;
let source: Template;
let restore: Template;

beforeAll(() => {
  const { stacks } = buildApp(config, '/tmp/airgap-app-test', { nag: false });
  const byRole = Object.fromEntries(stacks.map((s) => [s.role, Template.fromStack(s.stack)]));
  vault = byRole['vault']!;
  source = byRole['workload']!;
  restore = byRole['restore']!;
});

const VAULT_BUCKET = 'airgap-vault-100000000002-payments-invoices';
const REPLICATION_ROLE = 'arn:aws:iam::100000000002:role/AirGapReplication';

function vaultBucketPolicy(): {
  Sid: string;
  Effect: string;
  Action?: string | string[];
  Principal?: unknown;
}[] {
  const policies = vault.findResources('AWS::S3::BucketPolicy');
  const statements = Object.values(policies).flatMap(
    (p) =>
      (p as { Properties: { PolicyDocument: { Statement: never[] } } }).Properties.PolicyDocument.Statement,
  );
  return statements.filter((s: { Resource?: unknown }) => JSON.stringify(s.Resource).includes('Vault0'));
}

describe('vault stack', () => {
  it('threat #6: vault bucket is Object Lock COMPLIANCE with the configured days', () => {
    vault.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: VAULT_BUCKET,
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } },
      },
    });
  });

  it('vault bucket is versioned, SSE-KMS with the vault key and bucket key, and blocks public access', () => {
    vault.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: VAULT_BUCKET,
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() },
          }),
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
  });

  it('threat #2: vault bucket blocks SSE-C writes, by bucket setting and by policy', () => {
    vault.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: VAULT_BUCKET,
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] } }),
        ],
      },
    });
    expect(vaultBucketPolicy()).toContainEqual(
      expect.objectContaining({
        Sid: 'DenySseCWrites',
        Effect: 'Deny',
        Condition: { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } },
      }),
    );
  });

  it('lets only the source replication role replicate, without ReplicateDelete by default', () => {
    const allow = vaultBucketPolicy().find((s) => s.Sid === 'SourceReplicationRoleReplicatesOnly');
    expect(allow?.Principal).toEqual({ AWS: REPLICATION_ROLE });
    expect(allow?.Action).toEqual([
      's3:ReplicateObject',
      's3:ReplicateTags',
      's3:ObjectOwnerOverrideToBucketOwner',
    ]);
  });

  it('threat #4: grants ReplicateDelete only when delete-marker replication is configured', () => {
    const { stacks } = buildApp(
      quickstart([[['replication', 'deleteMarkerReplication'], true]]),
      '/tmp/airgap-app-test-dm',
      {
        nag: false,
      },
    );
    const json = JSON.stringify(Template.fromStack(stacks[0]!.stack).toJSON());
    expect(json).toContain('s3:ReplicateDelete');
  });

  it('threat #5: denies every S3 action from outside the vault organization except the replication role', () => {
    expect(vaultBucketPolicy()).toContainEqual(
      expect.objectContaining({
        Sid: 'DenyOutsideVaultOrganization',
        Effect: 'Deny',
        Action: 's3:*',
        Condition: {
          StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-vault00001' },
          ArnNotEquals: { 'aws:PrincipalArn': REPLICATION_ROLE },
          BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
    );
    expect(vaultBucketPolicy()).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('threat #12: vault key rotates, is retained, and trusts no source principal beyond encrypting replicas via S3', () => {
    vault.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ EnableKeyRotation: true }),
    });
    const key = Object.values(vault.findResources('AWS::KMS::Key'))[0] as {
      Properties: {
        KeyPolicy: {
          Statement: { Sid: string; Action: string | string[]; Condition?: Record<string, object> }[];
        };
      };
    };
    const sourceFacing = key.Properties.KeyPolicy.Statement.filter((s) =>
      JSON.stringify(s.Condition ?? {}).includes('o-source0001'),
    );
    expect(sourceFacing).toHaveLength(1);
    expect(sourceFacing[0]?.Action).toEqual(['kms:Encrypt', 'kms:GenerateDataKey']);
    expect(sourceFacing[0]?.Condition).toMatchObject({
      StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
    });
    expect(JSON.stringify(key.Properties.KeyPolicy)).not.toContain('arn:aws:iam::100000000002:root');
  });

  it('catalog table has point-in-time recovery and deletion protection, and is retained', () => {
    vault.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        TableName: 'quickstart-airgap-catalog',
        Replicas: [
          Match.objectLike({
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        ],
      }),
    });
  });

  it('the event bus accepts events from the source organization only', () => {
    vault.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: Match.objectLike({
        Action: 'events:PutEvents',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-source0001' } },
      }),
    });
  });

  it('alerts by e-mail and alarms on replication lag, failed replication, copy failures and RPO breaches', () => {
    vault.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'recovery-team@example.com',
    });
    for (const metric of [
      'ReplicationLagSeconds',
      'ReplicationOperationsFailed',
      'SnapshotCopyFailures',
      'RpoBreaches',
    ]) {
      vault.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        Namespace: 'AirGapRecover',
      });
    }
  });
});

describe('source stack (one StackSet template)', () => {
  it('keys protected buckets by account in a mapping instead of one template per account', () => {
    const mapping = source.toJSON().Mappings as Record<string, Record<string, { SourceBuckets: string[] }>>;
    expect(mapping['ProtectedBuckets']?.['100000000002']?.SourceBuckets).toEqual([
      'arn:aws:s3:::payments-invoices',
    ]);
    expect(source.toJSON().Metadata?.['aws:cdk:path']).toBeUndefined();
  });

  it('the replication role is assumed by S3 only and replicates only into its own vault buckets', () => {
    source.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'AirGapReplication',
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 's3.amazonaws.com' } })],
      }),
    });
    expect(JSON.stringify(source.toJSON())).toContain('airgap-vault-');
    expect(JSON.stringify(source.toJSON())).not.toContain('s3:ReplicateDelete');
  });

  it('the share key lets the vault account use it only through RDS and EC2', () => {
    source.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'VaultCopiesSharedSnapshotsThroughServices',
            Condition: {
              StringEquals: {
                'kms:ViaService': ['rds.us-east-1.amazonaws.com', 'ec2.us-east-1.amazonaws.com'],
              },
            },
          }),
        ]),
      },
    });
  });

  it('forwards snapshot events to the vault bus', () => {
    source.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({ Arn: 'arn:aws:events:us-east-1:200000000002:event-bus/quickstart-airgap-vault' }),
      ],
    });
  });
});

describe('restore stack', () => {
  it('the restore role needs MFA and writes only restore targets', () => {
    restore.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'AirGapRestore',
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })],
      }),
    });
    const json = JSON.stringify(restore.toJSON());
    expect(json).toContain('arn:aws:s3:::airgap-restore-*');
    expect(json).not.toMatch(/"s3:(PutObject|DeleteObject)[^"]*"[^\]]*airgap-vault/);
  });
});
