import {
  DescribeReplicationConfigurationsCommand,
  EFSClient,
  paginateDescribeFileSystems,
  type ReplicationConfigurationDescription,
} from '@aws-sdk/client-efs';
import type { AwsClients } from '../../aws/clients.js';
import { TAGS } from '../../config/names.js';

/** A replica file system of the vault account, found by the source ARN its stack tagged it with. */
export interface Replica {
  id: string;
  arn: string;
  sourceArn: string;
}

/** The vault account's EFS replicas in one region, by source file system ARN (one DescribeFileSystems listing). */
export async function findReplicas(
  clients: AwsClients,
  vaultAccount: string,
  region: string,
): Promise<Map<string, Replica>> {
  const out = new Map<string, Replica>();
  const efs = clients.for(EFSClient, vaultAccount, region);
  for await (const page of paginateDescribeFileSystems({ client: efs }, {})) {
    for (const fs of page.FileSystems ?? []) {
      const source = fs.Tags?.find((t) => t.Key === TAGS.sourceArn)?.Value;
      if (source && fs.FileSystemId && fs.FileSystemArn)
        out.set(source, { id: fs.FileSystemId, arn: fs.FileSystemArn, sourceArn: source });
    }
  }
  return out;
}

/**
 * The replication configuration a file system takes part in (as source or as destination), read in the account
 * that owns it and its region; undefined when it takes part in none.
 */
export async function replicationOf(
  clients: AwsClients,
  account: string,
  region: string,
  fileSystemId: string,
): Promise<ReplicationConfigurationDescription | undefined> {
  const out = await clients
    .for(EFSClient, account, region)
    .send(new DescribeReplicationConfigurationsCommand({ FileSystemId: fileSystemId }))
    .catch((e: unknown) => {
      if ((e as Error).name === 'ReplicationNotFound') return undefined;
      throw e;
    });
  return out?.Replications?.[0];
}
