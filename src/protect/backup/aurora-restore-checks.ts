import type { DBCluster, DBInstance } from '@aws-sdk/client-rds';

/** What the checks of a restored Aurora cluster look at, read without connecting to the database. */
export interface RestoredAurora {
  cluster: DBCluster;
  /** The DB instances of the cluster. */
  instances: DBInstance[];
  /** The restore metadata of the recovery point the cluster was restored from (keys in any case). */
  recoveryPoint: Record<string, string>;
  /** The key restores must encrypt with: the restore account's. */
  expectedKmsKeyArn: string;
}

/**
 * Why a restored Aurora cluster is not usable, one reason per failed check (empty: every check passed). Pure.
 * - The cluster is `available`, and so is at least one DB instance: AWS Backup restores an Aurora cluster without
 *   instances, and a cluster without an available instance serves no query.
 * - Engine and engine version are the recovery point's: RDS upgrades a snapshot of a deprecated version while
 *   restoring it, which is a different database from the one backed up.
 * - Encrypted with the restore account's key, not a source key the restore account would depend on.
 * - Deletion protection off: AWS Backup deletes the restored test resource when the validation window closes,
 *   and RDS refuses to delete a cluster under deletion protection (it would stay, and be billed).
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-aur.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-restore-snapshot.html
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing.html
 */
export function auroraProblems(r: RestoredAurora): string[] {
  const { cluster: c } = r;
  const problems: string[] = [];
  if (c.Status !== 'available') problems.push(`cluster status is ${c.Status ?? 'unknown'}, not available`);
  if (r.instances.length === 0) {
    problems.push(
      'no DB instance: AWS Backup restores an Aurora cluster without instances, so it serves no query until one is added',
    );
  } else if (!r.instances.some((i) => i.DBInstanceStatus === 'available')) {
    const states = r.instances.map(
      (i) => `${i.DBInstanceIdentifier ?? '?'} ${i.DBInstanceStatus ?? 'unknown'}`,
    );
    problems.push(`no available DB instance (${states.join(', ')})`);
  }
  const meta = new Map(Object.entries(r.recoveryPoint).map(([k, v]) => [k.toLowerCase(), v]));
  for (const [key, actual] of [
    ['engine', c.Engine],
    ['engineVersion', c.EngineVersion],
  ] as const) {
    const wanted = meta.get(key.toLowerCase());
    if (!wanted) problems.push(`the recovery point's metadata has no ${key} to compare with`);
    else if (actual !== wanted)
      problems.push(`${key} is ${actual ?? 'unknown'}, the recovery point's is ${wanted}`);
  }
  if (!c.StorageEncrypted) problems.push('storage is not encrypted');
  else if (c.KmsKeyId !== r.expectedKmsKeyArn)
    problems.push(
      `encrypted with ${c.KmsKeyId ?? 'an unnamed key'}, not the restore key ${r.expectedKmsKeyArn}`,
    );
  if (c.DeletionProtection)
    problems.push(
      'deletion protection is on: AWS Backup cannot delete the test cluster after its validation',
    );
  return problems;
}
