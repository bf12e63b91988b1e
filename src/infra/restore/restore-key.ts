import { RemovalPolicy } from 'aws-cdk-lib/core';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { RESOURCE_NAMES, type Config } from '../../config/index.js';

/**
 * The restore account's key of one region (Origin AWS_KMS, rotation on, retained), under the one restore alias in
 * every region: a restore copies a vault copy under it in the copy's own region, and a KMS key is regional. Its
 * policy is the default one (the restore account's IAM decides): the restore roles name it, by ARN in their own
 * stack's region and by account, region and alias elsewhere.
 */
export function restoreKey(scope: Construct, id: string, config: Config): kms.Key {
  return new kms.Key(scope, id, {
    alias: RESOURCE_NAMES.restoreKeyAlias(config),
    description: 'Air Gap Recover: encrypts restored snapshots, databases and volumes',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
