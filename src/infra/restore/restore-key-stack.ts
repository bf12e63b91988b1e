import { Stack, type StackProps } from 'aws-cdk-lib/core';
import type { Construct } from 'constructs';
import type { Config } from '../../config/index.js';
import { regionalBaseline } from '../governance/account-baseline.js';
import { restoreKey } from './restore-key.js';

/**
 * The restore account's regional half in a region other than the vault region where the vault holds snapshot copies
 * (`vaultKeyRegions`): its restore key, and the account's GuardDuty detector and Config recorder of that region.
 * The restore stack, in the vault region, holds the roles (global, so once), that region's restore key and the EFS
 * restore vault (EFS replicas are in the vault region only); a CloudFormation stack is regional, so each other
 * region gets this one. The roles name its key by account, region and alias, a stack being unable to reference a
 * resource of another region.
 */
export class RestoreKeyStack extends Stack {
  constructor(scope: Construct, id: string, config: Config, props: StackProps & { env: { region: string } }) {
    super(scope, id, props);
    restoreKey(this, 'RestoreKey', config);
    regionalBaseline(this, config);
  }
}
