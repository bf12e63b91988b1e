import {
  CreateSnapshotCommand,
  CreateVolumeCommand,
  EC2Client,
  ModifySnapshotAttributeCommand,
} from '@aws-sdk/client-ec2';
import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import type { AwsClients } from '../../src/aws/clients.js';
import type { CatalogEntry } from '../../src/catalog/catalog.js';

/** A completed vault copy of the workload DB `payments-db` as the catalog records it, in `vault` `region`. */
export function paymentsDbCopy(vault: string, region: string): CatalogEntry {
  return {
    id: 'c0ffee0000000000000000aa',
    service: 'rds',
    sourceArn: `arn:aws:rds:${region}:100000000002:snapshot:payments-db-1`,
    sourceAccount: '100000000002',
    sourceResource: `arn:aws:rds:${region}:100000000002:db:payments-db`,
    region,
    vaultCopyId: 'airgap-c0ffee0000000000000000aa',
    vaultCopyArn: `arn:aws:rds:${region}:${vault}:snapshot:airgap-c0ffee0000000000000000aa`,
    createdAt: '2026-11-23T08:00:00.000Z',
    retainUntil: '2026-12-23T08:00:00.000Z',
    state: 'available',
  };
}

/** A volume of `account` with one snapshot shared with `shareWith` (the flat form moto honours). */
export async function sharedEbsSnapshot(
  clients: AwsClients,
  account: string,
  region: string,
  shareWith: string,
  size = 8,
): Promise<{ volumeId: string; snapshotId: string }> {
  const ec2 = clients.for(EC2Client, account, region);
  const vol = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: `${region}a`, Size: size }));
  const snap = await ec2.send(new CreateSnapshotCommand({ VolumeId: vol.VolumeId! }));
  await ec2.send(
    new ModifySnapshotAttributeCommand({
      SnapshotId: snap.SnapshotId!,
      Attribute: 'createVolumePermission',
      OperationType: 'add',
      UserIds: [shareWith],
    }),
  );
  return { volumeId: vol.VolumeId!, snapshotId: snap.SnapshotId! };
}

/** A small Postgres DB instance of `account`, optionally encrypted under `kmsKeyId`. */
export async function dbInstance(
  clients: AwsClients,
  account: string,
  region: string,
  id: string,
  kmsKeyId?: string,
): Promise<void> {
  await clients.for(RDSClient, account, region).send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: id,
      Engine: 'postgres',
      DBInstanceClass: 'db.t3.micro',
      AllocatedStorage: 20,
      MasterUsername: 'u',
      MasterUserPassword: 'password1',
      ...(kmsKeyId ? { StorageEncrypted: true, KmsKeyId: kmsKeyId } : {}),
    }),
  );
}
