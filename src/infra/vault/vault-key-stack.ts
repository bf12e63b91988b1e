import { Stack, type StackProps } from 'aws-cdk-lib/core';
import type { Construct } from 'constructs';
import type { Config } from '../../config/index.js';
import { regionalBaseline } from '../governance/account-baseline.js';
import { VaultKey } from './vault-key.js';

/**
 * The vault key of a region other than the vault region (in the vault account): snapshots shared from that region
 * are copied there under it; and the account's GuardDuty detector and Config recorder of that region. A stack of
 * its own per region, since a CloudFormation stack is regional.
 */
export class VaultKeyStack extends Stack {
  readonly key: VaultKey;

  constructor(scope: Construct, id: string, config: Config, props: StackProps & { env: { region: string } }) {
    super(scope, id, props);
    this.key = new VaultKey(this, 'VaultKey', config, props.env.region);
    regionalBaseline(this, config);
  }
}
