import { CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeKeyCommand, KMSClient, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { AddTagsToResourceCommand, RDSClient } from '@aws-sdk/client-rds';
import type { AwsClients } from '../aws/clients.js';
import { RESOURCE_NAMES, TAGS, type Config } from '../config/index.js';
import { vaultKeyArn } from '../protect/snapshots/copier.js';
import type { SnapshotApi, SnapshotService } from '../protect/snapshots/model.js';
import type { ProofModel } from '../proof/model.js';
import { OUTSIDE_ACCOUNT, principals, type Principal } from '../proof/principals.js';
import { runAttempts, type Attempt, type AttackRecord, type DrillScope } from './attacks.js';
import type { SnapshotSeed, VaultedSnapshot } from './snapshot-workload.js';

/** IAM's names for one snapshot kind: the delete, tag and share actions, and the resource ARN policies match. */
const IAM: Record<
  SnapshotService,
  { label: string; remove: string; tag: string; share: string; arn: (s: SnapshotRef) => string }
> = {
  rds: {
    label: 'RDS snapshot',
    remove: 'rds:DeleteDBSnapshot',
    tag: 'rds:AddTagsToResource',
    share: 'rds:ModifyDBSnapshotAttribute',
    arn: (s) => `arn:aws:rds:${s.region}:${s.account}:snapshot:${s.id}`,
  },
  aurora: {
    label: 'Aurora cluster snapshot',
    remove: 'rds:DeleteDBClusterSnapshot',
    tag: 'rds:AddTagsToResource',
    share: 'rds:ModifyDBClusterSnapshotAttribute',
    arn: (s) => `arn:aws:rds:${s.region}:${s.account}:cluster-snapshot:${s.id}`,
  },
  // EC2 snapshot ARNs carry no account.
  ebs: {
    label: 'EBS snapshot',
    remove: 'ec2:DeleteSnapshot',
    tag: 'ec2:CreateTags',
    share: 'ec2:ModifySnapshotAttribute',
    arn: (s) => `arn:aws:ec2:${s.region}::snapshot/${s.id}`,
  },
};

interface SnapshotRef {
  service: SnapshotService;
  account: string;
  region: string;
  id: string;
}

/**
 * The snapshot half of the ransomware playbook. As an administrator of the source organization: delete every
 * source snapshot and schedule the share key's deletion. Then, with those stolen credentials and as a vault
 * administrator without MFA, against every vault copy: delete it, shorten its retention (the retain-until tag the
 * retention sweeper obeys), share it outside the vault organization, unlock it (EBS), and disable the vault key.
 * moto can address another account's snapshot or key by neither ARN nor session, so every vault attempt AWS would
 * allow is sent with the vault account's own session: the emulator then performs what got through.
 */
export async function runSnapshotAttacks(
  clients: AwsClients,
  config: Config,
  model: ProofModel,
  apis: Record<SnapshotService, SnapshotApi>,
  seeds: SnapshotSeed[],
  vaulted: VaultedSnapshot[],
  scope: Pick<DrillScope, 'sendsProductionAttacks'>,
): Promise<AttackRecord[]> {
  const shareKeys = new Map<string, { arn: string; keyId: string }>();
  for (const s of seeds)
    if (!shareKeys.has(`${s.account}/${s.region}`)) {
      const key = await clients
        .for(KMSClient, s.account, s.region)
        .send(new DescribeKeyCommand({ KeyId: RESOURCE_NAMES.sourceKeyAlias(config) }));
      shareKeys.set(`${s.account}/${s.region}`, {
        arn: key.KeyMetadata!.Arn!,
        keyId: key.KeyMetadata!.KeyId!,
      });
    }
  const vaultKeys = new Map<string, string>();
  for (const region of new Set(vaulted.map((v) => v.region)))
    vaultKeys.set(region, await vaultKeyArn(clients, config, region));
  const ctx = { clients, config, model, apis, seeds, vaulted, shareKeys, vaultKeys };
  return runAttempts(model, snapshotAttempts(ctx), scope);
}

/** What the snapshot playbook aims at: found by the drill at attack time, or named in advance by the dry run. */
export interface SnapshotAttackContext {
  clients: AwsClients;
  config: Config;
  model: ProofModel;
  apis: Record<SnapshotService, SnapshotApi>;
  seeds: SnapshotSeed[];
  vaulted: VaultedSnapshot[];
  /** The share key of each `account/region` of the seeds. */
  shareKeys: ReadonlyMap<string, { arn: string; keyId: string }>;
  /** The vault key ARN of each region of the vault copies. */
  vaultKeys: ReadonlyMap<string, string>;
}

/** The snapshot playbook's attempts, built without a call: each `send` runs only if `runAttempts` sends it. */
export function snapshotAttempts(ctx: SnapshotAttackContext): Attempt[] {
  const { clients, config, model, apis, seeds, vaulted } = ctx;
  const vault = config.organizations.vault.vaultAccount;
  const who = principals(model);
  const vaultAdmin = who.find((p) => p.id === 'vault-admin')!;
  const attempts: Attempt[] = [];

  for (const account of new Set(seeds.map((s) => s.account))) {
    const sourceAdmin = who.find((p) => p.id === `source-admin:${account}`)!;
    const mine = seeds.filter((s) => s.account === account);
    for (const s of mine) {
      const ref = { service: s.service, account, region: s.region, id: s.snapshotId };
      attempts.push({
        actor: sourceAdmin,
        attack: `delete the source ${IAM[s.service].label} ${s.snapshotId}`,
        action: IAM[s.service].remove,
        resource: IAM[s.service].arn(ref),
        resourceAccount: account,
        target: 'source',
        send: () => deleteSnapshot(apis, ref),
      });
    }
    for (const region of new Set(mine.map((s) => s.region))) {
      const kms = clients.for(KMSClient, account, region);
      const key = ctx.shareKeys.get(`${account}/${region}`)!;
      attempts.push({
        actor: sourceAdmin,
        attack: 'schedule the snapshot share key’s deletion',
        action: 'kms:ScheduleKeyDeletion',
        resource: key.arn,
        resourceAccount: account,
        target: 'source',
        // Every snapshot of the account is shared under this key: on real accounts it is production.
        production: true,
        // The share key is administered by its own account, as KMS's default key policy has it.
        resourcePolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${account}:root` },
              Action: 'kms:*',
              Resource: '*',
            },
          ],
        },
        send: async () => {
          await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.keyId, PendingWindowInDays: 7 }));
          return 'key deletion scheduled';
        },
      });
    }
    attempts.push(...vaultAttempts(clients, config, apis, sourceAdmin, vaulted));
  }
  attempts.push(...vaultAttempts(clients, config, apis, vaultAdmin, vaulted));
  for (const region of new Set(vaulted.map((v) => v.region))) {
    const keyArn = ctx.vaultKeys.get(region)!;
    for (const actor of [...new Set(seeds.map((s) => s.account))].map((a) =>
      who.find((p) => p.id === `source-admin:${a}`)!,
    ))
      attempts.push(disableKey(actor, keyArn, vault));
    attempts.push(disableKey(vaultAdmin, keyArn, vault));
  }
  return attempts;
}

function vaultAttempts(
  clients: AwsClients,
  config: Config,
  apis: Record<SnapshotService, SnapshotApi>,
  actor: Principal,
  vaulted: VaultedSnapshot[],
): Attempt[] {
  const vault = config.organizations.vault.vaultAccount;
  return vaulted.flatMap((v) => {
    const ref = { service: v.service, account: vault, region: v.region, id: v.vaultCopyId };
    const iam = IAM[v.service];
    const on = (attack: string, action: string, send?: Attempt['send']): Attempt => ({
      actor,
      attack: `${attack} (${iam.label} copy of ${v.resourceId})`,
      action,
      resource: iam.arn(ref),
      resourceAccount: vault,
      target: 'vault',
      production: true,
      ...(send ? { send } : {}),
    });
    return [
      on('delete a vault copy', iam.remove, () => deleteSnapshot(apis, ref)),
      on('shorten a vault copy’s retention (retain-until tag set to the past)', iam.tag, async () => {
        await tagSnapshot(clients, ref, { [TAGS.retainUntil]: '2000-01-01T00:00:00Z' });
        return 'retain-until rewritten: the next retention sweep deletes the copy';
      }),
      on('share a vault copy outside the vault organization', iam.share, async () => {
        await apis[v.service].shareWith(vault, v.region, v.vaultCopyId, OUTSIDE_ACCOUNT);
        return `shared with ${OUTSIDE_ACCOUNT}`;
      }),
      // moto has no snapshot lock: only the policy decides this one.
      ...(v.service === 'ebs' ? [on('unlock a vault copy’s snapshot lock', 'ec2:UnlockSnapshot')] : []),
    ];
  });
}

const deleteSnapshot = async (apis: Record<SnapshotService, SnapshotApi>, s: SnapshotRef) => {
  await apis[s.service].deleteCopy(s.account, s.region, s.id);
  return 'snapshot deleted';
};

// moto cannot address another account's key, nor does it enforce key state: the policy decides alone.
const disableKey = (actor: Principal, keyArn: string, vault: string): Attempt => ({
  actor,
  attack: 'disable the vault key the snapshot copies are encrypted with',
  action: 'kms:DisableKey',
  resource: keyArn,
  resourceAccount: vault,
  target: 'vault',
  production: true,
});

async function tagSnapshot(clients: AwsClients, s: SnapshotRef, tags: Record<string, string>) {
  const list = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  if (s.service === 'ebs')
    await clients
      .for(EC2Client, s.account, s.region)
      .send(new CreateTagsCommand({ Resources: [s.id], Tags: list }));
  else
    await clients
      .for(RDSClient, s.account, s.region)
      .send(new AddTagsToResourceCommand({ ResourceName: IAM[s.service].arn(s), Tags: list }));
}
