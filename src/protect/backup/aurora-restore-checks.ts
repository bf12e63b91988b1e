import type { DBCluster } from '@aws-sdk/client-rds';

/** What the checks of a restored Aurora cluster look at, read without connecting to the database. */
export interface RestoredAurora {
  cluster: DBCluster;
  /** The restore metadata of the recovery point the cluster was restored from (keys in any case). */
  recoveryPoint: Record<string, string>;
  /** The key restores must encrypt with: the restore account's. */
  expectedKmsKeyArn: string;
}

/**
 * Why a restored Aurora cluster is not usable, one reason per failed check (empty: every check passed). Pure.
 *
 * Cluster-level checks only, by design: "AWS Backup restores your Aurora cluster; it does not create or attach an
 * Amazon RDS instance to your cluster" (restoring-aur), so a restore test's cluster never has a DB instance, and
 * requiring one failed every test. Querying the data would need a temporary instance created, awaited (many
 * minutes: longer than a Lambda runs, so a state machine) and deleted again before AWS Backup deletes the test
 * cluster at the end of the validation window, which RDS refuses while the cluster still holds an instance. That
 * machinery would be a second place a test could leak billed resources. So data-level checks (row counts: threat
 * #22) stay with a real restore, where `airgap restore --from backup` prints the instance to add. What the cluster
 * itself shows is checked:
 * - The cluster is `available`.
 * - Engine and engine version are the recovery point's: RDS upgrades a snapshot of a deprecated version while
 *   restoring it, which is a different database from the one backed up.
 * - Encrypted with the restore account's key, not a source key the restore account would depend on.
 * - Deletion protection off: AWS Backup deletes the restored test resource when the validation window closes,
 *   and RDS refuses to delete a cluster under deletion protection (it would stay, and be billed).
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-aur.html
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-restore-snapshot.html
 */
export function auroraProblems(r: RestoredAurora): string[] {
  const { cluster: c } = r;
  const problems: string[] = [];
  if (c.Status !== 'available') problems.push(`cluster status is ${c.Status ?? 'unknown'}, not available`);
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
