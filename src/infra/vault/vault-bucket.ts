import { Duration } from 'aws-cdk-lib/core';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ROLE_NAMES, type Config, type ProtectedBucket } from '../../config/index.js';
import { PRIVATE_BUCKET } from '../private-bucket.js';

/**
 * One Object Lock vault bucket per protected source bucket. The lock is the last line: COMPLIANCE mode
 * means no principal, the vault root included, can delete a version or shorten its retention.
 */
export class VaultBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(
    scope: Construct,
    id: string,
    props: { config: Config; source: ProtectedBucket; key: kms.IKey; accessLogs: s3.IBucket },
  ) {
    super(scope, id);
    const { config, source, key } = props;
    const retention = config.vault.retention;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...PRIVATE_BUCKET,
      bucketName: source.vaultBucket,
      objectLockEnabled: true,
      objectLockDefaultRetention:
        retention.mode === 'COMPLIANCE'
          ? s3.ObjectLockRetention.compliance(Duration.days(retention.days))
          : s3.ObjectLockRetention.governance(Duration.days(retention.days)),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      minimumTLSVersion: 1.2,
    });
    // Literal ARNs: the name is known at synth, and tokens would triple the template size per bucket.
    const bucketArn = `arn:aws:s3:::${source.vaultBucket}`;
    const objects = `${bucketArn}/*`;
    blockSseC(this.bucket, objects);
    // Set on the resource rather than through serverAccessLogsBucket, which would add one statement per vault
    // bucket to the log bucket's policy and break its 20 KB limit; AccessLogBucket grants by prefix instead.
    (this.bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
      destinationBucketName: props.accessLogs.bucketName,
      logFilePrefix: `${source.vaultBucket}/`,
    };
    this.bucket.node.addMetadata('airgap:source', `${source.account}/${source.bucket}`);

    const replicationRole = `arn:aws:iam::${source.account}:role/${ROLE_NAMES.replication}`;
    const replicate = ['s3:ReplicateObject', 's3:ReplicateTags', 's3:ObjectOwnerOverrideToBucketOwner'];
    if (config.replication.deleteMarkerReplication) replicate.push('s3:ReplicateDelete');
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SourceReplicationRoleReplicatesOnly',
        principals: [new iam.ArnPrincipal(replicationRole)],
        actions: replicate,
        resources: [objects],
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SourceReplicationRoleReadsVersioning',
        principals: [new iam.ArnPrincipal(replicationRole)],
        actions: ['s3:GetBucketVersioning', 's3:List*'],
        resources: [bucketArn],
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'RestoreRoleReadsVersions',
        principals: [
          new iam.ArnPrincipal(
            `arn:aws:iam::${config.organizations.vault.restoreAccount}:role/${ROLE_NAMES.restore}`,
          ),
        ],
        actions: [
          's3:GetObjectVersion',
          's3:GetObject',
          's3:GetObjectVersionTagging',
          's3:ListBucketVersions',
          's3:ListBucket',
        ],
        resources: [bucketArn, objects],
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyOutsideVaultOrganization',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:*'],
        resources: [bucketArn, objects],
        conditions: {
          StringNotEqualsIfExists: { 'aws:PrincipalOrgID': config.organizations.vault.id },
          ArnNotEquals: { 'aws:PrincipalArn': replicationRole },
          BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyReplicationRoleAnythingElse',
        effect: iam.Effect.DENY,
        principals: [new iam.ArnPrincipal(replicationRole)],
        notActions: [...replicate, 's3:GetBucketVersioning', 's3:List*'],
        resources: [bucketArn, objects],
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyGovernanceBypass',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:BypassGovernanceRetention', 's3:PutBucketObjectLockConfiguration'],
        resources: [bucketArn, objects],
      }),
    );
  }
}

/**
 * Refuses SSE-C writes twice: the bucket-level block (S3 answers 403) and a policy deny on the header, which
 * also covers regions where the block is not yet available. SSE-C is how the 2025 "Codefinger" ransomware
 * re-encrypted objects under keys only the attacker held.
 */
export function blockSseC(bucket: s3.Bucket, objects: string): void {
  const cfn = bucket.node.defaultChild as s3.CfnBucket;
  cfn.addPropertyOverride('BucketEncryption.ServerSideEncryptionConfiguration.0.BlockedEncryptionTypes', {
    EncryptionType: ['SSE-C'],
  });
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenySseCWrites',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: [objects],
      conditions: { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } },
    }),
  );
}
