import type { AwsClients } from '../aws/clients.js';
import { protectedFileSystems, RESOURCE_NAMES, type Config } from '../config/index.js';
import { findReplicas, replicationOf } from '../protect/efs/replicas.js';
import type { CopyObservation } from './model.js';

/**
 * EFS path: each protected file system's replica, read in the vault account (what the source says about its own
 * replication is what an attacker there would forge). The newest state in the vault is the replication's last
 * sync; a replica no longer replicating keeps its last state but is no longer current. The replica is a mirror,
 * so the detail names where its recovery points are kept: those, not the mirror, survive a source attack.
 */
export async function efsReader(clients: AwsClients, config: Config): Promise<CopyObservation[]> {
  const fileSystems = protectedFileSystems(config);
  if (fileSystems.length === 0) return [];
  const vault = config.organizations.vault.vaultAccount;
  const region = config.vault.region;
  const replicas = await findReplicas(clients, vault, region);
  const points = `recovery points of the replica in backup vault ${RESOURCE_NAMES.efsReplicaBackupVault(config)}`;
  return Promise.all(
    fileSystems.map(async (fs): Promise<CopyObservation> => {
      const base = {
        service: 'efs' as const,
        resource: fs.arn,
        account: fs.account,
        path: 'efs-replication' as const,
      };
      const replica = replicas.get(fs.arn);
      if (!replica)
        return {
          ...base,
          newestCopyAt: undefined,
          retentionDays: undefined,
          detail: [`no replica in the vault account's ${region}: deploy ${config.name}-airgap-vault-efs`],
        };
      const replication = await replicationOf(clients, vault, region, replica.id);
      // The replica's policy admits its source account, which could replicate another (empty) file system into it.
      const foreign = replication && replication.SourceFileSystemArn !== fs.arn;
      const destination = foreign
        ? undefined
        : replication?.Destinations?.find(
            (d) => d.FileSystemId === replica.id || d.FileSystemId === replica.arn,
          );
      const state = foreign
        ? `REPLICATING FROM ${replication.SourceFileSystemArn ?? 'an unknown file system'}, not from the protected file system`
        : destination
          ? `replication ${destination.Status ?? 'UNKNOWN'}${destination.StatusMessage ? `: ${destination.StatusMessage}` : ''}`
          : 'NOT REPLICATING: run airgap efs configure-replication, or find who deleted the replication configuration';
      return {
        ...base,
        newestCopyAt: destination?.LastReplicatedTimestamp,
        retentionDays: undefined,
        detail: [`replica ${replica.id}, ${state}`, `a mirror: deletions in the source reach it; ${points}`],
      };
    }),
  );
}
