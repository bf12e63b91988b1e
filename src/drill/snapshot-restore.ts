import { DescribeVolumesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import type { AwsClients } from '../aws/clients.js';
import type { SnapshotService } from '../protect/snapshots/model.js';
import {
  restoreSnapshot,
  type SnapshotRestoreContext,
  type SnapshotRestoreReport,
} from '../protect/snapshots/restore.js';
import { drillName } from './prefix.js';
import type { VaultedSnapshot } from './snapshot-workload.js';
import { errorLine } from '../errors.js';

export interface RestoredSnapshot {
  resource: string;
  /** Absent when the restore failed outright (its vault copy gone, say): `error` says why. */
  report?: SnapshotRestoreReport;
  error?: string;
  seconds: number;
}

/** What a restored database or volume is, read back from the restore account. */
interface Found {
  id: string;
  sizeGiB: number | undefined;
  engine: string | undefined;
}

/**
 * Restores each vault copy into the restore account with `airgap restore`'s own function, under a name of the
 * drill's, tagged with the drill id; `waitMs` bounds the wait for the copy and the restored resource.
 */
export async function restoreSnapshots(
  ctx: SnapshotRestoreContext,
  vaulted: VaultedSnapshot[],
  drill: { id: string; waitMs: number },
): Promise<RestoredSnapshot[]> {
  const out: RestoredSnapshot[] = [];
  for (const [n, v] of vaulted.entries()) {
    const t0 = Date.now();
    const resource = `${v.service}:${v.resourceId}`;
    const outcome = await restoreSnapshot(ctx, {
      service: v.service,
      from: v.vaultCopyId,
      to: drillName(drill.id, `restore-${n}`),
      waitMs: drill.waitMs,
      pollMs: 15_000,
      drill: drill.id,
    }).then(
      (report) => ({ report }),
      (e: unknown) => ({ error: errorLine(e) }),
    );
    out.push({ resource, ...outcome, seconds: (Date.now() - t0) / 1000 });
  }
  return out;
}

/** Checks a restore against the seed: it completed, under the requested identifier, with the seed's size and engine. */
export async function verifyRestoredSnapshot(
  clients: AwsClients,
  seed: VaultedSnapshot,
  restored: RestoredSnapshot,
): Promise<string[]> {
  const { report } = restored;
  if (!report) return [`restore failed: ${restored.error}`];
  if (!report.complete || !report.restored)
    return [
      `not restored within the drill's wait (${report.steps.map((s) => `${s.step}: ${s.state}`).join(', ')})`,
    ];
  const found = await describe(clients, seed.service, report.target, report.restored.id);
  if (!found) return [`${report.restored.arn} is not in the restore account`];
  const problems: string[] = [];
  if (seed.service !== 'ebs' && found.id !== report.target.name)
    problems.push(`restored as ${found.id}, not ${report.target.name}`);
  if (found.sizeGiB !== seed.sizeGiB)
    problems.push(`restored with ${found.sizeGiB} GiB, not ${seed.sizeGiB}`);
  if (seed.engine && found.engine !== seed.engine)
    problems.push(`restored with engine ${found.engine}, not ${seed.engine}`);
  return problems;
}

async function describe(
  clients: AwsClients,
  service: SnapshotService,
  at: { account: string; region: string },
  id: string,
): Promise<Found | undefined> {
  if (service === 'ebs') {
    const out = await clients
      .for(EC2Client, at.account, at.region)
      .send(new DescribeVolumesCommand({ VolumeIds: [id] }))
      .catch(() => undefined);
    const v = out?.Volumes?.[0];
    return v && { id: v.VolumeId!, sizeGiB: v.Size, engine: undefined };
  }
  const rds = clients.for(RDSClient, at.account, at.region);
  if (service === 'rds') {
    const out = await rds
      .send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))
      .catch(() => undefined);
    const d = out?.DBInstances?.[0];
    return d && { id: d.DBInstanceIdentifier!, sizeGiB: d.AllocatedStorage, engine: d.Engine };
  }
  const out = await rds
    .send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }))
    .catch(() => undefined);
  const c = out?.DBClusters?.[0];
  return c && { id: c.DBClusterIdentifier!, sizeGiB: c.AllocatedStorage || 1, engine: c.Engine };
}
