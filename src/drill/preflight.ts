import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetBucketReplicationCommand, GetObjectLockConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsClients } from '../aws/clients.js';
import { protectedBuckets, RESOURCE_NAMES, ROLE_NAMES, stackName, type Config } from '../config/index.js';
import { BUCKETS_PER_STACK } from '../infra/vault/vault-buckets-stack.js';
import { SNAPSHOT_SERVICES } from '../protect/snapshots/model.js';
import { errorLine } from '../errors.js';

export interface PreflightCheck {
  check: string;
  passed: boolean;
  detail: string;
}

/** A missing precondition: what is wrong, and what puts it in place. */
class Missing extends Error {
  constructor(what: string, fix: string) {
    super(`${what}; ${fix}`);
    this.name = 'Missing';
  }
}

/** The error of a call, and what puts its resource in place. */
const needs =
  (fix: string) =>
  (e: unknown): never => {
    throw new Missing(errorLine(e), fix);
  };

/**
 * Read-only checks of the real accounts before the drill creates anything there, each failure one line naming
 * what is missing and what puts it in place: credentials, every account answering as itself through the
 * operator role, the vault's organization not the source's, and what the stacks deploy (vault buckets locked in
 * COMPLIANCE for at least the configured days, the replication rule into each, vault, share and restore keys, the
 * restore role, the catalog, the evidence bucket). Checks of an account that does not answer are skipped: its
 * one line says it all.
 */
