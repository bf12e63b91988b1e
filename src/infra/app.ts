import { createRequire } from 'node:module';
import { App, Validations, type Stack } from 'aws-cdk-lib/core';
import {
  BUNDLING_STACKS,
  DISABLE_CREATION_STACK_TRACES,
  VALIDATE_AGAINST_DEFAULT_RULES,
} from 'aws-cdk-lib/cx-api';
import type * as CdkNag from 'cdk-nag';
import {
  GOVERNANCE_REGION,
  protectedBuckets,
  protectedFileSystems,
  stackName,
  otherVaultKeyRegions,
  vaultKeyRegions,
  type AccountRole,
  type Config,
} from '../config/index.js';
import { backupPathStacks } from './backup/backup-path-stacks.js';
import { GlobalEventsStack, needsGlobalEvents } from './governance/global-events-stack.js';
import { GovernanceStack } from './governance/governance-stack.js';
import { LogArchiveAuditStack } from './governance/log-archive-audit-stack.js';
import { LogArchiveStack } from './governance/log-archive-stack.js';
import { AssetBucketStack } from './lambda/asset-bucket-stack.js';
import { assetSynthesizer } from './lambda/synthesizer.js';
import { acknowledgeProjectChoices } from './nag-suppressions.js';
import { RestoreKeyStack } from './restore/restore-key-stack.js';
import { RestoreStack } from './restore/restore-stack.js';
import {
  SourceRegionalStack,
  sourceRegionalParameters,
  sourceRegionsOf,
} from './source/source-regional-stack.js';
import { SourceStack, sourceParameters } from './source/source-stack.js';
import { BUCKETS_PER_STACK, VaultBucketsStack } from './vault/vault-buckets-stack.js';
import { EfsReplicasStack } from './vault/efs-replicas-stack.js';
import { VaultKeyStack } from './vault/vault-key-stack.js';
import { VaultStack } from './vault/vault-stack.js';

/** Where one template goes: an account and region, with its CloudFormation parameter values. */
export interface StackInstance {
  account: string;
  region: string;
  parameters: Record<string, string>;
}

export interface RoleStack {
  role: AccountRole;
  stack: Stack;
  /** One for account-specific stacks; every workload account (and region) for the source templates (StackSets). */
  instances: StackInstance[];
}

/** What synthesis runs beside building the stacks; each is on unless turned off. */
export interface BuildOptions {
  nag?: boolean;
  validate?: boolean;
  bundle?: boolean;
  /** CDK's construct tree (tree.json): read by no reader of the templates, and a third of a large config's synth. */
  tree?: boolean;
  /**
   * A stack trace per construct and annotation, in `<stack>.metadata.json` (the CDK CLI shows where a failed
   * resource was made): nothing in the templates, and a fifth of a large config's synth.
   */
  traces?: boolean;
}

/**
 * Synthesis for readers of the templates' policies and resources (the proof, the audit's intended state, the
 * drill, template tests): no cdk-nag, no CloudFormation rules check, no Lambda bundling, no construct tree, no stack
 * traces. Deploys run all five.
 */
export const TEMPLATES_ONLY: BuildOptions = {
  nag: false,
  validate: false,
  bundle: false,
  tree: false,
  traces: false,
};

/**
 * One stack per account role (the vault role adds a stack per 100 vault buckets). The only assets are Lambda
 * code, published to one bucket per account and region (`assetSynthesizer`), so no CDK bootstrapping is needed.
 */
