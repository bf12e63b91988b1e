import { BootstraplessSynthesizer, Stack, type StackProps } from 'aws-cdk-lib/core';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { Config } from '../../config/index.js';
import { acknowledge, nag } from '../nag-suppressions.js';
import { PRIVATE_BUCKET } from '../private-bucket.js';
import { assetBucket } from './synthesizer.js';

export interface AssetBucketStackProps extends StackProps {
  config: Config;
  env: { account: string; region: string };
  /** An organization whose accounts create functions from this bucket's code (the source StackSet's instances). */
  readerOrganization?: string | undefined;
}

/**
 * The bootstrap of one account and region: the `airgap-assets-<account>-<region>` bucket that `cdk-assets publish`
 * fills with the deployment's Lambda code and large templates before the stacks that reference them deploy.
 * It has no assets itself (BootstraplessSynthesizer), so it deploys first, from the template alone. Objects are
 * code, not data: SSE-S3, so accounts of the reader organization can fetch the source template's code without a
 * key policy.
 */
export class AssetBucketStack extends Stack {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AssetBucketStackProps) {
    super(scope, id, { ...props, synthesizer: new BootstraplessSynthesizer() });
    const { config, env } = props;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...PRIVATE_BUCKET,
      bucketName: assetBucket(env.account, env.region),
      encryption: s3.BucketEncryption.S3_MANAGED,
    });
    if (props.readerOrganization)
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'OrganizationAccountsReadDeploymentCode',
          principals: [new iam.AnyPrincipal()],
          actions: ['s3:GetObject'],
          resources: [this.bucket.arnForObjects(`${config.name}/*`)],
          conditions: { StringEquals: { 'aws:PrincipalOrgID': props.readerOrganization } },
        }),
      );
    acknowledge(
      this.bucket,
      'Holds only build output (Lambda bundles, templates) that any deploy recreates; CloudTrail records its API use.',
      nag.accessLogs,
      nag.bucketLogging,
    );
    acknowledge(
      this.bucket,
      'SSE-S3: the code is not secret, and Lambda in the reader organization fetches it without a cross-account key grant.',
      nag.kmsDefault,
    );
  }
}
