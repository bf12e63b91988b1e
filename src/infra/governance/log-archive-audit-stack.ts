import { Stack, type StackProps } from 'aws-cdk-lib/core';
import type { Construct } from 'constructs';
import type { Config } from '../../config/index.js';
import { AccountBaseline } from './account-baseline.js';
import { AuditReadRole } from './audit-read-role.js';

/**
 * Control Tower's Log Archive account (`organizations.vault.logArchiveAccount` with `governance.controlTower`),
 * whose bucket, trail and recorders Control Tower owns, so `LogArchiveStack` is not deployed there: only the audit's
 * read role (trusted by the vault's audit function role alone), so the audit finds the trail and Config delivery in
 * this account's buckets and checks its logging, and the account baseline (GuardDuty) every vault-organization
 * account a template deploys to has.
 */
export class LogArchiveAuditStack extends Stack {
  constructor(scope: Construct, id: string, config: Config, props: StackProps) {
    super(scope, id, props);
    new AuditReadRole(this, 'AuditRead', {
      config,
      account: config.organizations.vault.logArchiveAccount!,
      reads: { logging: true, logDelivery: true },
    });
    new AccountBaseline(this, 'Baseline', { config });
  }
}
