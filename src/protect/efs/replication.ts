import { CreateReplicationConfigurationCommand, EFSClient } from '@aws-sdk/client-efs';
import type { AwsClients } from '../../aws/clients.js';
import type { Config, ProtectedFileSystem } from '../../config/index.js';
import { roleArn } from '../../config/names.js';
import { findReplicas, replicationOf, type Replica } from './replicas.js';

/** What `airgap efs configure-replication` does, or would do, for one protected file system. */
export type ReplicationStep =
  | {
      fileSystem: string;
      account: string;
      action: 'create';
      /** The replica (vault account) the configuration points at, the region it is in, the role EFS replicates as. */
      destination: string;
      region: string;
      role: string;
    }
  | { fileSystem: string; account: string; action: 'in-place'; destination: string; status: string }
  | { fileSystem: string; account: string; action: 'blocked'; reason: string };

/** What a source file system replicates into now, as DescribeReplicationConfigurations tells its owner. */
export interface CurrentReplication {
  destinations: { fileSystemId: string; status: string }[];
}

/**
 * Pure: per protected file system, the step that leaves it replicating into its own replica in the vault. A
 * file system takes part in one replication configuration at most, so one replicating elsewhere is blocked, with
 * what to do, never silently re-pointed.
 */
export function planEfsReplication(
  config: Pick<Config, 'vault' | 'name'>,
  fileSystems: readonly ProtectedFileSystem[],
  replicas: ReadonlyMap<string, Replica>,
  current: ReadonlyMap<string, CurrentReplication | undefined>,
): ReplicationStep[] {
  return fileSystems.map((fs): ReplicationStep => {
    const base = { fileSystem: fs.arn, account: fs.account };
    const replica = replicas.get(fs.arn);
    if (!replica)
      return {
        ...base,
        action: 'blocked',
        reason: `no replica of ${fs.id} in the vault account's ${config.vault.region}: deploy ${config.name}-airgap-vault-efs first`,
      };
    const now = current.get(fs.arn);
    const destination = now?.destinations[0];
    if (!destination)
      return {
        ...base,
        action: 'create',
        destination: replica.arn,
        region: config.vault.region,
        role: roleArn(fs.account, 'efsReplication'),
      };
    const same = destination.fileSystemId === replica.id || destination.fileSystemId === replica.arn;
    return same
      ? { ...base, action: 'in-place', destination: replica.arn, status: destination.status }
      : {
          ...base,
          action: 'blocked',
          reason: `${fs.id} already replicates into ${destination.fileSystemId}, and a file system takes part in one replication configuration only: delete that configuration (aws efs delete-replication-configuration --source-file-system-id ${fs.id}) if the vault replica is to replace it`,
        };
  });
}

/** Reads the replicas (vault account) and each source's current replication (its own account), then plans. */
export async function efsReplicationPlan(
  clients: AwsClients,
  config: Config,
  fileSystems: readonly ProtectedFileSystem[],
): Promise<ReplicationStep[]> {
  const replicas = await findReplicas(clients, config.organizations.vault.vaultAccount, config.vault.region);
  const current = new Map<string, CurrentReplication | undefined>();
  for (const fs of fileSystems) {
    const r = await replicationOf(clients, fs.account, fs.region, fs.id);
    current.set(
      fs.arn,
      r && {
        destinations: (r.Destinations ?? []).map((d) => ({
          fileSystemId: d.FileSystemId ?? '',
          status: d.Status ?? 'UNKNOWN',
        })),
      },
    );
  }
  return planEfsReplication(config, fileSystems, replicas, current);
}

/** Applies the plan's creates, each as the source account (the only account that can replicate its file system). */
export async function applyEfsReplicationPlan(
  clients: AwsClients,
  fileSystems: readonly ProtectedFileSystem[],
  steps: readonly ReplicationStep[],
): Promise<void> {
  for (const step of steps) {
    if (step.action !== 'create') continue;
    const fs = fileSystems.find((f) => f.arn === step.fileSystem)!;
    await clients.for(EFSClient, fs.account, fs.region).send(
      new CreateReplicationConfigurationCommand({
        SourceFileSystemId: fs.id,
        Destinations: [{ Region: step.region, FileSystemId: step.destination, RoleArn: step.role }],
      }),
    );
  }
}