export function buildApp(
  config: Config,
  outdir: string,
  opts: BuildOptions = {},
): { app: App; stacks: RoleStack[] } {
  const app = new App({
    outdir,
    // The CloudFormation rules check (seconds, most of synth): deploys need it, the isolation proof does not.
    builtinCloudFormationValidation: opts.validate ?? true,
    treeMetadata: opts.tree ?? true,
    // The annotations' traces (cdk-nag findings and acknowledgements among them); creation traces below.
    stackTraces: opts.traces ?? true,
    context: {
      // Access-log delivery by bucket policy, not the legacy LogDeliveryWrite ACL.
      '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
      // CloudFormation's own limits (resources, mappings, sizes) fail synth instead of the deploy.
      [VALIDATE_AGAINST_DEFAULT_RULES]: true,
      // No stack bundles its Lambda code: for the isolation proof, which reads policies only.
      ...(opts.bundle === false ? { [BUNDLING_STACKS]: [] } : {}),
      // Each construct's creation trace.
      ...(opts.traces === false ? { [DISABLE_CREATION_STACK_TRACES]: true } : {}),
    },
  });
  const { vault, source } = config.organizations;
  const region = config.vault.region;
  const here = (account: string): StackInstance[] => [{ account, region, parameters: {} }];
  const props = (account: string) => ({
    env: { account, region },
    synthesizer: assetSynthesizer(config, account),
  });

  const core = new VaultStack(app, stackName(config, 'vault'), config, props(vault.vaultAccount));
  const stacks: RoleStack[] = [{ role: 'vault', stack: core, instances: here(vault.vaultAccount) }];
  if (needsGlobalEvents(config))
    stacks.push(
      placed(config, 'vault', vault.vaultAccount, GOVERNANCE_REGION, (p) => {
        return new GlobalEventsStack(app, stackName(config, 'vault-global'), config, p);
      }),
    );
  const buckets = config.paths.vault ? protectedBuckets(config) : [];
  for (let i = 0; i * BUCKETS_PER_STACK < buckets.length; i++) {
    const stack = new VaultBucketsStack(app, stackName(config, `vault-buckets-${i + 1}`), {
      ...props(vault.vaultAccount),
      config,
      buckets: buckets.slice(i * BUCKETS_PER_STACK, (i + 1) * BUCKETS_PER_STACK),
      key: core.key.key,
    });
    stacks.push({ role: 'vault', stack, instances: here(vault.vaultAccount) });
  }
  const fileSystems = protectedFileSystems(config);
  if (fileSystems.length > 0) {
    const stack = new EfsReplicasStack(app, stackName(config, 'vault-efs'), {
      ...props(vault.vaultAccount),
      config,
      fileSystems,
      key: core.key.key,
    });
    stacks.push({ role: 'vault', stack, instances: here(vault.vaultAccount) });
  }
  for (const at of otherVaultKeyRegions(config)) {
    const stack = new VaultKeyStack(app, stackName(config, `vault-key-${at}`), config, {
      env: { account: vault.vaultAccount, region: at },
      synthesizer: assetSynthesizer(config, vault.vaultAccount),
    });
    stacks.push({
      role: 'vault',
      stack,
      instances: [{ account: vault.vaultAccount, region: at, parameters: {} }],
    });
  }
  stacks.push(
    {
      role: 'workload',
      // Account-agnostic on purpose: one StackSet template for every workload account, once per account (IAM).
      stack: new SourceStack(app, stackName(config, 'source'), config, {
        synthesizer: assetSynthesizer(config, source.managementAccount),
      }),
      instances: source.workloadAccounts.map((a) => ({
        account: a.id,
        region: source.regions[0]!,
        parameters: sourceParameters(config, a.id),
      })),
    },
    {
      role: 'workload',
      // And its regional half, after it, in every region the config protects in each account.
      stack: new SourceRegionalStack(app, stackName(config, 'source-regional'), config, {
        synthesizer: assetSynthesizer(config, source.managementAccount),
      }),
      instances: source.workloadAccounts.flatMap((a) =>
        sourceRegionsOf(config, a.id).map((at) => ({
          account: a.id,
          region: at,
          parameters: sourceRegionalParameters(config, a.id, at),
        })),
      ),
    },
    {
      role: 'restore',
      stack: new RestoreStack(app, stackName(config, 'restore'), config, props(vault.restoreAccount)),
      instances: here(vault.restoreAccount),
    },
    // And its regional half in every other region where the vault holds snapshot copies: the restore key there.
    ...vaultKeyRegions(config)
      .filter((r) => r !== region)
      .map((at) =>
        placed(config, 'restore', vault.restoreAccount, at, (p) => {
          return new RestoreKeyStack(app, stackName(config, `restore-key-${at}`), config, p);
        }),
      ),
  );
  stacks.push(...backupPathStacks(app, config));
  // Logging first: the vault organization's trail and recorders need the log archive bucket to exist.
  stacks.unshift(...governanceStacks(app, config));
  // Before everything: the asset bucket of every account and region a template goes to.
  stacks.unshift(...assetBucketStacks(app, config, stacks));
  for (const { stack } of stacks) {
    stack.tags.setTag('airgap:deployment', config.name);
    acknowledgeProjectChoices(stack);
  }
  if (opts.nag ?? true) {
    // Loaded only to check (~270 modules, 0.3 s of CPU): template readers such as `airgap prove` never run it.
    const { AwsSolutionsChecks, NIST80053R5Checks } = createRequire(import.meta.url)(
      'cdk-nag',
    ) as typeof CdkNag;
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
  }
  return { app, stacks };
}

