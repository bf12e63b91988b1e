import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { vaultKeyRegions } from '../src/config/index.js';
import { sourceParameters } from '../src/infra/source/source-stack.js';
import { synthesize, type SynthManifest } from '../src/infra/synth.js';
import { replicaBackupSchedule } from '../src/infra/vault/efs-replicas-stack.js';
import { quickstart } from './support/config.js';
import { outDir } from './support/outdir.js';

const W = '100000000002';
const VAULT = '200000000002';
const RESTORE = '200000000004';
// Protected snapshots in two regions besides the vault region's; EFS in the first source region. The AWS Backup
// path runs in the first source region only, so it is off here (FSx below is checked on its own config).
const config = quickstart([
  [
    ['organizations', 'source', 'regions'],
    ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
  ],
  [
    ['protect'],
    {
      s3: [{ account: W, names: ['payments-invoices'] }],
      rds: [{ account: W, region: 'eu-west-1', names: ['payments-db'] }],
      aurora: [{ account: W, names: ['payments-ledger'] }],
      ebs: [{ account: W, region: 'ap-southeast-2', tags: { airgap: 'protect' } }],
      efs: [{ account: W, names: ['fs-0123456789abcdef0'] }],
    },
  ],
  [['paths', 'backup'], false],
  [['backup', 'airGappedVault'], false],
]);
const out = outDir('regions-efs-fsx');
let manifest: SynthManifest;
const template = (stackName: string): Template => {
  const t = manifest.templates.find((m) => m.stackName === stackName);
  if (!t) throw new Error(`no template ${stackName}`);
  return Template.fromJSON(JSON.parse(readFileSync(join(out, t.file), 'utf8')) as object);
};
type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: object };
const statements = (t: Template, type: string, property: string): Statement[] =>
  Object.values(t.findResources(type)).flatMap(
    (r) =>
      (r as { Properties: Record<string, { Statement: Statement[] }> }).Properties[property]?.Statement ?? [],
  );

beforeAll(() => {
  // cdk-nag (AwsSolutions, NIST 800-53 R5) on: synth fails on a finding. CloudFormation's rules check, the slow
  // part, is left to cfn-lint below and to test/synth.test.ts.
  manifest = synthesize(config, out, { validate: false });
}, 120_000);

describe('a vault key in every region with protected snapshots', () => {
  it('one independent, rotating, retained key per region, each with the vault alias, in the vault account', () => {
    expect(vaultKeyRegions(config).sort()).toEqual(['ap-southeast-2', 'eu-west-1', 'us-east-1']);
    for (const region of vaultKeyRegions(config)) {
      const stack =
        region === config.vault.region ? 'quickstart-airgap-vault' : `quickstart-airgap-vault-key-${region}`;
      const t = template(stack);
      t.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/quickstart-airgap-vault' });
      t.hasResource('AWS::KMS::Key', {
        Properties: Match.objectLike({ EnableKeyRotation: true, MultiRegion: Match.absent() }),
        DeletionPolicy: 'Retain',
      });
      const instance = manifest.templates.find((m) => m.stackName === stack)!.instances;
      expect(instance).toEqual([{ account: VAULT, region, parameters: {} }]);
    }
  });

  it('a regional key lets the restore role decrypt through RDS and EC2 of its region only, and trusts no source principal', () => {
    const policy = statements(
      template('quickstart-airgap-vault-key-eu-west-1'),
      'AWS::KMS::Key',
      'KeyPolicy',
    );
    expect(policy.map((s) => s.Sid)).toEqual([
      'VaultAccountAdministersThroughIam',
      'RestoreAccountDecryptsThroughServices',
    ]);
    expect(policy[1]!.Condition).toEqual({
      StringEquals: { 'kms:ViaService': ['rds.eu-west-1.amazonaws.com', 'ec2.eu-west-1.amazonaws.com'] },
    });
    const home = statements(template('quickstart-airgap-vault'), 'AWS::KMS::Key', 'KeyPolicy');
    expect(home.map((s) => s.Sid)).toContain('SourceReplicationEncryptsReplicasOnly');
  });

  it("the copier may use the other regions' vault keys only by the vault alias and through RDS and EC2 there", () => {
    const copier = template('quickstart-airgap-vault').findResources('AWS::IAM::Role', {
      Properties: { RoleName: 'AirGapSnapshotCopier' },
    });
    const regional = (
      Object.values(copier)[0] as {
        Properties: { Policies: { PolicyDocument: { Statement: Statement[] } }[] };
      }
    ).Properties.Policies[0]!.PolicyDocument.Statement.find(
      (s) => s.Sid === 'EncryptCopiesWithRegionalVaultKeys',
    )!;
    expect(regional.Resource).toEqual([
      `arn:aws:kms:eu-west-1:${VAULT}:key/*`,
      `arn:aws:kms:ap-southeast-2:${VAULT}:key/*`,
    ]);
    expect(regional.Condition).toMatchObject({
      'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/quickstart-airgap-vault' },
    });
    expect(JSON.stringify(regional.Condition)).not.toContain('us-east-1');
  });
});

