import {
  AttachPolicyCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand,
  DescribeOrganizationCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws/clients.js';
import { protectedBuckets, RESOURCE_NAMES, ROLE_NAMES, type Config } from '../config/index.js';
import { guardrails } from '../infra/guardrails/policies.js';
import { bucketExists } from '../protect/s3/bucket-exists.js';
import { configureReplication } from '../protect/s3/replication.js';
import { ensureKey } from './keys.js';
import { ensureLockedBucket } from './locked-bucket.js';

export interface ProvisionReport {
  organizations: { source: string; vault: string };
  guardrailsAttached: string[];
  vaultKeyArn: string;
  buckets: { source: string; vault: string }[];
  /** What this run created; empty when the sandbox already held everything (re-running `up` changes nothing). */
  created: string[];
}

/**
 * Builds on the sandbox what the stacks and the operator would build on AWS for the S3 path, idempotently:
 * both organizations with the vault guardrails attached, the vault key, Object Lock vault buckets (default
 * retention set before the first write), versioned source buckets, and their replication rules.
 */
export async function provisionSandbox(clients: AwsClients, config: Config): Promise<ProvisionReport> {
  const { source, vault } = config.organizations;
  const created: string[] = [];
  const sourceOrg = await ensureOrganization(
    clients.for(OrganizationsClient, source.managementAccount),
    created,
  );
  const vaultOrgs = clients.for(OrganizationsClient, vault.managementAccount);
  const vaultOrg = await ensureOrganization(vaultOrgs, created);
  const guardrailsAttached = await attachGuardrails(vaultOrgs, config);
  created.push(...guardrailsAttached.map((g) => `guardrail ${g}`));

  const vaultAccountKey = async (what: string, alias: string) => {
    const key = await ensureKey(clients, vault.vaultAccount, config.vault.region, alias);
    if (key.created) created.push(`${what} ${alias}`);
    return key.arn;
  };
  const vaultKeyArn = await vaultAccountKey('vault key', RESOURCE_NAMES.vaultKeyAlias(config));
  await vaultAccountKey('catalog key', RESOURCE_NAMES.catalogKeyAlias(config));
  const buckets: ProvisionReport['buckets'] = [];
  const vaultS3 = clients.for(S3Client, vault.vaultAccount, config.vault.region);
  for (const bucket of protectedBuckets(config)) {
    if (await ensureLockedBucket(vaultS3, bucket.vaultBucket, config.vault.retention)) {
      created.push(`vault bucket ${bucket.vaultBucket}`);
      await vaultS3.send(
        new PutBucketEncryptionCommand({
          Bucket: bucket.vaultBucket,
          ServerSideEncryptionConfiguration: {
            Rules: [
              {
                ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: vaultKeyArn },
                BucketKeyEnabled: true,
                BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
              },
            ],
          },
        }),
      );
    }
    const sourceS3 = clients.for(S3Client, bucket.account, bucket.region);
    if (!(await bucketExists(sourceS3, bucket.bucket))) {
      created.push(`source bucket ${bucket.bucket}`);
      await sourceS3.send(new CreateBucketCommand({ Bucket: bucket.bucket }));
      await sourceS3.send(
        new PutBucketVersioningCommand({
          Bucket: bucket.bucket,
          VersioningConfiguration: { Status: 'Enabled' },
        }),
      );
    }
    if (await ensureRole(clients.for(IAMClient, bucket.account), ROLE_NAMES.replication, 's3.amazonaws.com'))
      created.push(`role ${ROLE_NAMES.replication} in ${bucket.account}`);
    await configureReplication(clients, config, bucket);
    buckets.push({ source: bucket.bucket, vault: bucket.vaultBucket });
  }
  return {
    organizations: { source: sourceOrg, vault: vaultOrg },
    guardrailsAttached,
    vaultKeyArn,
    buckets,
    created,
  };
}

async function ensureOrganization(orgs: OrganizationsClient, created: string[]): Promise<string> {
  const existing = await orgs.send(new DescribeOrganizationCommand({})).catch(() => undefined);
  if (existing?.Organization?.Id) return existing.Organization.Id;
  const org = await orgs.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  created.push(`organization ${org.Organization!.Id!}`);
  return org.Organization!.Id!;
}

async function attachGuardrails(orgs: OrganizationsClient, config: Config): Promise<string[]> {
  const root = (await orgs.send(new ListRootsCommand({}))).Roots![0]!.Id!;
  const attached: string[] = [];
  for (const g of guardrails(config).filter((x) => x.organization === 'vault')) {
    const type = g.kind === 'SCP' ? 'SERVICE_CONTROL_POLICY' : 'RESOURCE_CONTROL_POLICY';
    const listed = await orgs.send(new ListPoliciesCommand({ Filter: type }));
    if (listed.Policies?.some((p) => p.Name === g.name)) continue;
    const policy = await orgs.send(
      new CreatePolicyCommand({
        Name: g.name,
        Description: g.description,
        Type: type,
        Content: JSON.stringify(g.document),
      }),
    );
    await orgs.send(new AttachPolicyCommand({ PolicyId: policy.Policy!.PolicySummary!.Id!, TargetId: root }));
    attached.push(g.name);
  }
  return attached;
}

/** Creates the role unless it exists; true when it was created. */
async function ensureRole(iam: IAMClient, name: string, service: string): Promise<boolean> {
  const exists = await iam.send(new GetRoleCommand({ RoleName: name })).then(
    () => true,
    () => false,
  );
  if (exists) return false;
  await iam.send(
    new CreateRoleCommand({
      RoleName: name,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  return true;
}