/**
 * One `AssetBucketStack` per account and region that `assetSynthesizer` publishes to: where each stack is deployed,
 * and for the source StackSets, their administrator (the source management account) in every region they deploy to,
 * whose bucket there the workload accounts of the source organization read the share function's code from (Lambda
 * reads code from a bucket of its own region only).
 */
function assetBucketStacks(app: App, config: Config, stacks: RoleStack[]): RoleStack[] {
  const out = new Map<string, RoleStack>();
  // The StackSet first: its administrator's bucket must let the source organization read.
  const workloadFirst = [...stacks].sort(
    (a, b) => Number(b.role === 'workload') - Number(a.role === 'workload'),
  );
  for (const { role, instances } of workloadFirst) {
    const workload = role === 'workload';
    // A StackSet's template is published once per region it deploys to; any other stack goes to one place.
    const places = workload
      ? [...new Set(instances.map((i) => i.region))].map((region) => ({
          account: config.organizations.source.managementAccount,
          region,
        }))
      : [instances[0]!];
    for (const { account, region } of places) {
      const key = `${account}-${region}`;
      if (out.has(key)) continue;
      out.set(key, {
        role: workload ? 'source-management' : role,
        stack: new AssetBucketStack(app, stackName(config, `assets-${key}`), {
          config,
          env: { account, region },
          readerOrganization: workload ? config.organizations.source.id : undefined,
        }),
        instances: [{ account, region, parameters: {} }],
      });
    }
  }
  return [...out.values()];
}

/**
 * The log archive (with Control Tower, which keeps the logs, only the audit's read role there) and the vault management
 * account's governance stack.
 */
function governanceStacks(app: App, config: Config): RoleStack[] {
  const { vault } = config.organizations;
  const out: RoleStack[] = [];
  if (!config.governance.controlTower && vault.logArchiveAccount) {
    out.push(
      placed(config, 'log-archive', vault.logArchiveAccount, config.vault.region, (p) => {
        return new LogArchiveStack(app, stackName(config, 'log-archive'), config, p);
      }),
    );
  } else if (vault.logArchiveAccount) {
    out.push(
      placed(config, 'log-archive', vault.logArchiveAccount, config.vault.region, (p) => {
        return new LogArchiveAuditStack(app, stackName(config, 'log-archive-audit'), config, p);
      }),
    );
  }
  out.push(
    placed(config, 'vault-management', vault.managementAccount, GOVERNANCE_REGION, (p) => {
      return new GovernanceStack(app, stackName(config, 'governance'), config, p);
    }),
  );
  return out;
}

/** One stack in one account and region, its code published there, deployed once there. */
function placed(
  config: Config,
  role: AccountRole,
  account: string,
  region: string,
  make: (props: { env: { account: string; region: string }; synthesizer: Stack['synthesizer'] }) => Stack,
): RoleStack {
  return {
    role,
    stack: make({ env: { account, region }, synthesizer: assetSynthesizer(config, account) }),
    instances: [{ account, region, parameters: {} }],
  };
}
