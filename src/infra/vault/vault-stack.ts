import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { protectedBuckets, type Config } from '../../config/index.js';
import { acknowledge, nag } from '../nag-suppressions.js';
import { CatalogTable } from './catalog-table.js';
import { VaultEventBus } from './event-bus.js';
import { Monitoring } from './monitoring.js';
import { VaultBucket } from './vault-bucket.js';
import { VaultKey } from './vault-key.js';

/** The vault account: Object Lock buckets, the vault key, the catalog, the event bus, alarms. */
export class VaultStack extends Stack {
  readonly vaultBuckets: VaultBucket[];

  constructor(scope: Construct, id: string, config: Config, props: StackProps) {
    super(scope, id, props);
    const key = new VaultKey(this, 'VaultKey', config).key;
    // Server access logs cannot target a bucket with a default Object Lock retention, so they get their own.
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(accessLogs, 'S3 server access log delivery supports only SSE-S3 targets.', nag.kmsDefault);
    acknowledge(
      accessLogs,
      'This is the access-log bucket; logging it into itself would loop.',
      nag.accessLogs,
      nag.bucketLogging,
    );
    const buckets = config.paths.vault ? protectedBuckets(config) : [];
    this.vaultBuckets = buckets.map(
      (source, i) => new VaultBucket(this, `Vault${i}`, { config, source, key, accessLogs }),
    );
    new CatalogTable(this, 'Catalog', { config, key });
    new VaultEventBus(this, 'Events', config);
    new Monitoring(this, 'Monitoring', { config, key, buckets });
  }
}
