import type { Config } from './schema.js';

/**
 * Names that infrastructure, runtime, proof and sandbox must agree on. Deterministic from the config,
 * so no component needs to look another one up.
 */
export const ROLE_NAMES = {
  /** Source accounts: assumed by S3 to replicate protected buckets into the vault. */
  replication: 'AirGapReplication',
  /** Source accounts: assumed by S3 Batch Operations to backfill protected buckets (Batch Replication). */
  batchReplication: 'AirGapBatchReplication',
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

export function roleArn(account: string, role: RoleKey): string {
  return `arn:aws:iam::${account}:role/${ROLE_NAMES[role]}`;
}

export function stackName(config: Config, role: string): string {
  return `${config.name}-airgap-${role}`;
}

export const RESOURCE_NAMES = {
  catalogTable: (config: Config) => `${config.name}-airgap-catalog`,
  eventBus: (config: Config) => `${config.name}-airgap-vault`,
  alertTopic: (config: Config) => `${config.name}-airgap-alerts`,
  vaultKeyAlias: (config: Config) => `alias/${config.name}-airgap-vault`,
  sourceKeyAlias: (config: Config) => `alias/${config.name}-airgap-source`,
  restoreKeyAlias: (config: Config) => `alias/${config.name}-airgap-restore`,
} as const;

/** Tags that every vault copy carries (snapshots, recovery points), read by retention, status and restore. */
export const TAGS = {
  sourceArn: 'airgap:source-arn',
  sourceAccount: 'airgap:source-account',
  createdAt: 'airgap:created-at',
  retainUntil: 'airgap:retain-until',
  drill: 'airgap:drill',
} as const;
