import { SNAPSHOT_SERVICES, type SnapshotService } from './model.js';

/** Which services and regions one copier run lists shared snapshots in. */
export interface CopyScope {
  services: SnapshotService[];
  regions: string[];
}

/** The fields of an EventBridge event the copier reads; anything else in it is ignored. */
export interface TriggerEvent {
  'detail-type'?: string;
  region?: string;
  detail?: { resourceType?: string };
}

const BY_DETAIL_TYPE: Record<string, SnapshotService> = {
  'RDS DB Snapshot Event': 'rds',
  'RDS DB Cluster Snapshot Event': 'aurora',
  'EBS Snapshot Notification': 'ebs',
};
/** AWS Backup's `resourceType` values for the services vaulted by snapshot copy. */
const BY_BACKUP_RESOURCE: Record<string, SnapshotService> = { RDS: 'rds', Aurora: 'aurora', EBS: 'ebs' };

/**
 * A snapshot event from a configured source region narrows the run to its service and region; anything else
 * (the scheduled sweep, an event of another kind) sweeps every service in every source region. The event only
 * says where to look: what gets copied is what is actually shared with the vault account, so a forged event
 * can make the copier look, never copy something else.
 */
export function copyScope(event: TriggerEvent, sourceRegions: readonly string[]): CopyScope {
  const type = event['detail-type'] ?? '';
  const service =
    type === 'Backup Job State Change'
      ? BY_BACKUP_RESOURCE[event.detail?.resourceType ?? '']
      : BY_DETAIL_TYPE[type];
  if (service && event.region && sourceRegions.includes(event.region))
    return { services: [service], regions: [event.region] };
  return { services: [...SNAPSHOT_SERVICES], regions: [...sourceRegions] };
}

/** One run of the copy workflow: the event that started it and how many runs came before. */
export interface CopierInput {
  event: TriggerEvent;
  attempt: number;
}

/**
 * Seconds the copy workflow waits before its next run: one minute, doubling, at most fifteen. Copies take
 * minutes to hours, so polling fast at first catches the small ones and backing off keeps a long one cheap.
 */
export function backoffSeconds(attempt: number): number {
  return Math.min(60 * 2 ** Math.max(0, attempt), 900);
}
