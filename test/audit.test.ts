import { BackupClient, ListBackupVaultsCommand } from '@aws-sdk/client-backup';
import { DescribeDeliveryChannelsCommand } from '@aws-sdk/client-config-service';
import { GetDetectorCommand } from '@aws-sdk/client-guardduty';
import { DescribeLockedSnapshotsCommand, DescribeSnapshotsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateRoleCommand,
  DeleteRolePolicyCommand,
  IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  KMSClient,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
  CancelKeyDeletionCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  DisableKeyRotationCommand,
} from '@aws-sdk/client-kms';
import { CreateDBInstanceCommand, CreateDBSnapshotCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  DetachPolicyCommand,
  AttachPolicyCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  CreateBucketCommand,
  DeleteBucketLifecycleCommand,
  DeleteBucketReplicationCommand,
  PutBucketLifecycleConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../src/audit/audit.js';
import { readAuditState } from '../src/audit/readers.js';
import { kmsRules, restoreKeyRules } from '../src/audit/rules/kms.js';
import { ensureKey } from '../src/sandbox/keys.js';
import { intentFromTemplates, type Intent } from '../src/audit/intent.js';
import { synthesizedTemplates } from '../src/audit/synthesized-templates.js';
import { Catalog, catalogId } from '../src/catalog/catalog.js';
import { detectionPlaces, protectedBuckets, RESOURCE_NAMES, ROLE_NAMES } from '../src/config/index.js';
import { configureReplication } from '../src/protect/s3/replication.js';
import { provisionSandbox } from '../src/sandbox/provision.js';
import { quickstart } from './support/config.js';
import { loggingOn } from './support/lacking-mocks.js';
import { useMoto } from './support/moto.js';

const config = quickstart([
  [['organizations', 'source', 'managementAccount'], '510000000001'],
  [['organizations', 'source', 'workloadAccounts', 0, 'id'], '510000000002'],
  [['organizations', 'source', 'backupAccount'], '510000000003'],
  [['organizations', 'vault', 'managementAccount'], '520000000001'],
  [['organizations', 'vault', 'vaultAccount'], '520000000002'],
  [['organizations', 'source', 'airGapAccount'], '510000000009'],
  [['organizations', 'vault', 'restoreAccount'], '520000000004'],
  [['protect'], { s3: [{ account: '510000000002', names: ['audit-src'] }] }],
  [['paths', 'backup'], false],
  [['backup', 'airGappedVault'], false],
]);
const bucket = protectedBuckets(config)[0]!;
const templates = synthesizedTemplates(config);
const { vaultAccount, restoreAccount, logArchiveAccount } = config.organizations.vault;
const region = config.vault.region;

const CT_LOGS = `aws-controltower-logs-${config.organizations.vault.logArchiveAccount}-us-east-1`;
// moto serves S3 configuration, KMS key state and Organizations policies; the logging services are client mocks.
const { trail, recorder, guardDuty } = loggingOn(config, CT_LOGS);
const backup = mockClient(BackupClient);

describe('audit on the sandbox (moto: S3, KMS, Organizations; client mock: CloudTrail, Config, GuardDuty)', () => {
  const moto = useMoto();
  let intent: Intent;
  const vaultKey = () => moto.clients.for(KMSClient, vaultAccount, region);
  const restoreIam = () => moto.clients.for(IAMClient, restoreAccount);
  const failed = async () =>
    (await audit(moto.clients, config, { templates })).findings
      .filter((f) => f.status === 'fail')
      .map((f) => `${f.control} ${f.resource}: ${f.reason}`);

  beforeAll(async () => {
    // Control Tower's log bucket, in its Log Archive account (Control Tower, not a template of ours, makes it).
    await moto.clients
      .for(S3Client, logArchiveAccount!, region)
      .send(new CreateBucketCommand({ Bucket: CT_LOGS }));
    backup.on(ListBackupVaultsCommand).resolves({ BackupVaultList: [] });
    await provisionSandbox(moto.clients, config);
    // What deploying the vault and restore templates would add to the sandbox: the template's vault key
    // policy, the restore key and the restore role with its inline policy.
    const restoreKms = moto.clients.for(KMSClient, restoreAccount, region);
    const restoreKey = await restoreKms.send(new CreateKeyCommand({}));
    const restoreAlias = RESOURCE_NAMES.restoreKeyAlias(config);
    await restoreKms.send(
      new CreateAliasCommand({ AliasName: restoreAlias, TargetKeyId: restoreKey.KeyMetadata!.KeyId! }),
    );
    await restoreKms.send(new EnableKeyRotationCommand({ KeyId: restoreKey.KeyMetadata!.KeyId! }));
    intent = intentFromTemplates(config, templates, {
      [region]: { [restoreAlias]: restoreKey.KeyMetadata!.Arn! },
    });
    await vaultKey().send(
      new PutKeyPolicyCommand({
        KeyId: await vaultKeyId(),
        PolicyName: 'default',
        Policy: JSON.stringify(intent.vaultKeyPolicies[region]),
      }),
    );
    await vaultKey().send(
      new PutKeyPolicyCommand({
        KeyId: await catalogKeyId(),
        PolicyName: 'default',
        Policy: JSON.stringify(intent.catalogKey!.policy),
      }),
    );
    await restoreIam().send(
      new CreateRoleCommand({
        RoleName: ROLE_NAMES.restore,
        AssumeRolePolicyDocument: JSON.stringify(intent.restoreRole!.trust),
      }),
    );
    for (const [name, doc] of Object.entries(intent.restoreRole!.policies))
      await restoreIam().send(
        new PutRolePolicyCommand({
          RoleName: ROLE_NAMES.restore,
          PolicyName: name,
          PolicyDocument: JSON.stringify(doc),
        }),
      );
  });
  // moto resolves aliases for DescribeKey only, so drills address the key by id.
  const vaultKeyId = async () =>
    (await vaultKey().send(new DescribeKeyCommand({ KeyId: RESOURCE_NAMES.vaultKeyAlias(config) })))
      .KeyMetadata!.KeyId!;
  const catalogKeyId = async () =>
    (await vaultKey().send(new DescribeKeyCommand({ KeyId: RESOURCE_NAMES.catalogKeyAlias(config) })))
      .KeyMetadata!.KeyId!;
  afterAll(() => {
    for (const m of [trail, recorder, guardDuty, backup]) m.restore();
  });

  it('a freshly provisioned sandbox passes every control', async () => {
    const report = await audit(moto.clients, config);
    expect(await failed()).toEqual([]);
    expect(report.passed).toBeGreaterThan(10);
    expect(report.findings.map((f) => f.control)).toContain('GUARDRAIL_SCP');
    expect(report.findings.filter((f) => f.control === 'RESTORE_KEY_STATE')).toEqual([
      {
        control: 'RESTORE_KEY_STATE',
        resource: `${RESOURCE_NAMES.restoreKeyAlias(config)} (${region})`,
        status: 'pass',
        reason: 'enabled, no deletion pending, rotation on',
      },
    ]);
  });

  it('drift drill, threat #4: a deleted replication rule is named (moto)', async () => {
    const s3 = moto.clients.for(S3Client, bucket.account);
    await s3.send(new DeleteBucketReplicationCommand({ Bucket: bucket.bucket }));
    expect(await failed()).toEqual([
      `SOURCE_REPLICATION ${bucket.bucket}: replication rule airgap-vault is missing (the bucket has no replication rule); it should replicate everything to arn:aws:s3:::${bucket.vaultBucket}`,
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
    const kms = vaultKey();
    const alias = RESOURCE_NAMES.vaultKeyAlias(config);
    const keyId = await vaultKeyId();
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    const found = await failed();
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      new RegExp(`^VAULT_KEY_STATE ${alias} \\(${region}\\): deletion scheduled for \\d{4}-`),
    );
    await kms.send(new CancelKeyDeletionCommand({ KeyId: keyId }));
    await kms.send(new EnableKeyCommand({ KeyId: keyId }));
  });

  it('drift drill, threat #11: automatic rotation turned off on the vault or the catalog key is named, and passes once back on (moto)', async () => {
    const kms = vaultKey();
    for (const [alias, keyId] of [
      [RESOURCE_NAMES.vaultKeyAlias(config), await vaultKeyId()],
      [RESOURCE_NAMES.catalogKeyAlias(config), await catalogKeyId()],
    ] as const) {
      await kms.send(new DisableKeyRotationCommand({ KeyId: keyId }));
      expect(await failed()).toEqual([`VAULT_KEY_STATE ${alias} (${region}): automatic key rotation is off`]);
      await kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));
      expect(await failed()).toEqual([]);
    }
  });

  it('drift drill, threat #11: the catalog key disabled or scheduled for deletion is named (moto)', async () => {
    const kms = vaultKey();
    const alias = RESOURCE_NAMES.catalogKeyAlias(config);
    const keyId = await catalogKeyId();
    await kms.send(new DisableKeyCommand({ KeyId: keyId }));
    expect(await failed()).toEqual([`VAULT_KEY_STATE ${alias} (${region}): key state is Disabled`]);
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    const found = await failed();
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      new RegExp(`^VAULT_KEY_STATE ${alias} \\(${region}\\): deletion scheduled for \\d{4}-`),
    );
    await kms.send(new CancelKeyDeletionCommand({ KeyId: keyId }));
    await kms.send(new EnableKeyCommand({ KeyId: keyId }));
    expect(await failed()).toEqual([]);
  });

  it('threat #25: GuardDuty turned off in the vault organization is named (client mock: GuardDuty)', async () => {
    guardDuty.on(GetDetectorCommand).resolves({ Status: 'DISABLED' } as never);
    const found = await failed();
    expect(found.every((f) => f.startsWith('GUARDDUTY_ENABLED'))).toBe(true);
    // One per vault-organization account and region where a template deploys it: management, vault, restore, log
    // archive, each in one region here (no snapshot copies elsewhere).
    expect(found).toHaveLength(detectionPlaces(config).length);
    guardDuty.on(GetDetectorCommand).resolves({ Status: 'ENABLED' } as never);
  });

  it('Control Tower: the trail and Config delivery are found in the Log Archive account, and a channel delivering elsewhere is named (moto: S3; client mock: CloudTrail, Config)', async () => {
    const ct = { ...config, governance: { ...config.governance, controlTower: true } };
    const delivery = (await audit(moto.clients, ct, { templates })).findings.filter(
      (f) => f.control === 'LOG_DELIVERY_TO_LOG_ARCHIVE',
    );
    expect(delivery.map((f) => f.status)).toEqual(detectionPlaces(config).map(() => 'pass'));
    expect(delivery[0]!.reason).toBe(`delivers to ${CT_LOGS} in log archive ${logArchiveAccount}`);
    // threat #20: an attacker points Config delivery at a bucket of an account of theirs.
    await moto.clients
      .for(S3Client, vaultAccount, region)
      .send(new CreateBucketCommand({ Bucket: 'attacker-logs' }));
    recorder
      .on(DescribeDeliveryChannelsCommand)
      .resolves({ DeliveryChannels: [{ name: 'default', s3BucketName: 'attacker-logs' }] });
    const found = await failed();
    expect(found[0]).toBe(
      `LOG_DELIVERY_TO_LOG_ARCHIVE 520000000001 (${region}): delivers to attacker-logs, not a bucket of log archive ${logArchiveAccount}`,
    );
    recorder
      .on(DescribeDeliveryChannelsCommand)
      .resolves({ DeliveryChannels: [{ name: 'default', s3BucketName: CT_LOGS }] });
  });

  it('drift drill, threat #12: a key policy statement granting a source principal is named (moto)', async () => {
    const keyId = await vaultKeyId();
    const policy = structuredClone(intent.vaultKeyPolicies[region]);
    policy.Statement.push({
      Sid: 'Helpdesk',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::510000000002:root' },
      Action: 'kms:Decrypt',
      Resource: '*',
    });
    const put = (p: unknown) =>
      vaultKey().send(
        new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: JSON.stringify(p) }),
      );
    await put(policy);
    expect(await failed()).toEqual([
      `VAULT_KEY_POLICY ${RESOURCE_NAMES.vaultKeyAlias(config)} (${region}): key policy differs from the template: statement Helpdesk added: Allow kms:Decrypt to {"AWS":"arn:aws:iam::510000000002:root"}`,
    ]);
    await put(intent.vaultKeyPolicies[region]);
    expect(await failed()).toEqual([]);
  });

  it('drift drill: an inline policy added to the restore role is named (moto)', async () => {
    await restoreIam().send(
      new PutRolePolicyCommand({
        RoleName: ROLE_NAMES.restore,
        PolicyName: 'backdoor',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
        }),
      }),
    );
    expect(await failed()).toEqual([
      `RESTORE_ROLE_UNCHANGED ${ROLE_NAMES.restore} (${restoreAccount}): differs from the template: inline policy backdoor added`,
    ]);
    await restoreIam().send(
      new DeleteRolePolicyCommand({ RoleName: ROLE_NAMES.restore, PolicyName: 'backdoor' }),
    );
  });

  it("threats #9, #11: reads the vault key of every region whose snapshots are copied, and names a missing or disabled one's region (moto)", async () => {
    // The same deployment with an RDS database in eu-west-1: its copies are made there, under that region's key.
    const multi = structuredClone(config);
    multi.organizations.source.regions = [region, 'eu-west-1'];
    multi.protect.rds = [{ account: '510000000002', region: 'eu-west-1', names: ['orders'] }];
    const alias = RESOURCE_NAMES.vaultKeyAlias(config);
    const keyFailures = async () =>
      kmsRules(await readAuditState(moto.clients, multi), multi)
        .filter((f) => f.status === 'fail')
        .map((f) => `${f.control} ${f.resource}: ${f.reason}`);
    expect(await keyFailures()).toEqual([
      `VAULT_KEY_STATE ${alias} (eu-west-1): key not found in account ${vaultAccount}`,
    ]);
    const { arn } = await ensureKey(moto.clients, vaultAccount, 'eu-west-1', alias);
    expect(await keyFailures()).toEqual([]);
    const kms = moto.clients.for(KMSClient, vaultAccount, 'eu-west-1');
    await kms.send(new DisableKeyCommand({ KeyId: arn.split('/').pop()! }));
    expect(await keyFailures()).toEqual([`VAULT_KEY_STATE ${alias} (eu-west-1): key state is Disabled`]);
  });

  it("threat #11: reads the restore key of every region whose snapshots are copied, and names a missing, rotation-less, disabled or deleting one's region (moto)", async () => {
    const multi = structuredClone(config);
    multi.organizations.source.regions = [region, 'eu-west-1'];
    multi.protect.ebs = [{ account: '510000000002', region: 'eu-west-1', tags: { airgap: 'protect' } }];
    const alias = RESOURCE_NAMES.restoreKeyAlias(config);
    const eu = `RESTORE_KEY_STATE ${alias} (eu-west-1)`;
    const restoreKeyFailures = async () =>
      restoreKeyRules(await readAuditState(moto.clients, multi), multi)
        .filter((f) => f.status === 'fail')
        .map((f) => `${f.control} ${f.resource}: ${f.reason}`);
    expect(await restoreKeyFailures()).toEqual([`${eu}: key not found in account ${restoreAccount}`]);
    // The sandbox key rotates, as the template's does.
    const { arn } = await ensureKey(moto.clients, restoreAccount, 'eu-west-1', alias);
    const KeyId = arn.split('/').pop()!;
    const kms = moto.clients.for(KMSClient, restoreAccount, 'eu-west-1');
    expect(await restoreKeyFailures()).toEqual([]);
    await kms.send(new DisableKeyRotationCommand({ KeyId }));
    expect(await restoreKeyFailures()).toEqual([`${eu}: automatic key rotation is off`]);
    await kms.send(new EnableKeyRotationCommand({ KeyId }));
    expect(await restoreKeyFailures()).toEqual([]);
    await kms.send(new DisableKeyCommand({ KeyId }));
    expect(await restoreKeyFailures()).toEqual([`${eu}: key state is Disabled`]);
    await kms.send(new EnableKeyCommand({ KeyId }));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId, PendingWindowInDays: 7 }));
    const found = await restoreKeyFailures();
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${eu.replace(/[()]/g, '\\$&')}: deletion scheduled for \\d{4}-`));
    await kms.send(new CancelKeyDeletionCommand({ KeyId }));
    await kms.send(new EnableKeyCommand({ KeyId }));
    await kms.send(new DisableKeyRotationCommand({ KeyId }));
    expect(await restoreKeyFailures()).toEqual([`${eu}: automatic key rotation is off`]);
  });

  describe('snapshot copies the recovery catalog lists', () => {
    const catalog = () =>
      new Catalog({
        clients: moto.clients,
        account: vaultAccount,
        region,
        table: RESOURCE_NAMES.catalogTable(config),
      });
    const entry = (service: 'rds' | 'ebs', sourceArn: string, vaultCopyId: string) => ({
      id: catalogId(sourceArn),
      service,
      sourceArn,
      sourceAccount: '510000000002',
      sourceResource: sourceArn,
      region,
      vaultCopyId,
      vaultCopyArn: '',
      createdAt: '2026-11-23T00:00:00.000Z',
      retainUntil: '2026-12-23T00:00:00.000Z',
      state: 'available' as const,
    });

    it('an RDS copy deleted behind the catalog is named, and passes once present (moto)', async () => {
      await catalog().createForSandbox();
      const rdsArn = 'arn:aws:rds:us-east-1:510000000002:snapshot:rds:orders-2026-11-23';
      const copyId = `airgap-${catalogId(rdsArn)}`;
      await catalog().record(entry('rds', rdsArn, copyId));
      expect(await failed()).toEqual([
        `VAULT_SNAPSHOT_PRESENT ${copyId} (${rdsArn}): the catalog lists this copy as available, but it is gone`,
      ]);
      const rds = moto.clients.for(RDSClient, vaultAccount, region);
      await rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: 'orders-restored',
          DBInstanceClass: 'db.t3.micro',
          Engine: 'postgres',
          AllocatedStorage: 20,
        }),
      );
      await rds.send(
        new CreateDBSnapshotCommand({
          DBInstanceIdentifier: 'orders-restored',
          DBSnapshotIdentifier: copyId,
        }),
      );
      expect(await failed()).toEqual([]);
    });

    it('an EBS copy whose lock was left in governance mode is named (client mock: moto lacks DescribeLockedSnapshots)', async () => {
      const ebsArn = 'arn:aws:ec2:us-east-1:510000000002:snapshot/snap-0source';
      await catalog().record(entry('ebs', ebsArn, 'snap-0vault'));
      const ec2 = mockClient(EC2Client);
      try {
        ec2.on(DescribeSnapshotsCommand).resolves({
          Snapshots: [{ SnapshotId: 'snap-0vault', OwnerId: vaultAccount, State: 'completed' }],
        });
        ec2.on(DescribeLockedSnapshotsCommand).resolves({
          Snapshots: [
            {
              SnapshotId: 'snap-0vault',
              LockState: 'governance',
              LockExpiresOn: new Date('2026-12-23T00:00:00Z'),
            },
          ],
        });
        expect(await failed()).toEqual([
          `VAULT_SNAPSHOT_LOCK snap-0vault (${ebsArn}): snapshot lock is governance, not compliance`,
        ]);
        ec2.on(DescribeLockedSnapshotsCommand).resolves({
          Snapshots: [
            {
              SnapshotId: 'snap-0vault',
              LockState: 'compliance',
              LockExpiresOn: new Date('2026-12-23T00:00:00Z'),
            },
          ],
        });
        expect(await failed()).toEqual([]);
      } finally {
        ec2.restore();
      }
    });
  });
});
