import { App, BootstraplessSynthesizer, Validations, type Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { stackName, type Config } from '../config/index.js';
import { acknowledgeProjectChoices } from './nag-suppressions.js';
import { RestoreStack } from './restore/restore-stack.js';
import { SourceStack } from './source/source-stack.js';
import { VaultStack } from './vault/vault-stack.js';

export interface RoleStack {
  role: 'vault' | 'workload' | 'restore';
  /** The account it deploys to; the workload template goes to every workload account as one StackSet. */
  accounts: string[];
  region: string;
  stack: Stack;
}

/**
 * One stack per account role. The templates carry no assets, so they deploy without CDK bootstrapping,
 * with plain CloudFormation or StackSets.
 */
export function buildApp(
  config: Config,
  outdir: string,
  opts: { nag?: boolean } = {},
): { app: App; stacks: RoleStack[] } {
  // Access-log delivery by bucket policy, not the legacy LogDeliveryWrite ACL.
  const app = new App({ outdir, context: { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true } });
  const vault = config.organizations.vault;
  const region = config.vault.region;
  const synthesizer = () => new BootstraplessSynthesizer();
  const stacks: RoleStack[] = [
    {
      role: 'vault',
      accounts: [vault.vaultAccount],
      region,
      stack: new VaultStack(app, stackName(config, 'vault'), config, {
        env: { account: vault.vaultAccount, region },
        synthesizer: synthesizer(),
      }),
    },
    {
      role: 'workload',
      accounts: config.organizations.source.workloadAccounts.map((a) => a.id),
      region: config.organizations.source.regions[0]!,
      // Account-agnostic on purpose: one StackSet template for every workload account.
      stack: new SourceStack(app, stackName(config, 'source'), config, { synthesizer: synthesizer() }),
    },
    {
      role: 'restore',
      accounts: [vault.restoreAccount],
      region,
      stack: new RestoreStack(app, stackName(config, 'restore'), config, {
        env: { account: vault.restoreAccount, region },
        synthesizer: synthesizer(),
      }),
    },
  ];
  for (const { stack } of stacks) {
    stack.tags.setTag('airgap:deployment', config.name);
    acknowledgeProjectChoices(stack);
  }
  if (opts.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
  }
  return { app, stacks };
}
