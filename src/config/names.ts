import type { Config } from './schema.js';

/**
 * Names that infrastructure, runtime, proof and sandbox must agree on. Deterministic from the config,
 * so no component needs to look another one up.
 */
export const ROLE_NAMES = {
  /** Source accounts: assumed by S3 to replicate protected buckets into the vault. */
  replication: 'AirGapReplication',
  /** Source accounts: shares new snapshots with the vault account. */
  snapshotSharer: 'AirGapSnapshotSharer',
  /** Vault account: copies shared snapshots under the vault key. */
  snapshotCopier: 'AirGapSnapshotCopier',
  /** Vault account: the one principal the SCPs let delete expired vault copies. */
  retention: 'AirGapRetention',
  /** Vault account: read-only checks (status, verify, audit). */
  auditor: 'AirGapAuditor',
  /** Restore account: restores vault data into this account. */
  restore: 'AirGapRestore',
  /** Every account: the role the `airgap` CLI assumes to operate (read, copy, restore) on AWS. */
  operator: 'AirGapOperator',
  /** Vault organization: the named break-glass path for humans. */
  breakGlass: 'AirGapBreakGlass',
} as const;

export type RoleKey = keyof typeof ROLE_NAMES;

/**
 * Roles of the vault organization that only AWS services assume (Lambda, EventBridge, Config): exempt by name
 * from the human-access conditions (MFA, source IP), since a function calls from AWS's addresses without MFA.
 * A new service role of the vault organization belongs here; a role people assume never does.
 */
export const VAULT_SERVICE_ROLES: readonly RoleKey[] = ['snapshotCopier', 'retention'];

export function roleArn(account: string, role: RoleKey): string {
  return `arn:aws:iam::${account}:role/${ROLE_NAMES[role]}`;
}

export function stackName(config: Config, role: string): string {
  return `${config.name}-airgap-${role}`;
}

/** Names derive from the deployment name alone, so a Lambda function needs only that to find them. */
type Named = Pick<Config, 'name'>;

export const RESOURCE_NAMES = {
  catalogTable: (config: Named) => `${config.name}-airgap-catalog`,
  eventBus: (config: Named) => `${config.name}-airgap-vault`,
  alertTopic: (config: Named) => `${config.name}-airgap-alerts`,
  vaultKeyAlias: (config: Named) => `alias/${config.name}-airgap-vault`,
  sourceKeyAlias: (config: Named) => `alias/${config.name}-airgap-source`,
  restoreKeyAlias: (config: Named) => `alias/${config.name}-airgap-restore`,
} as const;

/** Tags that every vault copy carries (snapshots, recovery points), read by retention, status and restore. */
export const TAGS = {
  sourceArn: 'airgap:source-arn',
  sourceAccount: 'airgap:source-account',
  createdAt: 'airgap:created-at',
  retainUntil: 'airgap:retain-until',
  drill: 'airgap:drill',
} as const;
