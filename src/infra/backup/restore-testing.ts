import * as backup from 'aws-cdk-lib/aws-backup';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { backupVaults, SERVICES, type Config } from '../../config/index.js';
import { RestoreTestAlerts } from './restore-test-alerts.js';
import { RestoreValidator, VALIDATION_WINDOW_HOURS } from './restore-validator.js';

/** What restore testing restores, by AWS Backup's protected resource type: seed 001's two services. */
const TESTED: Partial<Record<(typeof SERVICES)[number], string>> = { s3: 'S3', aurora: 'Aurora' };

/**
 * AWS Backup restore testing in the restore account: weekly, the newest recovery point of each protected S3
 * bucket and Aurora cluster in the RAM-shared air-gapped vault is restored there with the restore service role,
 * and AWS Backup records how long it took (the restore time that Backup Audit Manager judges). The validation
 * function checks each restored resource within the validation window and reports the verdict to AWS Backup;
 * failed validations and failed restore jobs alert the alert e-mails.
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing.html
 */
export class RestoreTesting extends Construct {
  readonly plan: backup.CfnRestoreTestingPlan;
  readonly validator: RestoreValidator;
  readonly alerts: RestoreTestAlerts;

  constructor(
    scope: Construct,
    id: string,
    props: { config: Config; serviceRoleArn: string; logKey: kms.Key },
  ) {
    super(scope, id);
    const { config } = props;
    const vaults = [
      ...new Set(
        config.organizations.source.workloadAccounts.flatMap((a) =>
          backupVaults(config, a.id)
            .filter((v) => v.layer === 'air-gapped')
            .map((v) => v.arn),
        ),
      ),
    ];
    const name = `${config.name.replace(/-/g, '_')}_airgap_restore_test`;
    this.plan = new backup.CfnRestoreTestingPlan(this, 'Plan', {
      restoreTestingPlanName: name,
      scheduleExpression: 'cron(0 6 ? * SUN *)',
      startWindowHours: 24,
      recoveryPointSelection: {
        algorithm: 'LATEST_WITHIN_WINDOW',
        includeVaults: vaults,
        recoveryPointTypes: ['SNAPSHOT'],
        selectionWindowDays: 7,
      },
    });
    for (const service of SERVICES) {
      const type = TESTED[service];
      if (!type || config.protect[service].length === 0) continue;
      const selection = new backup.CfnRestoreTestingSelection(this, `Select${type}`, {
        restoreTestingPlanName: name,
        restoreTestingSelectionName: `airgap_${service}`,
        protectedResourceType: type,
        iamRoleArn: props.serviceRoleArn,
        protectedResourceArns: ['*'],
        validationWindowHours: VALIDATION_WINDOW_HOURS,
        // Restored clusters under the restore key, which the validation checks, not a key of the source account.
        ...(service === 'aurora' ? { restoreMetadataOverrides: { kmsKeyId: props.logKey.keyArn } } : {}),
      });
      selection.addResourceDependency(this.plan);
    }
    this.validator = new RestoreValidator(this, 'Validator', {
      config,
      planArn: this.plan.attrRestoreTestingPlanArn,
      logKey: props.logKey,
    });
    this.alerts = new RestoreTestAlerts(this, 'Alerts', {
      config,
      key: props.logKey,
      planArn: this.plan.attrRestoreTestingPlanArn,
      validator: this.validator,
    });
  }
}
