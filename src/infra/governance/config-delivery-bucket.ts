import { Duration } from 'aws-cdk-lib/core';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { RESOURCE_NAMES, ROLE_NAMES, type Config } from '../../config/index.js';
import { acknowledge, nag } from '../nag-suppressions.js';
import { PRIVATE_BUCKET } from '../private-bucket.js';
import { replicationSourceReads } from '../replication-source.js';

/**
 * What would stop or redirect the copy into the locked archive (its configuration, versioning, the policy itself), or
 * remove a file before it is copied (a lifecycle rule expiring current versions, a version deleted). Lifecycle
 * expirations are S3's own and no bucket policy applies to them: the stack's rule expires noncurrent versions only.
 */
const REPLICATION_TAMPERING = [
  's3:PutReplicationConfiguration',
  's3:PutBucketVersioning',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutLifecycleConfiguration',
  's3:DeleteObjectVersion',
];

/**
 * Where every account's Config delivery channel writes: AWS Config refuses a bucket with Object Lock, so its files
 * land here and S3 replicates each new one into the locked archive bucket, whose COMPLIANCE retention makes them
 * the record. Deletions are not replicated, and noncurrent versions here expire soon: the locked copy is kept.
 */
export class ConfigDeliveryBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly replicationRole: iam.Role;

  constructor(
    scope: Construct,
    id: string,
    props: { config: Config; account: string; key: kms.IKey; archive: s3.IBucket },
  ) {
    super(scope, id);
    const { config, key, archive } = props;
    const vaultOrg = config.organizations.vault.id;
    const name = RESOURCE_NAMES.configDeliveryBucket(config, props.account);
    const bucketArn = `arn:aws:s3:::${name}`;
    const archiveArn = `arn:aws:s3:::${RESOURCE_NAMES.logArchiveBucket(config, props.account)}`;
    // Named, so the human-access SCP exempts it (VAULT_SERVICE_ROLES): S3 replicates from AWS's addresses, without MFA.
    this.replicationRole = new iam.Role(this, 'ReplicationRole', {
      roleName: ROLE_NAMES.logReplication,
      assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
      description:
        'Air Gap Recover: S3 copies Config files into the locked log archive bucket with this role',
      inlinePolicies: {
        replicate: new iam.PolicyDocument({
          statements: [
            ...replicationSourceReads([bucketArn], [`${bucketArn}/*`]),
            // No s3:ReplicateDelete: a delete here never reaches the archive.
            new iam.PolicyStatement({
              sid: 'ReplicateIntoLockedArchive',
              actions: ['s3:ReplicateObject', 's3:ReplicateTags'],
              resources: [`${archiveArn}/*`],
            }),
            new iam.PolicyStatement({
              sid: 'LogKeyThroughS3',
              actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
              resources: [key.keyArn],
              conditions: { StringEquals: { 'kms:ViaService': `s3.${config.vault.region}.amazonaws.com` } },
            }),
          ],
        }),
      },
    });
    acknowledge(
      this.replicationRole,
      'S3 replication reads every object version of the Config delivery bucket and writes its replica into the archive: object ARNs by prefix.',
      nag.wildcard(`Resource::${bucketArn}/*`),
      nag.wildcard(`Resource::${archiveArn}/*`),
    );

    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...PRIVATE_BUCKET,
      bucketName: name,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [
        {
          id: 'ArchiveKeepsTheRecord',
          noncurrentVersionExpiration: Duration.days(7),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      replicationRole: this.replicationRole,
      replicationRules: [
        {
          id: 'IntoTheLockedArchive',
          destination: archive,
          kmsKey: key,
          sseKmsEncryptedObjects: true,
          deleteMarkerReplication: false,
        },
      ],
    });
    const configService = new iam.ServicePrincipal('config.amazonaws.com');
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ConfigOfTheVaultOrganizationChecksBucket',
        principals: [configService],
        actions: ['s3:GetBucketAcl', 's3:ListBucket'],
        resources: [bucketArn],
        conditions: { StringEquals: { 'aws:SourceOrgID': vaultOrg } },
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ConfigOfTheVaultOrganizationWrites',
        principals: [configService],
        actions: ['s3:PutObject'],
        resources: [`${bucketArn}/AWSLogs/*/Config/*`],
        conditions: {
          StringEquals: { 'aws:SourceOrgID': vaultOrg, 's3:x-amz-acl': 'bucket-owner-full-control' },
        },
      }),
    );
    // As the guardrails do: break-glass, and the stack's own updates through CloudFormation, and no one else.
    // CloudFormation makes each resource call with a forward access session whether or not the stack has a service
    // role (CDK's execution role), so the call carries aws:CalledVia cloudformation.amazonaws.com:
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/fas-requests-and-permission-evaluation.html
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyReplicationTamperingExceptBreakGlass',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: REPLICATION_TAMPERING,
        resources: [bucketArn, `${bucketArn}/*`],
        conditions: {
          ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::*:role/${config.access.breakGlassRole}` },
          'ForAllValues:StringNotEquals': { 'aws:CalledVia': ['cloudformation.amazonaws.com'] },
        },
      }),
    );
    acknowledge(
      this.bucket,
      'A staging bucket of the log archive, the end of the logging chain: its configuration changes are in the organization trail, and its files are kept in the locked archive bucket.',
      nag.accessLogs,
      nag.bucketLogging,
    );
  }
}