export async function preflight(clients: AwsClients, config: Config): Promise<PreflightCheck[]> {
  const { source, vault } = config.organizations;
  const checks: PreflightCheck[] = [];
  const unreachable = new Set<string>();
  const add = async (check: string, accounts: string[], fn: () => Promise<string>) => {
    if (accounts.some((a) => unreachable.has(a))) return;
    try {
      checks.push({ check, passed: true, detail: await fn() });
    } catch (e) {
      checks.push({ check, passed: false, detail: e instanceof Missing ? e.message : errorLine(e) });
    }
  };
  const base = await clients
    .base(STSClient)
    .send(new GetCallerIdentityCommand({}))
    .catch((e: unknown) => e as Error);
  if (base instanceof Error)
    return [
      {
        check: 'AWS credentials',
        passed: false,
        detail: `${errorLine(base)}; give the drill credentials (AWS_PROFILE, or the usual variables) that may assume ${clients.options.roleName} in every account`,
      },
    ];
  const accounts = [...source.workloadAccounts.map((w) => w.id), vault.vaultAccount, vault.restoreAccount];
  for (const account of [...new Set(accounts)]) {
    await add(`account ${account} answers through ${clients.roleArn(account)}`, [], async () => {
      const me = await clients
        .for(STSClient, account)
        .send(new GetCallerIdentityCommand({}))
        .catch(
          needs(
            `create ${clients.options.roleName} in account ${account} with a trust policy that lets ${base.Arn} assume it`,
          ),
        );
      if (me.Account !== account) throw new Error(`the role answered as account ${me.Account}`);
      return me.Arn ?? account;
    });
    if (checks.at(-1)?.passed === false) unreachable.add(account);
  }
  const orgOf = async (account: string) =>
    (await clients.for(OrganizationsClient, account).send(new DescribeOrganizationCommand({}))).Organization!
      .Id!;
  const workloads = source.workloadAccounts.map((w) => w.id);
  await add(
    'the vault is in another organization than every workload account',
    [...workloads, vault.vaultAccount],
    async () => {
      const vaultOrg = await orgOf(vault.vaultAccount);
      for (const w of source.workloadAccounts) {
        const org = await orgOf(w.id);
        if (org === vaultOrg)
          throw new Error(`${w.name} (${w.id}) is in the vault's organization ${vaultOrg}`);
      }
      return `vault organization ${vaultOrg}`;
    },
  );
  const deploy = (stack: string, account: string) =>
    `deploy ${stackName(config, stack)} (airgap synth) in account ${account}`;
  const vaultS3 = clients.for(S3Client, vault.vaultAccount, config.vault.region);
  const locked = async (bucket: string, minDays: number, fix: string) => {
    const out = await vaultS3
      .send(new GetObjectLockConfigurationCommand({ Bucket: bucket }))
      .catch(needs(fix));
    const c = out.ObjectLockConfiguration;
    const rule = c?.Rule?.DefaultRetention;
    const days = (rule?.Days ?? 0) + (rule?.Years ?? 0) * 365;
    if (c?.ObjectLockEnabled !== 'Enabled') throw new Missing(`${bucket} has no Object Lock`, fix);
    if (rule?.Mode !== 'COMPLIANCE' || days < minDays)
      throw new Missing(
        `${bucket} locks ${rule?.Mode ?? 'nothing'} for ${days} days, not COMPLIANCE ≥ ${minDays}`,
        fix,
      );
    return `${bucket}: COMPLIANCE, ${days} days`;
  };
  for (const [i, b] of protectedBuckets(config).entries()) {
    const stack = `vault-buckets-${Math.floor(i / BUCKETS_PER_STACK) + 1}`;
    await add(`vault bucket of ${b.bucket}`, [vault.vaultAccount], () =>
      locked(b.vaultBucket, config.vault.retention.days, deploy(stack, vault.vaultAccount)),
    );
    await add(`replication of ${b.bucket} into the vault`, [b.account], async () => {
      const fix = `run \`airgap s3 configure-replication --bucket ${b.bucket}\``;
      const out = await clients
        .for(S3Client, b.account, b.region)
        .send(new GetBucketReplicationCommand({ Bucket: b.bucket }))
        .catch(needs(fix));
      const into = `arn:aws:s3:::${b.vaultBucket}`;
      const rule = out.ReplicationConfiguration?.Rules?.find(
        (r) => r.Status === 'Enabled' && r.Destination?.Bucket === into,
      );
      if (!rule)
        throw new Missing(`s3://${b.bucket} has no enabled replication rule into ${b.vaultBucket}`, fix);
      return `rule ${rule.ID ?? '(unnamed)'} into ${b.vaultBucket}`;
    });
  }
  await add('evidence bucket', [vault.vaultAccount], () =>
    locked(
      RESOURCE_NAMES.evidenceBucket(config),
      config.vault.retention.days,
      deploy('vault', vault.vaultAccount),
    ),
  );
  const key = async (account: string, region: string, alias: string, fix: string) => {
    const out = await clients
      .for(KMSClient, account, region)
      .send(new DescribeKeyCommand({ KeyId: alias }))
      .catch(needs(fix));
    if (out.KeyMetadata?.KeyState && out.KeyMetadata.KeyState !== 'Enabled')
      throw new Error(`${alias} is ${out.KeyMetadata.KeyState}`);
    return out.KeyMetadata!.Arn!;
  };
  const snapshotSelectors = SNAPSHOT_SERVICES.flatMap((s) => config.protect[s]);
  if (snapshotSelectors.length === 0) return checks;
  const regions = new Set([
    config.vault.region,
    ...snapshotSelectors.map((s) => s.region ?? source.regions[0]!),
  ]);
  for (const region of regions) {
    await add(`vault key in ${region}`, [vault.vaultAccount], () =>
      key(
        vault.vaultAccount,
        region,
        RESOURCE_NAMES.vaultKeyAlias(config),
        deploy('vault', vault.vaultAccount),
      ),
    );
    await add(`restore key in ${region}`, [vault.restoreAccount], () =>
      key(
        vault.restoreAccount,
        region,
        RESOURCE_NAMES.restoreKeyAlias(config),
        deploy('restore', vault.restoreAccount),
      ),
    );
  }
  const sharing = new Set(snapshotSelectors.map((s) => `${s.account} ${s.region ?? source.regions[0]!}`));
  for (const [account, region] of [...sharing].map((p) => p.split(' ') as [string, string])) {
    await add(`snapshot share key of ${account} in ${region}`, [account], () =>
      key(
        account,
        region,
        RESOURCE_NAMES.sourceKeyAlias(config),
        `add account ${account} (${region}) to the ${stackName(config, 'source-regional')} StackSet`,
      ),
    );
  }
  await add('recovery catalog', [vault.vaultAccount], async () => {
    const table = RESOURCE_NAMES.catalogTable(config);
    await clients
      .for(DynamoDBClient, vault.vaultAccount, config.vault.region)
      .send(new DescribeTableCommand({ TableName: table }))
      .catch(needs(deploy('vault', vault.vaultAccount)));
    return table;
  });
  await add(`restore role ${ROLE_NAMES.restore}`, [vault.restoreAccount], async () => {
    const out = await clients
      .for(IAMClient, vault.restoreAccount)
      .send(new GetRoleCommand({ RoleName: ROLE_NAMES.restore }))
      .catch(needs(deploy('restore', vault.restoreAccount)));
    return out.Role!.Arn!;
  });
  return checks;
}
