import { Stack, type StackProps } from 'aws-cdk-lib/core';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { Config, ProtectedBucket } from '../../config/index.js';
import { AccessLogBucket } from './access-log-bucket.js';
import { VaultBucket } from './vault-bucket.js';

/**
 * Two resources per vault bucket (bucket and policy) and about 6 KB of template each: 100 buckets stay under
 * both CloudFormation limits that bind first, 500 resources and 1 MB per template.
 */
export const BUCKETS_PER_STACK = 100;

/** A slice of the vault buckets, encrypted with the key of the vault core stack. */
export class VaultBucketsStack extends Stack {
  readonly vaultBuckets: VaultBucket[];

  constructor(
    scope: Construct,
    id: string,
    props: StackProps & { config: Config; buckets: ProtectedBucket[]; key: kms.IKey },
  ) {
    super(scope, id, props);
    const { config, key } = props;
    // Server access logs cannot target a bucket with a default Object Lock retention, so they get their own.
    const accessLogs = new AccessLogBucket(this, 'AccessLogs', config).bucket;
    this.vaultBuckets = props.buckets.map(
      (source, i) => new VaultBucket(this, `Vault${i}`, { config, source, key, accessLogs }),
    );
  }
}
