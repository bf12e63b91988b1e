import { RemovalPolicy } from 'aws-cdk-lib/core';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { RESOURCE_NAMES, type Config } from '../../config/index.js';
import { administeredThroughIam } from './vault-key.js';

/**
 * The recovery catalog's own customer managed key, apart from the vault key: whoever reads the catalog (the
 * operator, the RPO monitor, the scheduled audit) decrypts its items and never holds the vault key, which
 * guards the data itself. Its policy trusts the vault account's IAM alone (no source principal, no other
 * account); the vault-keys SCP forbids deleting, disabling, re-keying or re-policying it as it does the vault key.
 */
export class CatalogKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, config: Config) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      alias: RESOURCE_NAMES.catalogKeyAlias(config),
      description: 'Air Gap Recover catalog key: encrypts the recovery catalog (metadata of vault copies)',
      enableKeyRotation: config.vault.encryption.keyRotation,
      removalPolicy: RemovalPolicy.RETAIN,
      policy: new iam.PolicyDocument({ statements: [administeredThroughIam()] }),
    });
  }
}
