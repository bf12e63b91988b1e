import { RemovalPolicy } from 'aws-cdk-lib/core';
import * as s3 from 'aws-cdk-lib/aws-s3';

/** What every bucket the project creates holds to: versioned, TLS only, never public, owner-owned, kept on delete. */
export const PRIVATE_BUCKET = {
  versioned: true,
  enforceSSL: true,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  removalPolicy: RemovalPolicy.RETAIN,
} satisfies s3.BucketProps;
