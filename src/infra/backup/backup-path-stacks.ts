import type { App } from 'aws-cdk-lib/core';
import { backupRegion, stackName, type Config } from '../../config/index.js';
import type { RoleStack } from '../app.js';
import { AirGapStack } from './air-gap-stack.js';
import { BackupAccountStack } from './backup-account-stack.js';
import { assetSynthesizer } from '../lambda/synthesizer.js';

/** The stacks of the AWS Backup path's second and third layers, where the config has those accounts. */
export function backupPathStacks(app: App, config: Config): RoleStack[] {
  if (!config.paths.backup) return [];
  const at = (account: string, region: string) => ({
    env: { account, region },
    synthesizer: assetSynthesizer(config, account),
  });
  const out: RoleStack[] = [];
  const backupAccount = config.organizations.source.backupAccount;
  if (backupAccount) {
    const region = backupRegion(config);
    out.push({
      role: 'backup',
      stack: new BackupAccountStack(app, stackName(config, 'backup'), config, at(backupAccount, region)),
      instances: [{ account: backupAccount, region, parameters: {} }],
    });
  }
  const airGap = config.organizations.source.airGapAccount;
  if (config.backup.airGappedVault && airGap) {
    const region = config.vault.region;
    out.push({
      role: 'air-gap',
      stack: new AirGapStack(app, stackName(config, 'air-gap'), config, at(airGap, region)),
      instances: [{ account: airGap, region, parameters: {} }],
    });
  }
  return out;
}
