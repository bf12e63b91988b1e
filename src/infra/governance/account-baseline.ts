import { Aws } from 'aws-cdk-lib/core';
import * as config from 'aws-cdk-lib/aws-config';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { RESOURCE_NAMES, ROLE_NAMES, type Config } from '../../config/index.js';
import { acknowledge, nag } from '../nag-suppressions.js';

/**
 * What every vault-organization account runs in the region of its first template: a GuardDuty detector (unless a
 * delegated administrator enables GuardDuty), and a Config recorder delivering into the log archive (unless Control
 * Tower records), global resource types included. The vault SCP keeps them on: no one but break-glass stops or
 * deletes either. Its other regions get `regionalBaseline`.
 */
export class AccountBaseline extends Construct {
  constructor(scope: Construct, id: string, props: { config: Config }) {
    super(scope, id);
    const c = props.config;
    guardDutyDetector(this, c);
    if (!recordsConfig(c)) return;
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
    configRecorder(this, c, role.roleArn, true);
  }
}

/**
 * The baseline of an account in another region where a template of ours deploys it (vault-key-<region>,
 * restore-key-<region>, vault-global; `detectionPlaces` is where the audit looks for it): that region's GuardDuty
 * detector, and its Config recorder under the role the account's baseline made (IAM is global; that stack deploys
 * first), leaving global resource types to the baseline's recorder so they are recorded once.
 */
export function regionalBaseline(scope: Construct, c: Config): void {
  guardDutyDetector(scope, c);
  if (recordsConfig(c))
    configRecorder(
      scope,
      c,
      `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${ROLE_NAMES.configRecorder}`,
      false,
    );
}

/** Control Tower records every governed region itself; without a log archive there is nowhere to deliver. */
const recordsConfig = (c: Config): boolean =>
  !c.governance.controlTower && c.organizations.vault.logArchiveAccount !== undefined;

/**
 * A detector watches its own region only, and an account has one per region. The logical id is the stack's
 * `GuardDuty` in the regional stacks: a new id would replace the detector, and a region holds only one.
 */
function guardDutyDetector(scope: Construct, c: Config): void {
  if (c.governance.guardDuty)
    new guardduty.CfnDetector(scope, 'GuardDuty', {
      enable: true,
      findingPublishingFrequency: 'FIFTEEN_MINUTES',
    });
}

/**
 * The region's recorder, delivering into the log archive's Config delivery bucket (Config delivers across regions;
 * it refuses an Object Lock bucket, and that one replicates into the locked archive).
 */
function configRecorder(scope: Construct, c: Config, roleArn: string, globalTypes: boolean): void {
  const recorder = new config.CfnConfigurationRecorder(scope, 'Recorder', {
    roleArn,
    recordingGroup: { allSupported: true, includeGlobalResourceTypes: globalTypes },
  });
  const channel = new config.CfnDeliveryChannel(scope, 'Delivery', {
    s3BucketName: RESOURCE_NAMES.configDeliveryBucket(c, c.organizations.vault.logArchiveAccount!),
    configSnapshotDeliveryProperties: { deliveryFrequency: 'Six_Hours' },
  });
  channel.addResourceDependency(recorder);
}
