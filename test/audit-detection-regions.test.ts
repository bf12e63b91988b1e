import {
  CloudTrailClient,
  CreateTrailCommand,
  DeleteTrailCommand,
  StartLoggingCommand,
  StopLoggingCommand,
  UpdateTrailCommand,
} from '@aws-sdk/client-cloudtrail';
import {
  ConfigServiceClient,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigurationRecorderCommand,
  StopConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import {
  CreateDetectorCommand,
  GuardDutyClient,
  ListDetectorsCommand,
  UpdateDetectorCommand,
} from '@aws-sdk/client-guardduty';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAuditState } from '../src/audit/readers.js';
import { loggingRules } from '../src/audit/rules/logging.js';
import { detectionPlaces, GOVERNANCE_REGION, RESOURCE_NAMES } from '../src/config/index.js';
import type { AwsClients } from '../src/aws/clients.js';
import type { Config } from '../src/config/index.js';
import { ownAccounts, quickstart, vaultElsewhere } from './support/config.js';
import { useMoto } from './support/moto.js';

// The vault in eu-central-1, RDS copies in eu-west-1: the vault and restore accounts hold vault data in both, the
// management account's baseline is in us-east-1 beside the organization trail.
const accounts = ownAccounts('91', '92');
const config = quickstart([
  ...accounts.edits,
  [['vault', 'region'], 'eu-central-1'],
  [
    ['organizations', 'source', 'regions'],
    ['us-east-1', 'eu-west-1'],
  ],
  [['protect'], { rds: [{ account: accounts.workload, region: 'eu-west-1', names: ['orders'] }] }],
  [['paths', 'backup'], false],
  [['backup', 'airGappedVault'], false],
]);
const { vault, restore } = accounts;
const home = config.vault.region;
const TRAIL = 'airgap-test-trail';

/** The log archive's bucket, and the Config delivery bucket beside it (Config refuses an Object Lock bucket). */
const logBuckets = (at: Config) => {
  const account = at.organizations.vault.logArchiveAccount!;
  return [
    RESOURCE_NAMES.logArchiveBucket(at, account),
    RESOURCE_NAMES.configDeliveryBucket(at, account),
  ] as const;
};
/** What the templates deploy at each of `detectionPlaces`: a detector, a recorder delivering into the log archive. */
async function deployDetection(clients: AwsClients, at: Config): Promise<void> {
  const [logs, configLogs] = logBuckets(at);
  for (const Bucket of [logs, configLogs])
    await clients
      .for(S3Client, at.organizations.vault.logArchiveAccount!, at.vault.region)
      .send(new CreateBucketCommand({ Bucket }));
  for (const { account, region } of detectionPlaces(at)) {
    await clients.for(GuardDutyClient, account, region).send(new CreateDetectorCommand({ Enable: true }));
    const cfg = clients.for(ConfigServiceClient, account, region);
    await cfg.send(
      new PutConfigurationRecorderCommand({
        ConfigurationRecorder: {
          name: 'default',
          roleARN: `arn:aws:iam::${account}:role/AirGapConfigRecorder`,
        },
      }),
    );
    await cfg.send(
      new PutDeliveryChannelCommand({ DeliveryChannel: { name: 'default', s3BucketName: configLogs } }),
    );
    await cfg.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
  }
  // Each account's multi-region trail stands for the organization trail, which moto does not share with members.
  for (const account of new Set(detectionPlaces(at).map((p) => p.account))) {
    const trail = clients.for(CloudTrailClient, account, GOVERNANCE_REGION);
    await trail.send(new CreateTrailCommand({ Name: TRAIL, S3BucketName: logs, IsMultiRegionTrail: true }));
    await trail.send(new StartLoggingCommand({ Name: TRAIL }));
  }
}

const archive = config.organizations.vault.logArchiveAccount!;
const [logs, configLogs] = logBuckets(config);

