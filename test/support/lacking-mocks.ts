import {
  BackupClient,
  DescribeBackupVaultCommand,
  DescribeCopyJobCommand,
  DescribeGlobalSettingsCommand,
  DescribeRestoreJobCommand,
  ListRecoveryPointsByBackupVaultCommand,
  StartCopyJobCommand,
  StartRestoreJobCommand,
} from '@aws-sdk/client-backup';
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import {
  ConfigServiceClient,
  DescribeConfigurationRecorderStatusCommand,
  DescribeDeliveryChannelsCommand,
} from '@aws-sdk/client-config-service';
import {
  CreateReplicationConfigurationCommand,
  DescribeReplicationConfigurationsCommand,
  EFSClient,
} from '@aws-sdk/client-efs';
import { GetDetectorCommand, GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { mockClient } from 'aws-sdk-client-mock';
import { RESOURCE_NAMES, type Config } from '../../src/config/index.js';

/**
 * Client mocks of what moto lacks, shaped like AWS's documented responses, for a whole test file whose other calls
 * go to moto: AWS Backup's recovery points and jobs (every point COMPLETED an hour ago, every job done at once), EFS
 * replication (none yet; its file systems stay on moto), and CloudTrail, Config and GuardDuty state (on). Returns
 * the function that removes them.
 */
export function mockWhatMotoLacks(config: Config, restoredFileSystem: string): () => void {
  const region = config.vault.region;
  const { restoreAccount } = config.organizations.vault;
  const backup = mockClient(BackupClient);
  backup.onAnyCommand().resolves({});
  backup
    .on(ListRecoveryPointsByBackupVaultCommand)
    .callsFake(async (i: Record<string, string | undefined>) => {
      const resource = i['ByResourceArn'] ?? 'arn:aws:s3:::unnamed';
      const owner = i['BackupVaultAccountId'] ?? (resource.split(':')[4] || restoreAccount);
      return {
        RecoveryPoints: [
          {
            RecoveryPointArn: `arn:aws:backup:${region}:${owner}:recovery-point:p1`,
            ResourceArn: resource,
            Status: 'COMPLETED',
            CreationDate: new Date(Date.now() - 3_600_000),
          },
        ],
      };
    });
  backup.on(DescribeBackupVaultCommand).callsFake(async (i: { BackupVaultName: string }) => ({
    BackupVaultName: i.BackupVaultName,
    BackupVaultArn: `arn:aws:backup:${region}:${restoreAccount}:backup-vault:${RESOURCE_NAMES.efsRestoreBackupVault(config)}`,
    Locked: true,
    LockDate: new Date(0),
  }));
  backup
    .on(DescribeGlobalSettingsCommand)
    .resolves({ GlobalSettings: { isCrossAccountBackupEnabled: 'true' } });
  backup.on(StartCopyJobCommand).resolves({ CopyJobId: 'copy-1' });
  backup.on(DescribeCopyJobCommand).resolves({
    CopyJob: {
      CopyJobId: 'copy-1',
      State: 'COMPLETED',
      DestinationRecoveryPointArn: `arn:aws:backup:${region}:${restoreAccount}:recovery-point:c1`,
    },
  });
  backup.on(StartRestoreJobCommand).resolves({ RestoreJobId: 'restore-1' });
  backup
    .on(DescribeRestoreJobCommand)
    .resolves({ RestoreJobId: 'restore-1', Status: 'COMPLETED', CreatedResourceArn: restoredFileSystem });

  const efs = mockClient(EFSClient);
  efs.send.callThrough();
  efs
    .on(DescribeReplicationConfigurationsCommand)
    .rejects(Object.assign(new Error('no replication'), { name: 'ReplicationNotFound' }));
  efs.on(CreateReplicationConfigurationCommand).resolves({});

  const logs = `${config.name}-airgap-logs`;
  const trail = mockClient(CloudTrailClient);
  trail.on(DescribeTrailsCommand).resolves({
    trailList: [
      {
        Name: 'org-trail',
        TrailARN: `arn:aws:cloudtrail:${region}:${config.organizations.vault.managementAccount}:trail/org-trail`,
        S3BucketName: logs,
      },
    ],
  });
  trail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
  const recorder = mockClient(ConfigServiceClient);
  recorder
    .on(DescribeConfigurationRecorderStatusCommand)
    .resolves({ ConfigurationRecordersStatus: [{ name: 'default', recording: true }] });
  recorder
    .on(DescribeDeliveryChannelsCommand)
    .resolves({ DeliveryChannels: [{ name: 'default', s3BucketName: logs }] });
  const guardDuty = mockClient(GuardDutyClient);
  guardDuty.on(ListDetectorsCommand).resolves({ DetectorIds: ['d1'] });
  guardDuty.on(GetDetectorCommand).resolves({ Status: 'ENABLED', ServiceRole: 'r' } as never);
  return () => {
    for (const m of [backup, efs, trail, recorder, guardDuty]) m.restore();
  };
}
