import type { AwsClients } from '../aws/clients.js';
import type { Config, Service } from '../config/index.js';

export type ProtectionPath = 's3-replication' | 'snapshot-copy' | 'efs-replication' | 'aws-backup';

/**
 * What one path reader saw of one resource's copies in the vault. Readers are small and per path, so the
 * runtime of each path (replication, snapshot catalog, AWS Backup) can supply its own without touching status.
 */
export interface CopyObservation {
  service: Service;
  /** The source resource: a bucket name or a resource ARN. */
  resource: string;
  account: string;
  path: ProtectionPath;
  /** Time of the newest source state proven to be in the vault; undefined when none is. */
  newestCopyAt: Date | undefined;
  /** How long that copy is kept, in days; undefined when kept indefinitely or unknown. */
  retentionDays: number | undefined;
  /** Path-specific facts worth a glance (replication rule state, lag, canary), or problems found on the way. */
  detail: string[];
}

export type PathReader = (clients: AwsClients, config: Config, now: Date) => Promise<CopyObservation[]>;
