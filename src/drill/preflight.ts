import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetObjectLockConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsClients } from '../aws/clients.js';
import { protectedBuckets, RESOURCE_NAMES, type Config } from '../config/index.js';
import { SNAPSHOT_SERVICES } from '../protect/snapshots/model.js';

export interface PreflightCheck {
  check: string;
  passed: boolean;
  detail: string;
}

/** The evidence bucket: outside the vault-bucket prefix the SCPs freeze, so the operator can add evidence to it. */
export const evidenceBucketName = (config: Config) =>
  `${config.name}-airgap-evidence-${config.organizations.vault.vaultAccount}`;

const why = (e: unknown) => `${(e as Error).name}: ${(e as Error).message}`;

/**
 * Read-only checks of the real accounts before the drill creates anything there: every account answers as itself
 * through the operator role, the vault's organization is not the source's, and what the stacks deploy is in place
 * (vault buckets locked in COMPLIANCE for at least the configured days, vault and share keys, the catalog, the
 * evidence bucket with Object Lock).
 */
export async function preflight(clients: AwsClients, config: Config): Promise<PreflightCheck[]> {
  const { source, vault } = config.organizations;
  const checks: PreflightCheck[] = [];
  const add = async (check: string, fn: () => Promise<string>) => {
    try {
      checks.push({ check, passed: true, detail: await fn() });
    } catch (e) {
      checks.push({ check, passed: false, detail: why(e) });
    }
  };
  const accounts = [...source.workloadAccounts.map((w) => w.id), vault.vaultAccount, vault.restoreAccount];
  for (const account of accounts) {
    await add(`account ${account} answers through ${clients.roleArn(account)}`, async () => {
      const me = await clients.for(STSClient, account).send(new GetCallerIdentityCommand({}));
      if (me.Account !== account) throw new Error(`the role answered as account ${me.Account}`);
      return me.Arn ?? account;
    });
  }
  const orgOf = async (account: string) =>
    (await clients.for(OrganizationsClient, account).send(new DescribeOrganizationCommand({}))).Organization!
      .Id!;
  await add('the vault is in another organization than every workload account', async () => {
    const vaultOrg = await orgOf(vault.vaultAccount);
    for (const w of source.workloadAccounts) {
      const org = await orgOf(w.id);
      if (org === vaultOrg) throw new Error(`${w.name} (${w.id}) is in the vault's organization ${vaultOrg}`);
    }
    return `vault organization ${vaultOrg}`;
  });
  const vaultS3 = clients.for(S3Client, vault.vaultAccount, config.vault.region);
  const locked = async (bucket: string, minDays: number) => {
    const out = await vaultS3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
    const c = out.ObjectLockConfiguration;
    const rule = c?.Rule?.DefaultRetention;
    const days = (rule?.Days ?? 0) + (rule?.Years ?? 0) * 365;
    if (c?.ObjectLockEnabled !== 'Enabled') throw new Error(`${bucket} has no Object Lock`);
    if (rule?.Mode !== 'COMPLIANCE' || days < minDays)
      throw new Error(
        `${bucket} locks ${rule?.Mode ?? 'nothing'} for ${days} days, not COMPLIANCE ≥ ${minDays}`,
      );
    return `${bucket}: COMPLIANCE, ${days} days`;
  };
  for (const b of protectedBuckets(config))
    await add(`vault bucket of ${b.bucket}`, () => locked(b.vaultBucket, config.vault.retention.days));
  await add('evidence bucket', () => locked(evidenceBucketName(config), 1));
  const key = async (account: string, region: string, alias: string) => {
    const out = await clients.for(KMSClient, account, region).send(new DescribeKeyCommand({ KeyId: alias }));
    if (out.KeyMetadata?.KeyState && out.KeyMetadata.KeyState !== 'Enabled')
      throw new Error(`${alias} is ${out.KeyMetadata.KeyState}`);
    return out.KeyMetadata!.Arn!;
  };
  const snapshotSelectors = SNAPSHOT_SERVICES.flatMap((s) => config.protect[s]);
  const regions = new Set([
    config.vault.region,
    ...snapshotSelectors.map((s) => s.region ?? source.regions[0]!),
  ]);
  for (const region of regions)
    await add(`vault key in ${region}`, () =>
      key(vault.vaultAccount, region, RESOURCE_NAMES.vaultKeyAlias(config)),
    );
  for (const sel of snapshotSelectors) {
    const region = sel.region ?? source.regions[0]!;
    await add(`snapshot share key of ${sel.account} in ${region}`, () =>
      key(sel.account, region, RESOURCE_NAMES.sourceKeyAlias(config)),
    );
  }
  if (snapshotSelectors.length > 0)
    await add('recovery catalog', async () => {
      const table = RESOURCE_NAMES.catalogTable(config);
      await clients
        .for(DynamoDBClient, vault.vaultAccount, config.vault.region)
        .send(new DescribeTableCommand({ TableName: table }));
      return table;
    });
  return checks;
}
