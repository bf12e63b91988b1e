import { App, Stack } from 'aws-cdk-lib/core';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { quickstart } from '../../../test/support/config.js';
import { RESOURCE_NAMES, type Config } from '../../config/index.js';
import { EVIDENCE_DENIED, EvidenceBucket } from './evidence-bucket.js';

const OPERATOR = 'arn:aws:iam::200000000002:role/AirGapOperator';
const BUCKET = 'arn:aws:s3:::quickstart-airgap-evidence-200000000002';

function synth(config: Config): Template {
  const stack = new Stack(new App(), 'Vault', { env: { account: '200000000002', region: 'us-east-1' } });
  new EvidenceBucket(stack, 'Evidence', config);
  return Template.fromStack(stack);
}

type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Principal: unknown;
  Resource: unknown;
  Condition?: unknown;
};
const statements = (t: Template): Statement[] =>
  Object.values(t.findResources('AWS::S3::BucketPolicy')).flatMap(
    (p) =>
      (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
        .Statement,
  );

describe('drill evidence bucket (vault stack)', () => {
  const template = synth(quickstart());

  it('is Object Lock COMPLIANCE for the vault retention, versioned, private and retained', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketName: RESOURCE_NAMES.evidenceBucket(quickstart()),
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } },
        },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      }),
    });
  });

  it('stays COMPLIANCE when the vault itself is allowed GOVERNANCE, with the configured days', () => {
    const governance = quickstart([
      [['vault', 'retention'], { days: 90, mode: 'GOVERNANCE', allowGovernance: true }],
    ]);
    synth(governance).hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 90 } } },
    });
  });

  it('one write path: only the vault operator role adds and reads back drill-* files, and lists', () => {
    const allows = statements(template).filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { AWS: OPERATOR },
        Action: ['s3:PutObject', 's3:GetObject'],
        Resource: `${BUCKET}/drill-*`,
      }),
      expect.objectContaining({ Principal: { AWS: OPERATOR }, Action: 's3:ListBucket', Resource: BUCKET }),
    ]);
    expect(statements(template)).toContainEqual(
      expect.objectContaining({
        Sid: 'DenyEvidenceWritesExceptOperator',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:PutObject',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': OPERATOR } },
      }),
    );
  });

  it('nobody deletes evidence or changes its lock or lifecycle, the operator included', () => {
    expect(statements(template)).toContainEqual(
      expect.objectContaining({
        Sid: 'DenyEvidenceDeletionAndRetentionChange',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: EVIDENCE_DENIED,
        Resource: [BUCKET, `${BUCKET}/*`],
      }),
    );
    expect(EVIDENCE_DENIED).toEqual(
      expect.arrayContaining(['s3:DeleteObject*', 's3:PutObjectRetention', 's3:BypassGovernanceRetention']),
    );
    // A statement without condition: nothing, not even the operator's own allow, outweighs it.
    expect(
      statements(template).find((s) => s.Sid === 'DenyEvidenceDeletionAndRetentionChange')?.Condition,
    ).toBeUndefined();
  });
});
