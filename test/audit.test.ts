import { BackupClient, ListBackupVaultsCommand } from '@aws-sdk/client-backup';
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import {
  ConfigServiceClient,
  DescribeConfigurationRecorderStatusCommand,
} from '@aws-sdk/client-config-service';
import { GetDetectorCommand, GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import {
  DescribeKeyCommand,
  KMSClient,
  ScheduleKeyDeletionCommand,
  CancelKeyDeletionCommand,
  EnableKeyCommand,
} from '@aws-sdk/client-kms';
import {
  DetachPolicyCommand,
  AttachPolicyCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  DeleteBucketLifecycleCommand,
  DeleteBucketReplicationCommand,
  PutBucketLifecycleConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../src/audit/audit.js';
import { accountsByRole, protectedBuckets, RESOURCE_NAMES } from '../src/config/index.js';
import { configureReplication } from '../src/protect/s3/replication.js';
import { provisionSandbox } from '../src/sandbox/provision.js';
import { quickstart } from './support/config.js';
import { useMoto } from './support/moto.js';

const config = quickstart([
  [['organizations', 'source', 'managementAccount'], '510000000001'],
  [['organizations', 'source', 'workloadAccounts', 0, 'id'], '510000000002'],
  [['organizations', 'source', 'backupAccount'], '510000000003'],
  [['organizations', 'vault', 'managementAccount'], '520000000001'],
  [['organizations', 'vault', 'vaultAccount'], '520000000002'],
  [['organizations', 'vault', 'airGapAccount'], '520000000003'],
  [['organizations', 'vault', 'restoreAccount'], '520000000004'],
  [['protect'], { s3: [{ account: '510000000002', names: ['audit-src'] }] }],
  [['paths', 'backup'], false],
  [['backup', 'airGappedVault'], false],
]);
const bucket = protectedBuckets(config)[0]!;

// moto serves S3 configuration, KMS key state and Organizations policies; the logging services are client mocks.
const trail = mockClient(CloudTrailClient);
const recorder = mockClient(ConfigServiceClient);
const guardDuty = mockClient(GuardDutyClient);
const backup = mockClient(BackupClient);

describe('audit on the sandbox (moto: S3, KMS, Organizations; client mock: CloudTrail, Config, GuardDuty)', () => {
  const moto = useMoto();
  const failed = async () =>
    (await audit(moto.clients, config)).findings
      // moto drops BlockedEncryptionTypes from the encryption configuration it stores, so the SSE-C controls
      // cannot pass on the sandbox; their pass and fail cases are unit tests of the rule.
      .filter((f) => f.status === 'fail' && !f.control.endsWith('SSE_C_BLOCKED'))
      .map((f) => `${f.control} ${f.resource}: ${f.reason}`);

  beforeAll(async () => {
    trail.on(DescribeTrailsCommand).resolves({
      trailList: [
        { Name: 'org-trail', TrailARN: 'arn:aws:cloudtrail:us-east-1:520000000001:trail/org-trail' },
      ],
    });
    trail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    recorder
      .on(DescribeConfigurationRecorderStatusCommand)
      .resolves({ ConfigurationRecordersStatus: [{ name: 'default', recording: true }] });
    guardDuty.on(ListDetectorsCommand).resolves({ DetectorIds: ['d1'] });
    guardDuty
      .on(GetDetectorCommand)
      .resolves({ Status: 'ENABLED', ServiceRole: 'r', CreatedAt: '', UpdatedAt: '' } as never);
    backup.on(ListBackupVaultsCommand).resolves({ BackupVaultList: [] });
    await provisionSandbox(moto.clients, config);
  });
  afterAll(() => {
    for (const m of [trail, recorder, guardDuty, backup]) m.restore();
  });

  it('a freshly provisioned sandbox passes every control', async () => {
    const report = await audit(moto.clients, config);
    expect(await failed()).toEqual([]);
    expect(report.passed).toBeGreaterThan(10);
    expect(report.findings.map((f) => f.control)).toContain('GUARDRAIL_SCP');
  });

  it('drift drill, threat #4: a deleted replication rule is named (moto)', async () => {
    const s3 = moto.clients.for(S3Client, bucket.account);
    await s3.send(new DeleteBucketReplicationCommand({ Bucket: bucket.bucket }));
    expect(await failed()).toEqual([
      `SOURCE_REPLICATION ${bucket.bucket}: replication rule airgap-vault is missing`,
    ]);
    await configureReplication(moto.clients, config, bucket);
    expect(await failed()).toEqual([]);
  });

  it('drift drill, threat #3: a source lifecycle rule expiring current versions is named (moto)', async () => {
    const s3 = moto.clients.for(S3Client, bucket.account);
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket.bucket,
        LifecycleConfiguration: {
          Rules: [{ ID: 'expire-all', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 1 } }],
        },
      }),
    );
    expect(await failed()).toEqual([
      `SOURCE_LIFECYCLE_EXPIRY ${bucket.bucket}: lifecycle rule expire-all expires current versions`,
    ]);
    await s3.send(new DeleteBucketLifecycleCommand({ Bucket: bucket.bucket }));
  });

  it('drift drill, threat #25: a detached SCP is named (moto)', async () => {
    const orgs = moto.clients.for(OrganizationsClient, config.organizations.vault.managementAccount);
    const root = (await orgs.send(new ListRootsCommand({}))).Roots![0]!.Id!;
    const policy = (
      await orgs.send(new ListPoliciesCommand({ Filter: 'SERVICE_CONTROL_POLICY' }))
    ).Policies!.find((p) => p.Name === 'airgap-vault-keys')!;
    await orgs.send(new DetachPolicyCommand({ PolicyId: policy.Id!, TargetId: root }));
    expect(await failed()).toEqual([
      'GUARDRAIL_SCP airgap-vault-keys: not attached to the organization root',
    ]);
    await orgs.send(new AttachPolicyCommand({ PolicyId: policy.Id!, TargetId: root }));
  });

  it('drift drill, threat #11: a scheduled vault key deletion is named with its date (moto)', async () => {
    const kms = moto.clients.for(KMSClient, config.organizations.vault.vaultAccount, config.vault.region);
    const alias = RESOURCE_NAMES.vaultKeyAlias(config);
    // moto resolves aliases for DescribeKey only, so the drill addresses the key by id.
    const keyId = (await kms.send(new DescribeKeyCommand({ KeyId: alias }))).KeyMetadata!.KeyId!;
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    const found = await failed();
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^VAULT_KEY_STATE ${alias}: deletion scheduled for \\d{4}-`));
    await kms.send(new CancelKeyDeletionCommand({ KeyId: keyId }));
    await kms.send(new EnableKeyCommand({ KeyId: keyId }));
  });

  it('threat #25: GuardDuty turned off in the vault organization is named (client mock: GuardDuty)', async () => {
    guardDuty.on(GetDetectorCommand).resolves({ Status: 'DISABLED' } as never);
    const found = await failed();
    expect(found.every((f) => f.startsWith('GUARDDUTY_ENABLED'))).toBe(true);
    // One per vault-organization account: management, vault, air-gap, restore, log archive.
    expect(found).toHaveLength(accountsByRole(config).filter((a) => a.organization === 'vault').length);
    guardDuty.on(GetDetectorCommand).resolves({ Status: 'ENABLED' } as never);
  });
});
