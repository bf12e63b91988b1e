import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * What a replication role reads of its source buckets (`buckets`) and their object versions (`objects`): the
 * configuration, and each version with its ACL and tags. Shared by the source accounts' replication into the vault
 * and the log archive's replication of Config files into its locked bucket.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
 */
export function replicationSourceReads(buckets: string[], objects: string[]): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'ReadSourceConfiguration',
      actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
      resources: buckets,
    }),
    new iam.PolicyStatement({
      sid: 'ReadSourceVersions',
      actions: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
      resources: objects,
    }),
  ];
}
