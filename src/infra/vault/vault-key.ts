import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { RESOURCE_NAMES, ROLE_NAMES, type Config } from '../../config/index.js';

/**
 * The vault-owned customer managed key. Its policy names no source principal except the source replication
 * roles, and those only for Encrypt/GenerateDataKey through S3, for objects of their own vault bucket: S3
 * needs that to write SSE-KMS replicas, and it lets nobody in the source read, re-key or delete anything.
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
              StringLike: {
                'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${config.vault.bucketPrefix}-*`,
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
