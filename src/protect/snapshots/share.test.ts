import {
  CopySnapshotCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  EC2Client,
  ModifySnapshotAttributeCommand,
} from '@aws-sdk/client-ec2';
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient, ListAliasesCommand } from '@aws-sdk/client-kms';
import {
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBSnapshotAttributeCommand,
  RDSClient,
  CopyDBSnapshotCommand,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { quickstart } from '../../../test/support/config.js';
import { AwsClients } from '../../aws/clients.js';
import { RESOURCE_NAMES } from '../../config/index.js';
import { snapshotApis } from './apis.js';
import { shareWithVault } from './share.js';

const config = quickstart();
const W = config.organizations.source.workloadAccounts[0]!.id;
const region = config.vault.region;
const alias = RESOURCE_NAMES.sourceKeyAlias(config);
const SHARE_KEY = `arn:aws:kms:${region}:${W}:key/share`;
const AWS_KEY = (svc: string) => `arn:aws:kms:${region}:${W}:key/aws-${svc}`;
const clients = new AwsClients({
  region,
  roleName: 'r',
  baseCredentials: { accessKeyId: 'a', secretAccessKey: 's' },
});
const ctx = { clients, config, apis: snapshotApis(clients) };

/** KMS as AWS answers for the share key and an AWS-managed key (whose policy it does not hand out). */
function mockKms(service: 'rds' | 'ebs') {
  const kms = mockClient(KMSClient);
  kms.on(DescribeKeyCommand, { KeyId: alias }).resolves({ KeyMetadata: { KeyId: 'share', Arn: SHARE_KEY } });
  kms.on(DescribeKeyCommand, { KeyId: AWS_KEY(service) }).resolves({
    KeyMetadata: { KeyId: `aws-${service}`, Arn: AWS_KEY(service), KeyManager: 'AWS', KeyState: 'Enabled' },
  });
  kms.on(ListAliasesCommand).resolves({ Aliases: [{ AliasName: `alias/aws/${service}` }] });
  kms.on(GetKeyPolicyCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
  return kms;
}

const mocks: { restore(): void }[] = [];
afterEach(() => mocks.splice(0).forEach((m) => m.restore()));

describe('share step, AWS-managed keys (client mock: moto creates no aws/rds key and gives EBS snapshots no KmsKeyId)', () => {
  it('threat #13: an EBS snapshot under aws/ebs is never shared; it is re-copied under the share key with its volume named', async () => {
    const ec2 = mockClient(EC2Client);
    mocks.push(ec2, mockKms('ebs'));
    ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
    ec2.on(DescribeSnapshotsCommand, { SnapshotIds: ['snap-1'] }).resolves({
      Snapshots: [
        {
          SnapshotId: 'snap-1',
          OwnerId: W,
          VolumeId: 'vol-0abc',
          State: 'completed',
          Encrypted: true,
          KmsKeyId: AWS_KEY('ebs'),
          StartTime: new Date('2026-11-23T08:00:00Z'),
          VolumeSize: 8,
        },
      ],
    });
    ec2.on(DescribeVolumesCommand).resolves({
      Volumes: [{ VolumeId: 'vol-0abc', Encrypted: true, Tags: [{ Key: 'airgap', Value: 'protect' }] }],
    });
    ec2.on(CopySnapshotCommand).resolves({ SnapshotId: 'snap-copy' });

    const out = await shareWithVault(ctx, { service: 'ebs', account: W, region, snapshotId: 'snap-1' });
    expect(out.action).toBe('recopying');
    expect(out.notes[0]).toContain('is encrypted with the AWS-managed key alias/aws/ebs');
    expect(out.notes[0]).toContain(`encrypt volume vol-0abc with ${alias}`);
    expect(ec2.commandCalls(CopySnapshotCommand)[0]!.args[0].input).toMatchObject({
      SourceSnapshotId: 'snap-1',
      Encrypted: true,
      KmsKeyId: SHARE_KEY,
      Description: expect.stringContaining('(volume vol-0abc, taken 2026-11-23T08:00:00.000Z)'),
    });
    expect(ec2.commandCalls(ModifySnapshotAttributeCommand)).toHaveLength(0);
  });

  it('threat #13: an RDS snapshot under aws/rds is never shared; it is re-copied under the share key', async () => {
    const rds = mockClient(RDSClient);
    mocks.push(rds, mockKms('rds'));
    const original = {
      DBSnapshotIdentifier: 'payments-db-1',
      DBSnapshotArn: `arn:aws:rds:${region}:${W}:snapshot:payments-db-1`,
      DBInstanceIdentifier: 'payments-db',
      Status: 'available',
      SnapshotType: 'manual',
      Encrypted: true,
      KmsKeyId: AWS_KEY('rds'),
      SnapshotCreateTime: new Date('2026-11-23T08:00:00Z'),
    };
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
    rds
      .on(DescribeDBSnapshotsCommand)
      .rejects(Object.assign(new Error('nf'), { name: 'DBSnapshotNotFoundFault' }));
    rds
      .on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: 'payments-db-1' })
      .resolves({ DBSnapshots: [original] });
    rds.on(CopyDBSnapshotCommand).callsFake((input: { TargetDBSnapshotIdentifier: string }) => ({
      DBSnapshot: { ...original, DBSnapshotIdentifier: input.TargetDBSnapshotIdentifier, Status: 'creating' },
    }));
    const out = await shareWithVault(ctx, {
      service: 'rds',
      account: W,
      region,
      snapshotId: 'payments-db-1',
    });
    expect(out.action).toBe('recopying');
    expect(out.notes[0]).toContain('AWS-managed key alias/aws/rds');
    expect(out.notes[0]).toContain(`encrypt DB instance payments-db with ${alias}`);
    expect(rds.commandCalls(CopyDBSnapshotCommand)[0]!.args[0].input).toMatchObject({ KmsKeyId: SHARE_KEY });
    expect(rds.commandCalls(ModifyDBSnapshotAttributeCommand)).toHaveLength(0);
  });
});
