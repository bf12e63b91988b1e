import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { RESOURCE_NAMES, ROLE_NAMES, type Config } from '../../config/index.js';

/**
 * The vault-owned customer managed key (Origin AWS_KMS: CDK never imports material). Its policy trusts no
 * source principal but one: S3, acting for a source account's replication role, must encrypt each replica
 * under this key, and cross-account replication has no way to do that without the source role being allowed
 * to. So that one statement grants Encrypt/GenerateDataKey only (no Decrypt, ReEncrypt, grants or admin),
 * only through S3 in the vault region, only to the replication role of a source-organization account, and
 * only for the encryption context of that account's own vault buckets (`${aws:PrincipalAccount}` in the
 * bucket name): a stolen replication role can add new locked versions to its own vault buckets, which it
 * can already do by replicating, and can read or destroy nothing.
 */
export class VaultKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, config: Config) {
    super(scope, id);
    const { vault, source } = config.organizations;
    const region = config.vault.region;
    this.key = new kms.Key(this, 'Key', {
      alias: RESOURCE_NAMES.vaultKeyAlias(config),
      description: 'Air Gap Recover vault key: encrypts vault buckets, snapshot copies and the catalog',
      enableKeyRotation: config.vault.encryption.keyRotation,
      removalPolicy: RemovalPolicy.RETAIN,
      // The default policy delegates to IAM in the vault account; SCPs then forbid deletion, disabling and policy changes.
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'VaultAccountAdministersThroughIam',
            principals: [new iam.AccountRootPrincipal()],
            actions: ['kms:*'],
            resources: ['*'],
          }),
          new iam.PolicyStatement({
            sid: 'SourceReplicationEncryptsReplicasOnly',
            principals: [new iam.AnyPrincipal()],
            actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
            resources: ['*'],
            conditions: {
              StringEquals: {
                'aws:PrincipalOrgID': source.id,
                'kms:ViaService': `s3.${region}.amazonaws.com`,
              },
              ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::*:role/${ROLE_NAMES.replication}` },
              // Bucket ARN with the S3 bucket key on, object ARN without it: both start with the bucket name.
              StringLike: {
                'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${config.vault.bucketPrefix}-\${aws:PrincipalAccount}-*`,
              },
            },
          }),
          new iam.PolicyStatement({
            sid: 'RestoreAccountDecryptsThroughServices',
            principals: [
              new iam.ArnPrincipal(`arn:aws:iam::${vault.restoreAccount}:role/${ROLE_NAMES.restore}`),
            ],
            actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:CreateGrant'],
            resources: ['*'],
            conditions: {
              StringEquals: {
                'kms:ViaService': [
                  `s3.${region}.amazonaws.com`,
                  `rds.${region}.amazonaws.com`,
                  `ec2.${region}.amazonaws.com`,
                ],
              },
            },
          }),
        ],
      }),
    });
  }
}
