import { Stack, type StackProps } from 'aws-cdk-lib/core';
import type { Construct } from 'constructs';
import { RESOURCE_NAMES, type Config } from '../../config/index.js';
import { AuditReadRole } from '../governance/audit-read-role.js';
import { OperatorRole } from '../operator/operator-role.js';
import { BackupAudit } from './backup-audit.js';
import { LockedBackupVault } from './locked-backup-vault.js';
import { ReportBucket } from './report-bucket.js';

/**
 * The backup account (source organization, second layer): one locked vault that workload accounts copy into,
 * and the bucket every account's Backup Audit Manager reports land in.
 */
export class BackupAccountStack extends Stack {
  constructor(
    scope: Construct,
    id: string,
    config: Config,
    props: StackProps & { env: { account: string } },
  ) {
    super(scope, id, props);
    new AuditReadRole(this, 'AuditRead', { config, account: props.env.account, reads: { backup: true } });
    new OperatorRole(this, 'Operator', { config, accountRole: 'backup', account: props.env.account });
    new LockedBackupVault(this, 'BackupVault', {
      config,
      name: RESOURCE_NAMES.backupAccountVault(config),
      copyFromAccounts: config.organizations.source.workloadAccounts.map((a) => a.id),
    });
    const reports = new ReportBucket(this, 'Reports', { config, account: props.env.account });
    new BackupAudit(this, 'Audit', {
      config,
      layer: 'backup-account',
      reportBucket: reports.bucket.bucketName,
    });
  }
}
