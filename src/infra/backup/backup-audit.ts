import { Aws } from 'aws-cdk-lib/core';
import * as backup from 'aws-cdk-lib/aws-backup';
import { Construct } from 'constructs';
import { BACKUP_AUDIT_MANAGER_CONTROLS } from '../../audit/rules/backup.js';
import { backupRegion, backupVaults, SERVICES, type Config, type Service } from '../../config/index.js';

type ControlName = (typeof BACKUP_AUDIT_MANAGER_CONTROLS)[number];

export interface AuditControl {
  name: ControlName;
  parameters: Record<string, string>;
  resourceTypes?: string[];
}

/** Backup Audit Manager's names for the services this project protects. */
const COMPLIANCE_TYPE: Record<Service, string> = {
  s3: 'S3',
  rds: 'RDS',
  aurora: 'Aurora',
  ebs: 'EBS',
  efs: 'EFS',
  fsx: 'FSx',
};

/** Where a framework runs: a workload account (every control) or the backup account (its vault's controls). */
export type AuditedLayer = 'workload' | 'backup-account';

/**
 * The controls of the Air Gap Recover framework, with parameters from the config, so AWS evaluates the same
 * objectives `airgap audit` does. Frequency and recovery-point age come from the largest RPO of the protected
 * services (AWS caps hours at 24 and 744); cross-region only when a copy leaves the backup region.
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/controls-and-remediation.html
 */
export function auditControls(config: Config, layer: AuditedLayer): AuditControl[] {
  const b = config.backup;
  const services = SERVICES.filter((s) => config.protect[s].length > 0);
  const rpoHours = Math.ceil(Math.max(...services.map((s) => config.rpoMinutes[s])) / 60);
  const copies = backupVaults(config, Aws.ACCOUNT_ID).slice(1);
  const otherRegions = [...new Set(copies.map((v) => v.region))].filter((r) => r !== backupRegion(config));
  const retention = layer === 'workload' ? b.localRetentionDays : b.backupAccountRetentionDays;
  const scope = { resourceTypes: services.map((s) => COMPLIANCE_TYPE[s]) };
  const all: AuditControl[] = [
    { name: 'BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN', parameters: {}, ...scope },
    {
      name: 'BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK',
      parameters: { requiredRetentionDays: String(retention) },
    },
    // No principal is exempt: recovery points leave only by lifecycle expiry.
    { name: 'BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED', parameters: {} },
    { name: 'BACKUP_RECOVERY_POINT_ENCRYPTED', parameters: {} },
    {
      name: 'BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK',
      parameters:
        rpoHours <= 24
          ? {
              requiredFrequencyUnit: 'hours',
              requiredFrequencyValue: String(rpoHours),
              requiredRetentionDays: String(retention),
            }
          : {
              requiredFrequencyUnit: 'days',
              requiredFrequencyValue: String(Math.min(31, Math.ceil(rpoHours / 24))),
              requiredRetentionDays: String(retention),
            },
    },
    {
      name: 'BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK',
      parameters: {
        minRetentionDays: String(
          b.primaryToAirGap && layer === 'workload' ? b.airGapMinRetentionDays : b.vaultLock.minRetentionDays,
        ),
        maxRetentionDays: String(
          b.primaryToAirGap && layer === 'workload' ? b.airGapMaxRetentionDays : b.vaultLock.maxRetentionDays,
        ),
      },
      ...scope,
    },
    ...(otherRegions.length
      ? [
          {
            name: 'BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION' as const,
            parameters: { crossRegionList: otherRegions.join(',') },
            ...scope,
          },
        ]
      : []),
    ...(copies.length
      ? [
          {
            name: 'BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT' as const,
            parameters: { crossAccountList: copies.map((v) => v.account).join(',') },
            ...scope,
          },
        ]
      : []),
    {
      name: 'BACKUP_LAST_RECOVERY_POINT_CREATED',
      parameters: { recoveryPointAgeUnit: 'hours', recoveryPointAgeValue: String(Math.min(744, rpoHours)) },
      ...scope,
    },
    {
      name: 'RESTORE_TIME_FOR_RESOURCES_MEET_TARGET',
      parameters: { maxRestoreTime: String(b.restoreTimeTargetMinutes) },
      ...scope,
    },
  ];
  // The backup account holds copies, not protected resources: only its vault and recovery point controls apply.
  const backupAccountControls: ControlName[] = [
    'BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK',
    'BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED',
    'BACKUP_RECOVERY_POINT_ENCRYPTED',
  ];
  return layer === 'workload' ? all : all.filter((c) => backupAccountControls.includes(c.name));
}

/** Job reports (backup, copy, restore) and compliance reports (controls, resources) of one framework. */
export const REPORT_TEMPLATES = [
  'BACKUP_JOB_REPORT',
  'COPY_JOB_REPORT',
  'RESTORE_JOB_REPORT',
  'CONTROL_COMPLIANCE_REPORT',
  'RESOURCE_COMPLIANCE_REPORT',
] as const;

export interface BackupAuditProps {
  config: Config;
  layer: AuditedLayer;
  /** Where the report plans deliver (the backup account's report bucket); no report plans without one. */
  reportBucket?: string;
}

/**
 * Backup Audit Manager in one account: the framework and its report plans. Frameworks evaluate through AWS
 * Config, which must record in the account (Control Tower and most landing zones turn it on).
 */
export class BackupAudit extends Construct {
  readonly framework: backup.CfnFramework;

  constructor(scope: Construct, id: string, props: BackupAuditProps) {
    super(scope, id);
    const name = props.config.name.replace(/-/g, '_');
    this.framework = new backup.CfnFramework(this, 'Framework', {
      frameworkName: `${name}_airgap_${props.layer.replace('-', '_')}`,
      frameworkDescription: 'Air Gap Recover: the AWS Backup path, judged by the objectives of airgap.yaml',
      frameworkControls: auditControls(props.config, props.layer).map((c) => ({
        controlName: c.name,
        controlInputParameters: Object.entries(c.parameters).map(([parameterName, parameterValue]) => ({
          parameterName,
          parameterValue,
        })),
        ...(c.resourceTypes ? { controlScope: { ComplianceResourceTypes: c.resourceTypes } } : {}),
      })),
    });
    if (!props.reportBucket) return;
    for (const template of REPORT_TEMPLATES) {
      const compliance = template.endsWith('COMPLIANCE_REPORT');
      new backup.CfnReportPlan(this, template, {
        reportPlanName: `${name}_airgap_${template.toLowerCase()}`,
        reportPlanDescription: `Air Gap Recover: ${template.toLowerCase().replace(/_/g, ' ')}`,
        reportSetting: {
          ReportTemplate: template,
          ...(compliance ? { FrameworkArns: [this.framework.attrFrameworkArn] } : {}),
        },
        reportDeliveryChannel: {
          S3BucketName: props.reportBucket,
          // One prefix per account: every workload account delivers into the same bucket.
          S3KeyPrefix: `airgap/${Aws.ACCOUNT_ID}`,
          Formats: ['CSV', 'JSON'],
        },
      });
    }
  }
}
