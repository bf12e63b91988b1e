import { CliCredentialsStackSynthesizer } from 'aws-cdk-lib/core';
import type { Config } from '../../config/index.js';

/** The bucket holding the deployment's Lambda code in one account: one per account and region. */
export function assetBucket(account: string, region = '${AWS::Region}'): string {
  return `airgap-assets-${account}-${region}`;
}

/**
 * Templates reference their Lambda code in `airgap-assets-<account>-<region>` under `<deployment>/`, with no CDK
 * bootstrap stack, roles or version check: the assets are published with the deployer's own credentials
 * (`cdk-assets publish` reads the `*.assets.json` beside each template). `account` holds the bucket: the vault
 * account for vault stacks, the source management account for the StackSet template, whose instances read the
 * code from there.
 */
export function assetSynthesizer(config: Config, account: string): CliCredentialsStackSynthesizer {
  return new CliCredentialsStackSynthesizer({
    fileAssetsBucketName: assetBucket(account),
    bucketPrefix: `${config.name}/`,
  });
}