describe('CloudTrail, Config and GuardDuty in every account and region holding vault data (moto)', () => {
  const moto = useMoto(home);
  const failed = async (at = config) =>
    loggingRules(await readAuditState(moto.clients, at), at)
      .filter((f) => f.status === 'fail')
      .map((f) => `${f.control} ${f.resource}: ${f.reason}`);

  beforeAll(() => deployDetection(moto.clients, config));

  it('looks in every region of the vault copies for the vault and restore accounts, and passes when each region is watched (moto)', async () => {
    const places = detectionPlaces(config).map((p) => `${p.account} (${p.region})`);
    expect(places).toEqual(
      expect.arrayContaining([
        `${vault} (eu-west-1)`,
        `${vault} (${home})`,
        `${restore} (eu-west-1)`,
        `${config.organizations.vault.managementAccount} (${GOVERNANCE_REGION})`,
      ]),
    );
    const findings = loggingRules(await readAuditState(moto.clients, config), config);
    expect(findings.filter((f) => f.control === 'GUARDDUTY_ENABLED').map((f) => f.resource)).toEqual(places);
    expect(await failed()).toEqual([]);
  });

  it('threat #25: GuardDuty turned off in a region of the vault copies is named with its region, and passes once back on (moto)', async () => {
    const gd = moto.clients.for(GuardDutyClient, vault, 'eu-west-1');
    const DetectorId = (await gd.send(new ListDetectorsCommand({}))).DetectorIds![0]!;
    await gd.send(new UpdateDetectorCommand({ DetectorId, Enable: false }));
    expect(await failed()).toEqual([
      `GUARDDUTY_ENABLED ${vault} (eu-west-1): no GuardDuty detector is enabled`,
    ]);
    await gd.send(new UpdateDetectorCommand({ DetectorId, Enable: true }));
    expect(await failed()).toEqual([]);
  });

  it('threat #25: a Config recorder stopped in a region of the vault copies is named with its region, and passes once restarted (moto)', async () => {
    const cfg = moto.clients.for(ConfigServiceClient, restore, 'eu-west-1');
    await cfg.send(new StopConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
    expect(await failed()).toEqual([
      `CONFIG_RECORDING ${restore} (eu-west-1): no configuration recorder is recording`,
    ]);
    await cfg.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
    expect(await failed()).toEqual([]);
  });

  it('threat #20: a trail made single-region logs its own region only; one logging in the region itself passes it; a stopped trail fails every region (moto)', async () => {
    const trail = moto.clients.for(CloudTrailClient, vault, GOVERNANCE_REGION);
    await trail.send(new UpdateTrailCommand({ Name: TRAIL, IsMultiRegionTrail: false }));
    expect(await failed()).toEqual([
      `CLOUDTRAIL_LOGGING ${vault} (${home}): no trail is logging this region`,
      `CLOUDTRAIL_LOGGING ${vault} (eu-west-1): no trail is logging this region`,
    ]);
    const local = moto.clients.for(CloudTrailClient, vault, 'eu-west-1');
    await local.send(new CreateTrailCommand({ Name: 'eu-west-1-trail', S3BucketName: logs }));
    await local.send(new StartLoggingCommand({ Name: 'eu-west-1-trail' }));
    expect(await failed()).toEqual([
      `CLOUDTRAIL_LOGGING ${vault} (${home}): no trail is logging this region`,
    ]);
    await local.send(new DeleteTrailCommand({ Name: 'eu-west-1-trail' }));
    await trail.send(new UpdateTrailCommand({ Name: TRAIL, IsMultiRegionTrail: true }));
    expect(await failed()).toEqual([]);
    await trail.send(new StopLoggingCommand({ Name: TRAIL }));
    expect(await failed()).toEqual([
      `CLOUDTRAIL_LOGGING ${vault} (${home}): no trail is logging this region`,
      `CLOUDTRAIL_LOGGING ${vault} (eu-west-1): no trail is logging this region`,
      `CLOUDTRAIL_LOGGING ${vault} (${GOVERNANCE_REGION}): no trail is logging this region`,
    ]);
    await trail.send(new StartLoggingCommand({ Name: TRAIL }));
  });

  it("threat #20: a Config delivery channel redirected to a bucket outside the log archive is named with its bucket, and passes once back on the log archive's Config bucket (moto)", async () => {
    const elsewhere = `attacker-config-${vault}`;
    await moto.clients.for(S3Client, vault, home).send(new CreateBucketCommand({ Bucket: elsewhere }));
    const cfg = moto.clients.for(ConfigServiceClient, vault, 'eu-west-1');
    const deliverTo = (s3BucketName: string) =>
      cfg.send(new PutDeliveryChannelCommand({ DeliveryChannel: { name: 'default', s3BucketName } }));
    await deliverTo(elsewhere);
    expect(await failed()).toEqual([
      `LOG_DELIVERY_TO_LOG_ARCHIVE ${vault} (eu-west-1): delivers to ${elsewhere}, not a bucket of log archive ${archive}`,
    ]);
    await deliverTo(configLogs);
    expect(await failed()).toEqual([]);
  });

  it("threat #25: the vault in eu-west-1: GuardDuty turned off in the vault account's us-east-1, where IAM and global STS events arrive, is named with its region (moto)", async () => {
    // Accounts of its own, the vault and its copies in eu-west-1 only: the vault account's us-east-1 stack is
    // vault-global.
    const own = ownAccounts('93', '94');
    const eu = quickstart([
      ...own.edits,
      ...vaultElsewhere('eu-west-1'),
      [['organizations', 'source', 'regions'], ['eu-west-1']],
      [['paths', 'backup'], false],
      [['backup', 'airGappedVault'], false],
    ]);
    expect(detectionPlaces(eu).map((p) => `${p.account} (${p.region})`)).toContain(
      `${own.vault} (${GOVERNANCE_REGION})`,
    );
    await deployDetection(moto.clients, eu);
    expect(await failed(eu)).toEqual([]);
    const gd = moto.clients.for(GuardDutyClient, own.vault, GOVERNANCE_REGION);
    const DetectorId = (await gd.send(new ListDetectorsCommand({}))).DetectorIds![0]!;
    await gd.send(new UpdateDetectorCommand({ DetectorId, Enable: false }));
    expect(await failed(eu)).toEqual([
      `GUARDDUTY_ENABLED ${own.vault} (${GOVERNANCE_REGION}): no GuardDuty detector is enabled`,
    ]);
    await gd.send(new UpdateDetectorCommand({ DetectorId, Enable: true }));
    expect(await failed(eu)).toEqual([]);
  });
});
