import type { SnapshotService } from './model.js';
import type { ShareRequest } from './share.js';

/** The fields of a source account's snapshot event the share function reads. */
export interface SourceSnapshotEvent {
  'detail-type'?: string;
  account?: string;
  region?: string;
  detail?: {
    SourceArn?: string;
    SourceType?: string;
    event?: string;
    result?: string;
    snapshot_id?: string;
    state?: string;
    resourceType?: string;
    recoveryPointArn?: string;
  };
}

const RDS_TYPES: Record<string, SnapshotService> = {
  'RDS DB Snapshot Event': 'rds',
  'RDS DB Cluster Snapshot Event': 'aurora',
};
const BACKUP_TYPES: Record<string, SnapshotService> = { RDS: 'rds', Aurora: 'aurora', EBS: 'ebs' };

/** The snapshot id at the end of an RDS (`...:snapshot:ID`, `...:cluster-snapshot:ID`) or EC2 (`.../snap-…`) ARN. */
function snapshotIdOf(arn: string | undefined, service: SnapshotService): string | undefined {
  if (!arn) return undefined;
  if (service === 'ebs') return /snapshot\/(snap-[0-9a-f]+)$/.exec(arn)?.[1];
  return /:(?:cluster-)?snapshot:(.+)$/.exec(arn)?.[1];
}

/**
 * The snapshot a source event announces, or undefined when the event announces none the share step acts on: an
 * RDS or Aurora snapshot event (creation, or a copy that finished: the share step answers "not ready" while the
 * snapshot is incomplete), a succeeded EBS createSnapshot or copySnapshot, a completed AWS Backup job of RDS,
 * Aurora or EBS.
 */
export function shareRequestOf(event: SourceSnapshotEvent): ShareRequest | undefined {
  const { account, region, detail } = event;
  if (!account || !region || !detail) return undefined;
  const type = event['detail-type'] ?? '';
  let service: SnapshotService | undefined;
  let arn: string | undefined;
  if (type in RDS_TYPES) {
    service = RDS_TYPES[type];
    arn = detail.SourceArn;
  } else if (type === 'EBS Snapshot Notification') {
    if (detail.result !== 'succeeded' || !['createSnapshot', 'copySnapshot'].includes(detail.event ?? ''))
      return undefined;
    service = 'ebs';
    arn = detail.snapshot_id;
  } else if (type === 'Backup Job State Change' && detail.state === 'COMPLETED') {
    service = BACKUP_TYPES[detail.resourceType ?? ''];
    arn = detail.recoveryPointArn;
  }
  if (!service) return undefined;
  const snapshotId = snapshotIdOf(arn, service);
  return snapshotId ? { service, account, region, snapshotId } : undefined;
}
