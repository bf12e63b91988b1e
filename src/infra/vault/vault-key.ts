import { RemovalPolicy } from 'aws-cdk-lib/core';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { otherVaultKeyRegions, RESOURCE_NAMES, ROLE_NAMES, type Config } from '../../config/index.js';

/**
 * The vault keys of the other regions (`VaultKeyStack`s), for the policies of the vault region's roles: a stack
 * cannot reference a resource of another region, so each is named by the vault account and its region, and the
 * statements name the vault key alias (`kms:ResourceAliases`).
 */
export const regionalVaultKeyArns = (config: Config): string[] =>
  otherVaultKeyRegions(config).map(
    (r) => `arn:aws:kms:${r}:${config.organizations.vault.vaultAccount}:key/*`,
  );

/**
 * The vault-owned customer managed key of one region (Origin AWS_KMS: CDK never imports material). A KMS key
 * is regional and shared encrypted snapshots are copied in their own region, so every region with protected
 * snapshots has one (`vaultKeyRegions`), under the same alias. Independent single-region keys rather than
 * multi-region replicas: the service re-encrypts each copy in its region, so shared key material buys nothing;
 * an independent key keeps a problem with one region's key to that region; and the existing vault key could
 * only become a multi-region primary by being replaced. Its policy trusts no source principal but one, and
 * only in the vault region, where the vault buckets are: S3, acting for a source account's replication role, must encrypt each replica
 * under this key, and cross-account replication has no way to do that without the source role being allowed
 * to. So that one statement grants Encrypt/GenerateDataKey only (no Decrypt, ReEncrypt, grants or admin),
 * only through S3 in the vault region, only to the replication role of a source-organization account, and
 * only for the encryption context of that account's own vault buckets (`${aws:PrincipalAccount}` in the
 * bucket name): a stolen replication role can add new locked versions to its own vault buckets, which it
 * can already do by replicating, and can read or destroy nothing.
 */
export class VaultKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, config: Config, region = config.vault.region) {
    super(scope, id);
    const { vault } = config.organizations;
    const home = region === config.vault.region;
    this.key = new kms.Key(this, 'Key', {
      alias: RESOURCE_NAMES.vaultKeyAlias(config),
      description: home
        ? 'Air Gap Recover vault key: encrypts vault buckets, snapshot copies and the catalog'
        : `Air Gap Recover vault key of ${region}: encrypts the vault's snapshot copies in ${region}`,
      enableKeyRotation: config.vault.encryption.keyRotation,
      removalPolicy: RemovalPolicy.RETAIN,
      // The default policy delegates to IAM in the vault account; SCPs then forbid deletion, disabling and policy changes.
      policy: new iam.PolicyDocument({
        statements: [
          administeredThroughIam(),
          ...(home ? [replicationStatement(config)] : []),
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
                  ...(home ? [`s3.${region}.amazonaws.com`] : []),
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

/** The vault account's IAM administers the key; the vault-keys SCP forbids deleting, disabling and re-keying it. */
export function administeredThroughIam(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'VaultAccountAdministersThroughIam',
    principals: [new iam.AccountRootPrincipal()],
    actions: ['kms:*'],
    resources: ['*'],
  });
}

/** S3, acting for a source account's replication role, encrypts replicas in that account's vault buckets. */
function replicationStatement(config: Config): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'SourceReplicationEncryptsReplicasOnly',
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
    resources: ['*'],
    conditions: {
      StringEquals: {
        'aws:PrincipalOrgID': config.organizations.source.id,
        'kms:ViaService': `s3.${config.vault.region}.amazonaws.com`,
      },
      ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::*:role/${ROLE_NAMES.replication}` },
      // Bucket ARN with the S3 bucket key on, object ARN without it: both start with the bucket name.
      StringLike: {
        'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${config.vault.bucketPrefix}-\${aws:PrincipalAccount}-*`,
      },
    },
  });
}
