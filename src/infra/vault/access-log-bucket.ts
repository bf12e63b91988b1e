import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { Config } from '../../config/index.js';
import { acknowledge, nag } from '../nag-suppressions.js';
import { PRIVATE_BUCKET } from '../private-bucket.js';

/** Receives the server access logs of vault buckets: who read or tried to change what. */
export class AccessLogBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, config: Config) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...PRIVATE_BUCKET,
      encryption: s3.BucketEncryption.S3_MANAGED,
    });
    // One statement for every vault bucket of the account, by name prefix: the policy size stays constant.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'S3LogsVaultBuckets',
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${config.vault.bucketPrefix}-*`)],
        conditions: {
          StringEquals: { 'aws:SourceAccount': config.organizations.vault.vaultAccount },
          ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${config.vault.bucketPrefix}-*` },
        },
      }),
    );
    acknowledge(this.bucket, 'S3 server access log delivery supports only SSE-S3 targets.', nag.kmsDefault);
    acknowledge(
      this.bucket,
      'This is the access-log bucket; logging it into itself would loop.',
      nag.accessLogs,
      nag.bucketLogging,
    );
  }
}
