import type {
  LifecycleRule,
  ObjectLockConfiguration,
  ReplicationConfiguration,
  ServerSideEncryptionRule,
} from '@aws-sdk/client-s3';
import type { KeyMetadata } from '@aws-sdk/client-kms';
import type { CatalogEntry } from '../catalog/catalog.js';
import type { Config, ProtectedBucket } from '../config/index.js';
import type { Intent } from './intent.js';

/** One control's verdict on one resource, as auditors read it: what, where, and why. */
export interface Finding {
  control: string;
  resource: string;
  status: 'pass' | 'fail' | 'not-applicable';
  reason: string;
}

/** Live state of one protected bucket and its vault bucket; undefined where the configuration is absent. */
export interface BucketState {
  bucket: ProtectedBucket;
  sourceReplication: ReplicationConfiguration | undefined;
  sourceLifecycle: LifecycleRule[];
  sourceEncryption: ServerSideEncryptionRule[];
  vaultExists: boolean;
  vaultObjectLock: ObjectLockConfiguration | undefined;
  vaultEncryption: ServerSideEncryptionRule[];
}

export interface KeyState {
  alias: string;
  account: string;
  region: string;
  metadata: KeyMetadata | undefined;
  /** The key policy as KMS returns it (JSON text); undefined when the key is absent. */
  policy: string | undefined;
  /** Automatic rotation; undefined where not read (keys not held to it, and keys not enabled). */
  rotationEnabled?: boolean | undefined;
}

/** The restore role as IAM holds it; undefined documents where the role does not exist. */
export interface RoleState {
  name: string;
  account: string;
  exists: boolean;
  trust: unknown;
  /** Inline policies by name. */
  policies: Record<string, unknown>;
  managedPolicies: string[];
}

/** One vault copy the recovery catalog lists as available, and what the vault account holds of it. */
export interface SnapshotCopyState {
  entry: Pick<CatalogEntry, 'service' | 'sourceArn' | 'vaultCopyId' | 'region' | 'retainUntil'>;
  present: boolean;
  /** EBS snapshot lock (DescribeLockedSnapshots); undefined for RDS and Aurora, which have none. */
  lock:
    | {
        /** compliance, compliance-cooloff, governance, expired, or unlocked when none is found. */
        state: string;
        expiresOn: Date | undefined;
        coolOffEndsOn: Date | undefined;
      }
    | undefined;
}

export interface PolicyState {
  name: string;
  kind: 'SCP' | 'RCP';
  /** Whether the policy exists in the vault organization at all. */
  exists: boolean;
  /** Ids of the roots, OUs and accounts it is attached to. */
  targets: string[];
  /** Whether its content equals the document the config produces. */
  contentMatches: boolean;
}

/** Detection in one account and region: GuardDuty detectors and Config recorders are regional. */
export interface LoggingState {
  account: string;
  region: string;
  /** The trails logging this region: the region's own and the multi-region ones. */
  trailsLogging: string[];
  /** The buckets those trails and the region's Config delivery channels deliver to. */
  deliveryBuckets: string[];
  configRecording: boolean;
  guardDutyEnabled: boolean;
}

export interface RecoveryPointState {
  arn: string;
  resourceArn: string;
  createdAt: Date;
  encrypted: boolean;
  retentionDays: number | undefined;
}

export interface BackupVaultState {
  name: string;
  account: string;
  locked: boolean;
  lockDate: Date | undefined;
  minRetentionDays: number | undefined;
  /** Whether the vault access policy denies DeleteRecoveryPoint to everyone. */
  deletionDenied: boolean;
  recoveryPoints: RecoveryPointState[];
}

export interface BackupPlanState {
  name: string;
  rules: { schedule: string; deleteAfterDays: number | undefined; copyTo: string[] }[];
  selectedResources: string[];
}

export interface RestoreJobState {
  resourceArn: string;
  minutes: number;
}

/** Everything the rules look at: fetched once by the readers, then judged by pure functions. */
export interface AuditState {
  now: Date;
  buckets: BucketState[];
  keys: KeyState[];
  /** The restore account's key of each region where the vault holds snapshot copies (`vaultKeyRegions`). */
  restoreKeys: KeyState[];
  /** What the synthesized templates intend; undefined when the audit ran without them. */
  intent: Intent | undefined;
  restoreRole: RoleState;
  /** Undefined when the recovery catalog does not exist. */
  snapshots: SnapshotCopyState[] | undefined;
  /** Undefined when the vault organization could not be read (no management or delegated read access). */
  policies: PolicyState[] | undefined;
  rootId: string | undefined;
  logging: LoggingState[];
  /** The log archive account and the buckets it owns (when the config names one, Control Tower's or ours). */
  logArchive?: { account: string; buckets: string[] } | undefined;
  /** Undefined when the AWS Backup path is off. */
  backup:
    | {
        vaults: BackupVaultState[];
        plans: BackupPlanState[];
        restoreJobs: RestoreJobState[];
        /** Accounts whose completed restore jobs could not be listed, and why. */
        restoreJobsUnreadable: { account: string; reason: string }[];
      }
    | undefined;
}

/** A rule family: a pure function over the fetched state and the config. */
export type RuleFamily = (state: AuditState, config: Config) => Finding[];

export const pass = (control: string, resource: string, reason: string): Finding => ({
  control,
  resource,
  status: 'pass',
  reason,
});
export const fail = (control: string, resource: string, reason: string): Finding => ({
  control,
  resource,
  status: 'fail',
  reason,
});
export const notApplicable = (control: string, resource: string, reason: string): Finding => ({
  control,
  resource,
  status: 'not-applicable',
  reason,
});
