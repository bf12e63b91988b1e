import { Duration } from 'aws-cdk-lib/core';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { RESOURCE_NAMES, roleArn, type Config } from '../../config/index.js';
import { acknowledge, nag } from '../nag-suppressions.js';
import { PRIVATE_BUCKET } from '../private-bucket.js';

/** Drill reports are kept under `drill-<time>/`, the report folder's own name. */
export const EVIDENCE_KEYS = 'drill-*';

/** What nobody may do to kept evidence, the operator and break-glass included. */
export const EVIDENCE_DENIED = [
  's3:DeleteObject*',
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
  's3:BypassGovernanceRetention',
  's3:PutBucketObjectLockConfiguration',
  's3:PutLifecycleConfiguration',
];

/**
 * The drill's evidence in the vault account: each report file under Object Lock COMPLIANCE for the vault's
 * retention, so the record of a drill outlives whoever would like it rewritten. One write path: the vault
 * account's operator role (what `airgap drill --target aws` runs as) may add files under `drill-*` and read them
 * back (to skip files it kept before); nobody else writes, and nobody deletes or shortens a lock.
 */
export class EvidenceBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, config: Config) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...PRIVATE_BUCKET,
      bucketName: RESOURCE_NAMES.evidenceBucket(config),
      objectLockEnabled: true,
      // COMPLIANCE whatever the vault's mode: evidence is never a governance-mode lock.
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(
        Duration.days(config.vault.retention.days),
      ),
      encryption: s3.BucketEncryption.S3_MANAGED,
      minimumTLSVersion: 1.2,
    });
    const operator = roleArn(config.organizations.vault.vaultAccount, 'operator');
    const bucketArn = `arn:aws:s3:::${RESOURCE_NAMES.evidenceBucket(config)}`;
    const objects = `${bucketArn}/*`;
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OperatorAddsDrillEvidence',
        principals: [new iam.ArnPrincipal(operator)],
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: [`${bucketArn}/${EVIDENCE_KEYS}`],
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        // Without it, a file not kept yet answers 403 rather than 404 to the operator's check.
        sid: 'OperatorListsDrillEvidence',
        principals: [new iam.ArnPrincipal(operator)],
        actions: ['s3:ListBucket'],
        resources: [bucketArn],
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyEvidenceWritesExceptOperator',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [objects],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': operator } },
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyEvidenceDeletionAndRetentionChange',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: EVIDENCE_DENIED,
        resources: [bucketArn, objects],
      }),
    );
    acknowledge(
      this.bucket,
      'Evidence holds names, checksums and timings, no workload data; SSE-S3 keeps the write path to one S3 action, with no grant on the vault key.',
      nag.kmsDefault,
    );
    acknowledge(
      this.bucket,
      'One role writes here and nothing is ever deleted (Object Lock COMPLIANCE, deletes denied); the vault access-log bucket accepts vault buckets only.',
      nag.accessLogs,
      nag.bucketLogging,
    );
  }
}
