import { KMSClient, ListAliasesCommand } from '@aws-sdk/client-kms';
import type { AwsClients, SentCommand } from '../../src/aws/clients.js';
import {
  accountsByRole,
  protectedBuckets,
  RESOURCE_NAMES,
  ROLE_NAMES,
  vaultKeyRegions,
  type Config,
} from '../../src/config/index.js';
import { authorize } from '../../src/proof/evaluate.js';
import type { ProofModel } from '../../src/proof/model.js';
import { principals } from '../../src/proof/principals.js';
import { SANDBOX_ROLE } from '../../src/sandbox/session.js';
import { iamRequests, type ResourceFacts } from './iam-requests.js';

/**
 * Who owns each bucket of the config, and which key each alias names in each region with keys of the templates: the
 * template's key of that account, region and alias where a template holds one (a call on the sandbox's key is judged
 * under the template's key policy), else the account's own.
 */
export async function resourceFacts(
  clients: AwsClients,
  config: Config,
  model: ProofModel,
): Promise<ResourceFacts> {
  const { vaultAccount } = config.organizations.vault;
  const keys = new Map<string, string>();
  for (const region of vaultKeyRegions(config))
    for (const account of new Set(accountsByRole(config).map((a) => a.id))) {
      const listed = await clients.for(KMSClient, account, region).send(new ListAliasesCommand({}));
      for (const a of listed.Aliases ?? []) {
        const key = model.resources.find(
          (r) =>
            r.kind === 'key' &&
            r.account === account &&
            r.alias === a.AliasName &&
            r.arn.startsWith(`arn:aws:kms:${region}:`),
        );
        if (!a.TargetKeyId) continue;
        const arn = `arn:aws:kms:${region}:${account}:key/${a.TargetKeyId}`;
        for (const id of [a.AliasName!, a.TargetKeyId, arn])
          keys.set(`${region}/${account}/${id}`, key?.arn ?? arn);
      }
    }
  const buckets = protectedBuckets(config);
  return {
    bucketOwner: (name) =>
      name === RESOURCE_NAMES.evidenceBucket(config) || buckets.some((b) => b.vaultBucket === name)
        ? vaultAccount
        : buckets.find((b) => b.bucket === name)?.account,
    backupVaultOf: (point) => {
      const vaults = model.resources.filter(
        (r) => r.kind === 'backup-vault' && r.account === point.split(':')[4],
      );
      return vaults.length === 1 ? vaults[0]!.arn : undefined;
    },
    keyArn: (account, keyRegion, keyId) =>
      keys.get(`${keyRegion}/${account}/${keyId}`) ??
      (keyId.startsWith('arn:') ? keyId : `arn:aws:kms:${keyRegion}:${account}:key/${keyId}`),
  };
}

/** A call the role that sent it may not make; `line` says it all (command, call, account, role, action, why). */
export interface Denial {
  call: string;
  account: string;
  kind: string;
  role: string;
  action: string;
  line: string;
}

/**
 * A key no template of the vault organization holds (a workload account's own): judged under the default key policy,
 * which lets the account's IAM policies decide.
 */
const defaultKeyPolicy = (account: string) => ({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
  ],
});

/**
 * The calls of one command that the role which sent them may not make, one line each (command, call, account and
 * its kind, role, action, resource, why): every call held to that role's identity policies as synthesized, its
 * organization's SCPs and the resource's policy, by iam-simulate in Discovery mode.
 */
export async function deniedCalls(
  model: ProofModel,
  command: string,
  sent: SentCommand[],
  facts: ResourceFacts,
): Promise<Denial[]> {
  const kindOf = new Map(accountsByRole(model.config).map((a) => [a.id, a.role]));
  const who = principals(model);
  const out = new Map<string, Denial>();
  const deny = (d: Omit<Denial, 'line'>, why: string) => {
    const line = `${command}: ${d.call} in the ${d.kind} account ${d.account} as ${d.role}: ${why}`;
    out.set(line, { ...d, line });
  };
  for (const call of sent) {
    // On the sandbox the CLI reaches each account with the sandbox's role; on AWS that is AirGapOperator.
    const role = call.role === SANDBOX_ROLE ? ROLE_NAMES.operator : call.role;
    const at = {
      call: call.command,
      account: call.account!,
      kind: kindOf.get(call.account!) ?? '?',
      role: role!,
    };
    const requests = await iamRequests(call, facts);
    if (requests.length === 0) continue;
    const principal = who.find((p) => p.id === `role:${call.account}:${role}`);
    if (!principal) {
      deny({ ...at, action: '' }, 'no such role in the templates');
      continue;
    }
    for (const request of requests) {
      const decision = await authorize(model, principal, {
        ...request,
        ...(request.action.startsWith('kms:') && !model.resources.some((r) => r.arn === request.resource)
          ? { resourcePolicy: defaultKeyPolicy(request.resourceAccount) }
          : {}),
      });
      if (!decision.allowed)
        deny(
          { ...at, action: request.action },
          `${request.action} on ${request.resource} denied (${decision.decidedBy.join(', ')})`,
        );
    }
  }
  return [...out.values()];
}
