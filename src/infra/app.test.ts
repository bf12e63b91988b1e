import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { outDir } from '../../test/support/outdir.js';
import { quickstart, withWorkloadAccounts } from '../../test/support/config.js';
import { resolve } from '../proof/intrinsics.js';
import { buildApp, TEMPLATES_ONLY, type RoleStack } from './app.js';

// Synthesized once per file (without cdk-nag, which test/synth.test.ts runs) and shared: synth is the slow part.
const config = quickstart();
let vault: Template;
let buckets: Template;
let source: Template;
let regional: Template;
let restore: Template;

const byName = (stacks: RoleStack[], name: string): Template => {
  const found = stacks.find((s) => s.stack.stackName === `quickstart-airgap-${name}`);
  if (!found) throw new Error(`no stack ${name}`);
  return Template.fromStack(found.stack);
};

beforeAll(() => {
  const { stacks } = buildApp(config, outDir('app-test'), TEMPLATES_ONLY);
  vault = byName(stacks, 'vault');
  buckets = byName(stacks, 'vault-buckets-1');
  source = byName(stacks, 'source');
  regional = byName(stacks, 'source-regional');
  restore = byName(stacks, 'restore');
});

const VAULT_BUCKET = 'airgap-vault-100000000002-payments-invoices';
const REPLICATION_ROLE = 'arn:aws:iam::100000000002:role/AirGapReplication';

function vaultBucketPolicy(): {
  Sid: string;
  Effect: string;
  Action?: string | string[];
  Principal?: unknown;
}[] {
  const policies = buckets.findResources('AWS::S3::BucketPolicy');
  const statements = Object.values(policies).flatMap(
    (p) =>
      (p as { Properties: { PolicyDocument: { Statement: never[] } } }).Properties.PolicyDocument.Statement,
  );
  // CDK's own TLS statements refer to the bucket by token, ours by its literal ARN.
  return statements.filter((s: { Resource?: unknown }) =>
    /airgap-vault-100000000002-payments-invoices|Vault0Bucket/.test(JSON.stringify(s.Resource)),
  );
}

describe('vault stack', () => {
  it('threat #6: vault bucket is Object Lock COMPLIANCE with the configured days', () => {
    buckets.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: VAULT_BUCKET,
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } },
      },
    });
  });

  it('vault bucket is versioned, SSE-KMS with the vault key and bucket key, and blocks public access', () => {
    buckets.hasResourceProperties('AWS::S3::Bucket', {
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
    buckets.hasResourceProperties('AWS::S3::Bucket', {
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
      outDir('app-test-dm'),
      TEMPLATES_ONLY,
    );
    expect(JSON.stringify(byName(stacks, 'vault-buckets-1').toJSON())).toContain('s3:ReplicateDelete');
    expect(JSON.stringify(buckets.toJSON())).not.toContain('s3:ReplicateDelete');
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
      ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/AirGapReplication' },
      // Each source account encrypts only for its own vault buckets.
      StringLike: {
        'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::airgap-vault-${aws:PrincipalAccount}-*',
      },
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
        Metrics: [
          Match.objectLike({
            Expression: Match.stringLikeRegexp(`\\(${metric}\\) FROM SCHEMA\\("AirGapRecover"`),
          }),
        ],
        AlarmActions: [Match.anyValue()],
      });
    }
  });

  it('alarm count does not grow with the number of protected buckets: one query covers every bucket', () => {
    // Four S3 and snapshot metric queries, plus copier, sweeper, RPO monitor and audit failures, and failed or
    // timed-out copy and restore workflow executions.
    vault.resourceCountIs('AWS::CloudWatch::Alarm', 12);
    vault.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 15 * 60,
      TreatMissingData: 'breaching',
      Metrics: [Match.objectLike({ Expression: Match.stringLikeRegexp('MAX\\(ReplicationLagSeconds\\)') })],
    });
  });
});