describe('the restore account in every region where the vault holds snapshot copies', () => {
  const restorePolicy = () =>
    (
      Object.values(
        template('quickstart-airgap-restore').findResources('AWS::IAM::Role', {
          Properties: { RoleName: 'AirGapRestore' },
        }),
      )[0] as { Properties: { Policies: { PolicyDocument: { Statement: Statement[] } }[] } }
    ).Properties.Policies[0]!.PolicyDocument.Statement;
  const sid = (name: string) => restorePolicy().find((s) => s.Sid === name)!;

  it('the roles once, in the vault region; a restore key stack in each other region, holding only the restore key', () => {
    const restore = manifest.templates.filter((m) => m.role === 'restore' && !m.file.includes('-assets-'));
    expect(restore.map((m) => [m.stackName, m.instances])).toEqual([
      ['quickstart-airgap-restore', [{ account: RESTORE, region: 'us-east-1', parameters: {} }]],
      [
        'quickstart-airgap-restore-key-eu-west-1',
        [{ account: RESTORE, region: 'eu-west-1', parameters: {} }],
      ],
      [
        'quickstart-airgap-restore-key-ap-southeast-2',
        [{ account: RESTORE, region: 'ap-southeast-2', parameters: {} }],
      ],
    ]);
    for (const region of ['eu-west-1', 'ap-southeast-2']) {
      const t = template(`quickstart-airgap-restore-key-${region}`);
      t.resourceCountIs('AWS::KMS::Key', 1);
      t.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/quickstart-airgap-restore' });
      t.hasResource('AWS::KMS::Key', {
        Properties: Match.objectLike({ EnableKeyRotation: true }),
        DeletionPolicy: 'Retain',
      });
      // IAM is global: every role stays in the one restore stack.
      t.resourceCountIs('AWS::IAM::Role', 0);
    }
    template('quickstart-airgap-restore').resourceCountIs('AWS::KMS::Key', 1);
  });

  it("the restore role copies and restores in each such region only, under each region's restore key, named by the restore alias elsewhere", () => {
    const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
    expect(sid('RestoreSnapshotsIntoThisAccount').Condition).toEqual({
      StringEquals: { 'aws:RequestedRegion': regions },
    });
    expect(sid('TagWhatItCreatesOnly').Condition).toEqual({
      StringEquals: { 'aws:RequestedRegion': regions, 'ec2:CreateAction': ['CopySnapshot', 'CreateVolume'] },
    });
    expect(sid('UseRestoreKey').Resource).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^RestoreKey/), 'Arn'],
    });
    const regional = sid('UseRegionalRestoreKeys');
    expect(regional.Resource).toEqual([
      `arn:aws:kms:eu-west-1:${RESTORE}:key/*`,
      `arn:aws:kms:ap-southeast-2:${RESTORE}:key/*`,
    ]);
    expect(regional.Condition).toEqual({
      'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/quickstart-airgap-restore' },
    });
    expect(regional.Action).toEqual(sid('UseRestoreKey').Action);
    // The vault keys of every region, through the services only (each key's policy bounds its own region).
    expect(sid('DecryptVaultCopiesThroughServices').Resource).toEqual(
      regions.map((r) => `arn:aws:kms:${r}:${VAULT}:key/*`),
    );
    expect(JSON.stringify(restorePolicy())).not.toMatch(/arn:aws:kms:\*|"aws:RequestedRegion":"\*"/);
  });
});

