import * as config from 'aws-cdk-lib/aws-config';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { RESOURCE_NAMES, ROLE_NAMES, type Config } from '../../config/index.js';
import { acknowledge, nag } from '../nag-suppressions.js';

/**
 * What every vault-organization account a template deploys to runs: a GuardDuty detector (unless a delegated
 * administrator enables GuardDuty), and a Config recorder delivering into the log archive (unless Control Tower
 * records). The vault SCP keeps them on: no one but break-glass stops or deletes either.
 */
export class AccountBaseline extends Construct {
  constructor(scope: Construct, id: string, props: { config: Config }) {
    super(scope, id);
    const c = props.config;
    guardDutyDetector(this, c);
    const logArchive = c.organizations.vault.logArchiveAccount;
    if (c.governance.controlTower || !logArchive) return;
    // Named, so the human-access SCP exempts it (VAULT_SERVICE_ROLES): Config calls from AWS's addresses, without MFA.
    const role = new iam.Role(this, 'ConfigRole', {
      roleName: ROLE_NAMES.configRecorder,
      assumedBy: new iam.ServicePrincipal('config.amazonaws.com'),
      description: 'Air Gap Recover: AWS Config records this account with this role',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWS_ConfigRole')],
    });
    acknowledge(
      role,
      'AWS maintains the read permissions Config needs for every resource type; a copy of ours would drift.',
      nag.managedPolicy('service-role/AWS_ConfigRole'),
    );
    const recorder = new config.CfnConfigurationRecorder(this, 'Recorder', {
      roleArn: role.roleArn,
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
    });
    const channel = new config.CfnDeliveryChannel(this, 'Delivery', {
      s3BucketName: RESOURCE_NAMES.logArchiveBucket(c, logArchive),
      configSnapshotDeliveryProperties: { deliveryFrequency: 'Six_Hours' },
    });
    channel.addResourceDependency(recorder);
  }
}

/**
 * The account's GuardDuty detector in the scope's region, unless a delegated administrator enables GuardDuty. A
 * detector watches its own region only, and an account has one per region: the account baseline's in the vault
 * region, and one in each other region where a vault-organization stack puts a key (vault-key-<region>,
 * restore-key-<region>).
 */
export function guardDutyDetector(scope: Construct, c: Config): void {
  if (c.governance.guardDuty)
    new guardduty.CfnDetector(scope, 'GuardDuty', {
      enable: true,
      findingPublishingFrequency: 'FIFTEEN_MINUTES',
    });
}
