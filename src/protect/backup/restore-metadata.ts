import { createHash } from 'node:crypto';
import type { Service } from '../../config/index.js';
import { RESTORE_BUCKET_PREFIX } from '../../infra/restore/restore-stack.js';

/** Where a restore lands and with what, beyond what the recovery point's own metadata says. */
export interface RestoreTarget {
  /** New bucket name (S3) or DB cluster identifier (Aurora). */
  name: string;
  /** The restore account's key, which encrypts what is restored. */
  kmsKeyArn: string;
  /** Aurora: a DB subnet group and security groups of the restore account; without them, the default VPC. */
  subnetGroup?: string | undefined;
  securityGroups?: string[] | undefined;
}

/**
 * Metadata keys that name things of the source account (its network, parameter groups, key) and mean nothing,
 * or the wrong thing, in the restore account. Compared case-insensitively: AWS Backup returns Aurora keys in
 * lower camel case.
 */
const SOURCE_BOUND = [
  'vpcsecuritygroupids',
  'dbsubnetgroupname',
  'dbclusterparametergroupname',
  'optiongroupname',
  'kmskeyid',
  'availabilityzones',
  'domain',
  'domainiamrolename',
];

/** S3 and Aurora are what seed 001 restores; the rest keep their own restore paths. */
export function restorable(service: Service): service is 's3' | 'aurora' {
  return service === 's3' || service === 'aurora';
}

/**
 * The StartRestoreJob metadata (pure): the recovery point's own metadata with the source-account bindings
 * removed and the target's set.
 * - S3: always a NEW bucket, since AWS Backup does not restore an older version over a newer one, encrypted
 *   with the restore key.
 * - Aurora: a new cluster identifier, the restore key, the restore account's network when given. AWS Backup
 *   restores the cluster without DB instances: one has to be added before it serves queries.
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-s3.html
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-aur.html
 */
export function restoreMetadata(
  service: 's3' | 'aurora',
  source: Record<string, string>,
  target: RestoreTarget,
): Record<string, string> {
  if (service === 's3') {
    const kept = Object.fromEntries(Object.entries(source).filter(([k]) => k === 'RestoreTime'));
    return {
      ...kept,
      DestinationBucketName: target.name,
      NewBucket: 'true',
      Encrypted: 'true',
      EncryptionType: 'SSE-KMS',
      KMSKey: target.kmsKeyArn,
      CreationToken: idempotencyToken(target.name, JSON.stringify(kept)),
    };
  }
  const kept = Object.fromEntries(
    Object.entries(source).filter(
      ([k]) => !SOURCE_BOUND.includes(k.toLowerCase()) && k.toLowerCase() !== 'dbclusteridentifier',
    ),
  );
  return {
    ...kept,
    dbClusterIdentifier: target.name,
    kmsKeyId: target.kmsKeyArn,
    ...(target.subnetGroup ? { dbSubnetGroupName: target.subnetGroup } : {}),
    ...(target.securityGroups?.length ? { vpcSecurityGroupIds: JSON.stringify(target.securityGroups) } : {}),
  };
}

/** The same restore (recovery point and target) always sends the same token, so a re-run starts nothing new. */
export function idempotencyToken(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 36);
}

/**
 * A default target name: the prefix, the source name and the recovery point's time, within the limits of both
 * kinds (S3: 63 lowercase characters; Aurora: 63, a letter first, no double hyphen, no trailing hyphen).
 */
export function defaultTargetName(sourceName: string, at: Date): string {
  const stamp = at.toISOString().slice(0, 16).replace(/[-:T]/g, '');
  const room = 63 - RESTORE_BUCKET_PREFIX.length - stamp.length - 1;
  const base = sourceName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, room)
    .replace(/-+/g, '-')
    .replace(/-$/, '');
  return `${RESTORE_BUCKET_PREFIX}${base}-${stamp}`;
}
