import type { AwsClients } from '../../aws/clients.js';
import { auroraSnapshotApi } from '../aurora/snapshot-api.js';
import { ebsSnapshotApi, type EbsOverrides } from '../ebs/snapshot-api.js';
import { INSTANCE, rdsSnapshotApi, type CrossAccountCopy } from '../rds/snapshot-api.js';
import type { SnapshotApi, SnapshotService } from './model.js';

/** Where the sandbox replaces an AWS behaviour moto lacks (src/sandbox/snapshot-copy-emulator.ts); empty on AWS. */
export interface SnapshotOverrides {
  rds?: CrossAccountCopy;
  aurora?: CrossAccountCopy;
  ebs?: EbsOverrides;
}

export function snapshotApis(
  clients: AwsClients,
  overrides: SnapshotOverrides = {},
): Record<SnapshotService, SnapshotApi> {
  return {
    rds: rdsSnapshotApi(clients, INSTANCE, overrides.rds),
    aurora: auroraSnapshotApi(clients, overrides.aurora),
    ebs: ebsSnapshotApi(clients, overrides.ebs),
  };
}