describe('source stacks (one global and one regional StackSet template)', () => {
  it('shares new snapshots with a function whose selectors come from the SnapshotSelectors parameter', () => {
    regional.hasParameter('SnapshotSelectors', { Type: 'String', Default: '{}' });
    regional.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Code: { S3Bucket: { 'Fn::Sub': 'airgap-assets-100000000001-${AWS::Region}' }, S3Key: Match.anyValue() },
      Environment: {
        Variables: Match.objectLike({ AIRGAP_SETTINGS: '/airgap/quickstart/snapshot-share/settings' }),
      },
    });
    // The settings parameter embeds the instance's selectors as JSON: resolved as one instance would be, it parses.
    const [param] = Object.values(
      regional.findResources('AWS::SSM::Parameter', {
        Properties: { Name: '/airgap/quickstart/snapshot-share/settings/000' },
      }),
    ) as { Properties: { Value: unknown; Tier: string } }[];
    const selectors = JSON.stringify({ rds: [{ account: '100000000002', names: ['orders'] }] });
    const value = resolve(param!.Properties.Value, {
      account: '100000000002',
      region: 'eu-west-1',
      refs: {},
      mappings: {},
      parameters: { SnapshotSelectors: selectors },
      exports: {},
    });
    expect(JSON.parse(value as string)).toEqual({
      deployment: 'quickstart',
      homeAccount: '100000000002',
      region: 'eu-west-1',
      vaultAccount: config.organizations.vault.vaultAccount,
      sourceRegions: config.organizations.source.regions,
      protect: JSON.parse(selectors),
    });
    expect(param!.Properties.Tier).toBe('Intelligent-Tiering');
    source.hasResourceProperties('AWS::IAM::Role', { RoleName: 'AirGapSnapshotSharer' });
    regional.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.absent(),
      EventPattern: Match.objectLike({ 'detail-type': Match.arrayWith(['RDS DB Snapshot Event']) }),
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('SnapshotShare'), 'Arn'] } }),
      ],
    });
  });

  it('takes the protected buckets as a parameter and names no workload account', () => {
    source.hasParameter('ProtectedBuckets', { Type: 'CommaDelimitedList' });
    expect(JSON.stringify(source.toJSON())).not.toContain('100000000002');
    expect(source.toJSON().Mappings).toBeUndefined();
  });

  it('the template is byte-identical for 1 and 3 workload accounts; only the instance parameters differ', () => {
    const three = withWorkloadAccounts(3);
    const { stacks } = buildApp(three, outDir('app-test-3'), TEMPLATES_ONLY);
    const other = stacks.find((s) => s.role === 'workload')!;
    const one = buildApp(withWorkloadAccounts(1), outDir('app-test-1'), TEMPLATES_ONLY).stacks.find(
      (s) => s.role === 'workload',
    )!;
    expect(Template.fromStack(other.stack).toJSON()).toEqual(Template.fromStack(one.stack).toJSON());
    expect(other.instances.map((i) => i.parameters['ProtectedBuckets'])).toEqual([
      'data-w0',
      'data-w1',
      'data-w2',
    ]);
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

  it('backfill on AWS: the Batch Replication role is trusted by S3 Batch Operations of its own account only and may only start replication of the named buckets', () => {
    const roles = source.findResources('AWS::IAM::Role', {
      Properties: { RoleName: 'AirGapBatchReplication' },
    });
    const [role] = Object.values(roles) as {
      Condition?: string;
      Properties: {
        AssumeRolePolicyDocument: { Statement: unknown[] };
        Policies: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } }[];
      };
    }[];
    expect(role?.Condition).toBe('HasProtectedBuckets');
    expect(role?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'batchoperations.s3.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    const statements = role!.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement);
    expect(statements.flatMap((s) => [s.Action].flat()).sort()).toEqual([
      's3:GetReplicationConfiguration',
      's3:InitiateReplication',
      's3:PutInventoryConfiguration',
    ]);
    // Only the account's own protected buckets (the ProtectedBuckets parameter), never a wildcard bucket.
    for (const s of statements) expect(JSON.stringify(s.Resource)).toContain('ProtectedBuckets');
  });

  it('the share key lets the vault account use it only through RDS and EC2', () => {
    regional.hasResourceProperties('AWS::KMS::Key', {
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
    regional.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({ Arn: 'arn:aws:events:us-east-1:200000000002:event-bus/quickstart-airgap-vault' }),
      ],
    });
  });
});

describe('restore stack', () => {
  it('the restore role needs MFA, writes only restore targets and deletes nothing (seed 001 versioning nuance)', () => {
    restore.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'AirGapRestore',
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })],
      }),
    });
    // The restore role's own statements: its inline and attached policies (not the other roles of the stack).
    const resources = restore.toJSON().Resources as Record<string, { Type: string; Properties: object }>;
    const roleId = Object.keys(
      restore.findResources('AWS::IAM::Role', { Properties: { RoleName: 'AirGapRestore' } }),
    )[0]!;
    const json = JSON.stringify(
      Object.values(resources).filter(
        (r) =>
          JSON.stringify(r.Properties).includes(`"Ref":"${roleId}"`) ||
          JSON.stringify(r.Properties).includes('"AirGapRestore"'),
      ),
    );
    expect(json).toContain('arn:aws:s3:::airgap-restore-*');
    expect(json).not.toMatch(/"s3:(PutObject|DeleteObject)[^"]*"[^\]]*airgap-vault/);
    // A restore copies the state at T into a fresh versioned target and never deletes: keys deleted before T
    // are not written, a re-copy adds a version. So no delete permission at all, not even on its targets.
    expect(json).not.toMatch(/"s3:Delete/);
  });
});
