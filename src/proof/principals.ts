import { ROLE_NAMES } from '../config/index.js';
import type { ModelRole, Policy, ProofModel } from './model.js';

/** Who attacks: each with the identity policies and request context AWS would give their calls. */
export interface Principal {
  id: string;
  label: string;
  arn: string;
  account: string;
  /** The organization whose SCPs bind the principal; undefined outside both (and for management accounts). */
  organization: 'source' | 'vault' | undefined;
  orgId: string | undefined;
  policies: { name: string; policy: Policy }[];
  mfa: boolean;
  /**
   * Attackers are judged on every attack; vault operators on destructive ones; the break-glass role, which may
   * reconfigure the vault, only on destroying data: deleting versions or copies, shortening retention, killing keys.
   */
  trust: 'attacker' | 'vault-operator' | 'break-glass';
}

const ADMIN: Policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
export const OUTSIDE_ACCOUNT = '999999999999';

/**
 * The principals of the threat model: a fully compromised source organization (every account's administrator and
 * root, the management account's included, and the roles this project creates there), vault-organization
 * operators without MFA, the restore account, and a stranger.
 */
export function principals(model: ProofModel): Principal[] {
  const { source, vault } = model.config.organizations;
  const admin = (
    id: string,
    label: string,
    account: string,
    org: 'source' | 'vault',
    opts: Partial<Principal> = {},
  ): Principal => ({
    id,
    label,
    arn: `arn:aws:iam::${account}:role/Admin`,
    account,
    organization: org,
    orgId: org === 'source' ? source.id : vault.id,
    policies: [{ name: 'AdministratorAccess', policy: ADMIN }],
    mfa: false,
    trust: 'attacker',
    ...opts,
  });
  /**
   * An account's administrator and its root: both may do anything in the account, under the same SCPs (none in a
   * management account).
   */
  const adminAndRoot = (
    [adminId, rootId]: [string, string],
    label: string,
    account: string,
    opts: Partial<Principal> = {},
  ): Principal[] => [
    admin(adminId, `${label} administrator`, account, 'source', opts),
    admin(rootId, `${label} root`, account, 'source', { ...opts, arn: `arn:aws:iam::${account}:root` }),
  ];
  const out: Principal[] = [];
  for (const w of source.workloadAccounts)
    out.push(
      ...adminAndRoot([`source-admin:${w.id}`, `source-root:${w.id}`], `source account ${w.name}`, w.id),
    );
  // SCPs never bind a management account: its administrator and root are evaluated without them.
  out.push(
    ...adminAndRoot(
      ['source-management-admin', 'source-management-root'],
      'source management account',
      source.managementAccount,
      { organization: undefined },
    ),
  );
  if (source.backupAccount)
    out.push(...adminAndRoot(['backup-admin', 'backup-root'], 'source backup account', source.backupAccount));
  // The logically air-gapped vault's account is a source account too (AWS Backup copies within one organization):
  // whoever owns it, its root included, must not empty the vault either.
  if (source.airGapAccount && model.config.paths.backup && model.config.backup.airGappedVault)
    out.push(
      ...adminAndRoot(['air-gap-admin', 'air-gap-root'], 'source air-gap account', source.airGapAccount),
    );
  for (const role of model.roles.filter((r) => r.organization === 'source'))
    out.push(fromRole(role, source.id, 'attacker'));
  out.push(
    admin('vault-admin', 'vault account administrator without MFA', vault.vaultAccount, 'vault', {
      trust: 'vault-operator',
    }),
    admin('vault-root', 'vault account root', vault.vaultAccount, 'vault', {
      arn: `arn:aws:iam::${vault.vaultAccount}:root`,
      trust: 'vault-operator',
    }),
    admin('restore-admin', 'restore account administrator without MFA', vault.restoreAccount, 'vault', {
      trust: 'vault-operator',
    }),
    admin('break-glass', 'vault break-glass role (with MFA)', vault.vaultAccount, 'vault', {
      arn: `arn:aws:iam::${vault.vaultAccount}:role/${model.config.access.breakGlassRole}`,
      mfa: true,
      trust: 'break-glass',
    }),
  );
  for (const role of model.roles.filter((r) => r.organization === 'vault')) {
    // People assume the restore and operator roles, with MFA (their trust and the vault SCP require it).
    const human = role.name === ROLE_NAMES.restore || role.name === ROLE_NAMES.operator;
    out.push(fromRole(role, vault.id, 'vault-operator', human));
  }
  out.push({
    id: 'outsider',
    label: 'principal outside both organizations',
    arn: `arn:aws:iam::${OUTSIDE_ACCOUNT}:role/Admin`,
    account: OUTSIDE_ACCOUNT,
    organization: undefined,
    orgId: undefined,
    policies: [{ name: 'AdministratorAccess', policy: ADMIN }],
    mfa: false,
    trust: 'attacker',
  });
  return out;
}

function fromRole(role: ModelRole, orgId: string, trust: Principal['trust'], mfa = false): Principal {
  return {
    id: `role:${role.account}:${role.name}`,
    label: `${role.name} role in ${role.account}`,
    arn: role.arn,
    account: role.account,
    organization: role.organization,
    orgId,
    policies: role.policies,
    mfa,
    trust,
  };
}
