import type { CatalogService } from '../../catalog/catalog.js';

/** Services vaulted by snapshot copy (EFS replicates, FSx goes through AWS Backup). */
export type SnapshotService = Extract<CatalogService, 'rds' | 'aurora' | 'ebs'>;

/** A source snapshot the vault account can copy. */
export interface SharedSnapshot {
  service: SnapshotService;
  arn: string;
  id: string;
  sourceAccount: string;
  region: string;
  /** The DB instance, cluster or volume ARN the snapshot was taken of. */
  sourceResource: string;
  createdAt: Date;
  encrypted: boolean;
  kmsKeyId?: string | undefined;
  /** Allocated storage or volume size in GiB: the copy's expected duration weight. */
  sizeGiB: number;
}

export type CopyStatus = 'pending' | 'available' | 'failed';

export interface VaultCopy {
  id: string;
  arn: string;
  status: CopyStatus;
  tags: Record<string, string>;
}

export interface CopyTarget {
  account: string;
  region: string;
  /** Deterministic identifier (RDS, Aurora); EBS assigns its own id, so EBS finds the copy by its source-ARN tag. */
  id: string;
  kmsKeyArn: string;
  tags: Record<string, string>;
}

/** The SDK operations one service needs; one implementation per service, the same on AWS and the sandbox. */
export interface SnapshotApi {
  service: SnapshotService;
  listShared(account: string, region: string): Promise<SharedSnapshot[]>;
  /** The vault copy of `sourceArn`, if one exists: how a retry after a crash finds the work already done. */
  findCopy(
    account: string,
    region: string,
    targetId: string,
    sourceArn: string,
  ): Promise<VaultCopy | undefined>;
  startCopy(shared: SharedSnapshot, target: CopyTarget): Promise<VaultCopy>;
  describeCopy(account: string, region: string, copyId: string): Promise<VaultCopy | undefined>;
  /** Locks the copy until `until` where the service can (EBS snapshot lock); the rest rely on SCPs. */
  lock(account: string, region: string, copyId: string, until: Date): Promise<'locked' | 'not-supported'>;
  listCopies(account: string, region: string): Promise<VaultCopy[]>;
  deleteCopy(account: string, region: string, copyId: string): Promise<void>;
  /** Lets `account` copy the snapshot (restore path). */
  shareWith(owner: string, region: string, copyId: string, account: string): Promise<void>;
}

/** AWS error names that mean "not now, retry later": the copy stays queued (threats #14, #15, #19). */
export const BACK_PRESSURE = new Set([
  'ResourceLimitExceeded',
  'SnapshotQuotaExceeded',
  'SnapshotQuotaExceededFault',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'SnapshotCopyLimitExceeded',
]);

/** AWS error names that mean the source snapshot is gone or no longer shared (threat #17). */
export const SOURCE_GONE = new Set([
  'DBSnapshotNotFound',
  'DBSnapshotNotFoundFault',
  'DBClusterSnapshotNotFoundFault',
  'InvalidSnapshot.NotFound',
  'InvalidSnapshotNotFound',
]);