describe('EFS replication into the vault account', () => {
  it('one replica per protected file system: vault key, overwrite protection off, retained, tagged with its source', () => {
    const t = template('quickstart-airgap-vault-efs');
    t.resourceCountIs('AWS::EFS::FileSystem', 1);
    t.hasResource('AWS::EFS::FileSystem', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        Encrypted: true,
        KmsKeyId: Match.objectLike({ 'Fn::ImportValue': Match.anyValue() }),
        FileSystemProtection: { ReplicationOverwriteProtection: 'DISABLED' },
        BackupPolicy: { Status: 'DISABLED' },
        FileSystemTags: Match.arrayWith([
          {
            Key: 'airgap:source-arn',
            Value: `arn:aws:elasticfilesystem:us-east-1:${W}:file-system/fs-0123456789abcdef0`,
          },
        ]),
      }),
    });
  });

  it("the replica admits only its source account's replication and operator roles, for replication actions only", () => {
    const [statement, ...rest] = statements(
      template('quickstart-airgap-vault-efs'),
      'AWS::EFS::FileSystem',
      'FileSystemPolicy',
    ) as (Statement & { Principal: unknown; Effect: string })[];
    expect(rest).toEqual([]);
    expect(statement).toMatchObject({
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${W}:root` },
      Condition: {
        ArnEquals: {
          'aws:PrincipalArn': [
            `arn:aws:iam::${W}:role/AirGapEfsReplication`,
            `arn:aws:iam::${W}:role/AirGapOperator`,
          ],
        },
      },
    });
    expect([statement!.Action].flat().every((a) => a.startsWith('elasticfilesystem:'))).toBe(true);
    expect(statement!.Action).not.toContain('elasticfilesystem:ClientWrite');
  });

  it('AWS Backup backs every replica up on the EFS RPO into a locked vault that keeps each point for the vault retention', () => {
    const t = template('quickstart-airgap-vault-efs');
    t.hasResourceProperties('AWS::Backup::BackupVault', {
      BackupVaultName: 'quickstart-airgap-efs-replicas',
      LockConfiguration: { MinRetentionDays: 30, MaxRetentionDays: 3650, ChangeableForDays: 3 },
    });
    t.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({
            ScheduleExpression: replicaBackupSchedule(config.rpoMinutes.efs),
            Lifecycle: { DeleteAfterDays: 30 },
          }),
        ],
      },
    });
    const selection = JSON.stringify(t.findResources('AWS::Backup::BackupSelection'));
    const replicaId = Object.keys(t.findResources('AWS::EFS::FileSystem'))[0]!;
    expect(selection).toContain(`"Fn::GetAtt":["${replicaId}","Arn"]`);
    t.hasResourceProperties('AWS::IAM::Role', { RoleName: 'AirGapVaultBackup' });
  });

  it('restore efs: the restore account receives copies from the vault account only, under the restore key, into a vault nobody deletes from; AWS Backup restores with its own role; the vault backup role copies only into that vault', () => {
    const restore = template('quickstart-airgap-restore');
    restore.hasResourceProperties('AWS::Backup::BackupVault', {
      BackupVaultName: 'quickstart-airgap-efs-restore',
      EncryptionKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RestoreKey'), 'Arn'] },
    });
    const policy = JSON.stringify(restore.findResources('AWS::Backup::BackupVault'));
    expect(policy).toContain(`arn:aws:iam::${VAULT}:root`);
    expect(policy).toContain('DenyRecoveryPointDeletionAndLockRemoval');
    // The AWS Backup path is off in this config: the EFS restore brings the service role itself.
    restore.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'AirGapBackupRestoreService',
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'backup.amazonaws.com' } })],
      }),
    });
    const copy = statements(template('quickstart-airgap-vault-efs'), 'AWS::IAM::Policy', 'PolicyDocument');
    expect(copy).toContainEqual(
      expect.objectContaining({
        Sid: 'CopyIntoTheRestoreAccountsEfsVault',
        Action: 'backup:CopyIntoBackupVault',
        Resource: 'arn:aws:backup:us-east-1:200000000004:backup-vault:quickstart-airgap-efs-restore',
      }),
    );
  });

  it('the source template has the replication role: trusted by EFS, reading only the named file systems, writing only into vault-account file systems', () => {
    const t = template('quickstart-airgap-source');
    t.hasParameter('ProtectedFileSystems', { Type: 'CommaDelimitedList', Default: '' });
    t.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'AirGapEfsReplication',
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'elasticfilesystem.amazonaws.com' } })],
      },
      Policies: [
        {
          PolicyName: 'replicate',
          PolicyDocument: {
            Statement: [
              Match.objectLike({
                Sid: 'ReadProtectedFileSystems',
                Resource: { Ref: 'ProtectedFileSystems' },
              }),
              Match.objectLike({
                Sid: 'ReplicateIntoVaultReplicas',
                Resource: `arn:aws:elasticfilesystem:us-east-1:${VAULT}:file-system/*`,
              }),
            ],
          },
        },
      ],
    });
    const instance = manifest.templates.find((m) => m.role === 'workload')!.instances[0]!;
    expect(instance.parameters['ProtectedFileSystems']).toBe(
      `arn:aws:elasticfilesystem:us-east-1:${W}:file-system/fs-0123456789abcdef0`,
    );
  });
});

describe('FSx on the AWS Backup path', () => {
  it('the workload plan selects the named FSx file system and the FSx tag selection of its account', () => {
    const withFsx = quickstart([
      [['protect', 'fsx'], [{ account: W, names: ['fs-0fedcba9876543210'], tags: { airgap: 'protect' } }]],
    ]);
    const parameters = sourceParameters(withFsx, W);
    expect(parameters['BackupResources']!.split(',')).toContain(
      `arn:aws:fsx:us-east-1:${W}:file-system/fs-0fedcba9876543210`,
    );
    expect(Object.values(parameters)).toContain(
      'arn:aws:fsx:*:*:file-system/*,airgap,protect,airgap,protect,airgap,protect',
    );
  });
});

describe('templates', () => {
  it('cfn-lint passes on the EFS replica template, a regional vault key template and a regional restore key template', async () => {
    const files = manifest.templates
      .filter((t) => /vault-key-eu-west-1|restore-key-eu-west-1|vault-efs/.test(t.stackName))
      .map((t) => join(out, t.file));
    expect(files).toHaveLength(3);
    const { stdout } = await promisify(execFile)('cfn-lint', files).catch(
      (e: { stdout: string; code: number }) => {
        throw new Error(`cfn-lint exited ${e.code}:\n${e.stdout}`);
      },
    );
    expect(stdout).toBe('');
  }, 180_000);

  it('replica backups run every N hours for an RPO of N hours, hourly at the least, daily at the most', () => {
    expect(replicaBackupSchedule(15)).toBe('cron(0 0/1 ? * * *)');
    expect(replicaBackupSchedule(60)).toBe('cron(0 0/1 ? * * *)');
    expect(replicaBackupSchedule(360)).toBe('cron(0 0/6 ? * * *)');
    expect(replicaBackupSchedule(1440)).toBe('cron(0 0 ? * * *)');
    expect(replicaBackupSchedule(10_000)).toBe('cron(0 0 ? * * *)');
  });
});
