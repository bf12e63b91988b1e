import type { AwsClients } from '../../aws/clients.js';
import { CLUSTER, rdsSnapshotApi, type CrossAccountCopy } from '../rds/snapshot-api.js';
import type { SnapshotApi } from '../snapshots/model.js';

/** Aurora copies are DB cluster snapshots: the RDS implementation with the cluster calls. */
export function auroraSnapshotApi(clients: AwsClients, crossAccountCopy?: CrossAccountCopy): SnapshotApi {
  return rdsSnapshotApi(clients, CLUSTER, crossAccountCopy);
}
