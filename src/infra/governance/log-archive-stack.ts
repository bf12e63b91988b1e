import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib/core';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { RESOURCE_NAMES, type Config } from '../../config/index.js';
import { PRIVATE_BUCKET } from '../private-bucket.js';
import { acknowledge, nag } from '../nag-suppressions.js';
import { AccountBaseline } from './account-baseline.js';
import { AuditReadRole } from './audit-read-role.js';
import { ConfigDeliveryBucket } from './config-delivery-bucket.js';
import { OperatorRole } from '../operator/operator-role.js';
import { organizationTrailArn } from './watched-calls.js';

/**
 * The log archive account: one bucket under Object Lock COMPLIANCE that the organization trail writes into and every
 * account's Config files are replicated into (Config delivers to a bucket without Object Lock beside it), so the
 * record of what happened in the vault outlives whoever made it happen. Not deployed with Control Tower, whose Log
 * Archive account already holds both.
 */
export class LogArchiveStack extends Stack {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, config: Config, props: StackProps) {
    super(scope, id, props);
    const vaultOrg = config.organizations.vault.id;
    new AuditReadRole(this, 'AuditRead', {
      config,
      account: config.organizations.vault.logArchiveAccount!,
      reads: { logging: true, logDelivery: true },
    });
    new OperatorRole(this, 'Operator', {
      config,
      accountRole: 'log-archive',
      account: config.organizations.vault.logArchiveAccount!,
    });
    const trail = organizationTrailArn(config);
    const key = new kms.Key(this, 'LogKey', {
      alias: RESOURCE_NAMES.logKeyAlias(config),
      description: 'Air Gap Recover: encrypts the vault organization trail and Config files',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrganizationTrailEncrypts',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceArn': trail },
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trail },
        },
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ConfigOfTheVaultOrganizationEncrypts',
        principals: [new iam.ServicePrincipal('config.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceOrgID': vaultOrg } },
      }),
    );
    this.bucket = new s3.Bucket(this, 'Logs', {
      ...PRIVATE_BUCKET,
      bucketName: RESOURCE_NAMES.logArchiveBucket(config, this.account),
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(
        Duration.days(config.governance.logRetentionDays),
      ),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      minimumTLSVersion: 1.2,
    });
    const service = (name: string) => new iam.ServicePrincipal(`${name}.amazonaws.com`);
    const ownerControl = { 's3:x-amz-acl': 'bucket-owner-full-control' };
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrganizationTrailChecksAcl',
        principals: [service('cloudtrail')],
        actions: ['s3:GetBucketAcl'],
        resources: [this.bucket.bucketArn],
        conditions: { StringEquals: { 'aws:SourceArn': trail } },
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrganizationTrailWrites',
        principals: [service('cloudtrail')],
        actions: ['s3:PutObject'],
        resources: [
          this.bucket.arnForObjects(`AWSLogs/${config.organizations.vault.managementAccount}/*`),
          this.bucket.arnForObjects(`AWSLogs/${vaultOrg}/*`),
        ],
        conditions: { StringEquals: { 'aws:SourceArn': trail, ...ownerControl } },
      }),
    );
    acknowledge(
      this.bucket,
      'The log archive is the end of the logging chain: its own reads and writes are in the organization trail (data events are not needed to keep Object Lock COMPLIANCE objects).',
      nag.accessLogs,
      nag.bucketLogging,
    );
    new ConfigDeliveryBucket(this, 'ConfigDelivery', {
      config,
      account: this.account,
      key,
      archive: this.bucket,
    });
    new AccountBaseline(this, 'Baseline', { config });
  }
}
