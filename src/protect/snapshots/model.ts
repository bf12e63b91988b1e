import type { CatalogService } from '../../catalog/catalog.js';

/** Services vaulted by snapshot copy (EFS replicates, FSx goes through AWS Backup). */
export type SnapshotService = Extract<CatalogService, 'rds' | 'aurora' | 'ebs'>;

/** Every snapshot service, in the order commands, reports and evidence list them. */
export const SNAPSHOT_SERVICES: readonly SnapshotService[] = ['rds', 'aurora', 'ebs'];

export const isSnapshotService = (service: string): service is SnapshotService =>
  (SNAPSHOT_SERVICES as readonly string[]).includes(service);

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

/** A DB instance, DB cluster or volume of a workload account, as the selection and the KMS preflight read it. */
export interface SourceResource {
  service: SnapshotService;
  arn: string;
  /** DB instance or cluster identifier, volume id: what `protect.<service>[].names` lists. */
  name: string;
  account: string;
  region: string;
  tags: Record<string, string>;
  encrypted: boolean;
  kmsKeyId: string | undefined;
}

/** A snapshot as its owner sees it: what the share step, the preflight and the restore read. */
export interface OwnedSnapshot {
  service: SnapshotService;
  id: string;
  arn: string;
  account: string;
  region: string;
  /** The DB instance, cluster or volume ARN the snapshot was taken of. */
  resource: string;
  /** Only manual snapshots can be shared: automated and AWS Backup ones are copied to a manual one first. */
  type: 'manual' | 'automated' | 'awsbackup';
  status: CopyStatus;
  createdAt: Date;
  encrypted: boolean;
  kmsKeyId: string | undefined;
  sizeGiB: number;
  tags: Record<string, string>;
}

/** What a restore creates from a snapshot in the restore account. */
export interface RestoreTarget {
  account: string;
  region: string;
  /** DB instance or cluster identifier; for EBS, the Name tag of the volume. */
  name: string;
  tags: Record<string, string>;
}

export interface RestoredResource {
  arn: string;
  /** DB instance or cluster identifier, volume id. */
  id: string;
  status: string;
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
  /** Lets `account` copy the snapshot (the share step, the restore). */
  shareWith(owner: string, region: string, copyId: string, account: string): Promise<void>;
  /** The accounts a snapshot is shared with. */
  sharedWith(owner: string, region: string, id: string): Promise<string[]>;
  listResources(account: string, region: string): Promise<SourceResource[]>;
  listOwned(account: string, region: string): Promise<OwnedSnapshot[]>;
  describeOwned(account: string, region: string, id: string): Promise<OwnedSnapshot | undefined>;
  /** A copy inside the owner's account and region (the real API on AWS and on the sandbox alike). */
  copyWithin(source: OwnedSnapshot, target: CopyTarget): Promise<VaultCopy>;
  /** The resource restored under `target.name`, if it exists: how a re-run finds the restore already done. */
  findRestored(target: RestoreTarget): Promise<RestoredResource | undefined>;
  restoreFrom(snapshot: VaultCopy, target: RestoreTarget): Promise<RestoredResource>;
}

/**
 * How long a copy AWS does not show yet counts as still starting, not as gone: right after CopySnapshot or
 * CopyDBSnapshot, a Describe may answer not-found (eventual consistency). AWS's guidance for the EC2 API is to
 * retry the Describe with backoff "increasing gradually up to five minutes of wait time"
 * (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html); RDS publishes no figure, so the
 * same bound holds for its copies.
 */
export const COPY_VISIBILITY_GRACE_MS = 5 * 60_000;

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
