import type { DBCluster } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { auroraProblems, type RestoredAurora } from './aurora-restore-checks.js';

const KEY = 'arn:aws:kms:us-east-1:200000000004:key/restore';
/** A restored cluster as DescribeDBClusters describes it after an AWS Backup restore (no instance), usable, with edits. */
function restored(cluster: Partial<DBCluster> = {}, edits: Partial<RestoredAurora> = {}): RestoredAurora {
  return {
    cluster: {
      DBClusterIdentifier: 'rt-1',
      Status: 'available',
      Engine: 'aurora-postgresql',
      EngineVersion: '16.4',
      StorageEncrypted: true,
      KmsKeyId: KEY,
      DeletionProtection: false,
      DBClusterMembers: [],
      ...cluster,
    },
    // AWS Backup returns Aurora restore metadata keys in lower camel case.
    recoveryPoint: { engine: 'aurora-postgresql', engineVersion: '16.4', dbClusterIdentifier: 'ledger' },
    expectedKmsKeyArn: KEY,
    ...edits,
  };
}

describe('restored Aurora cluster checks (pure)', () => {
  it('threat #30: an available cluster without any DB instance (as AWS Backup restores it), engine and version as backed up, under the restore key, deletable: no problem', () => {
    expect(auroraProblems(restored())).toEqual([]);
  });

  it('threat #30: a cluster that is not available fails, naming its status', () => {
    expect(auroraProblems(restored({ Status: 'backing-up' }))).toEqual([
      'cluster status is backing-up, not available',
    ]);
  });

  it('threat #30: an engine version other than the recovery point (RDS upgrades deprecated versions on restore) fails, as does an unknown one', () => {
    expect(auroraProblems(restored({ EngineVersion: '16.6' }))).toEqual([
      "engineVersion is 16.6, the recovery point's is 16.4",
    ]);
    expect(auroraProblems(restored({}, { recoveryPoint: { Engine: 'aurora-postgresql' } }))).toEqual([
      "the recovery point's metadata has no engineVersion to compare with",
    ]);
    expect(auroraProblems(restored({ Engine: 'aurora-mysql' }))).toEqual([
      "engine is aurora-mysql, the recovery point's is aurora-postgresql",
    ]);
  });

  it('threat #12: unencrypted, or encrypted with another key than the restore key, fails naming both keys', () => {
    expect(auroraProblems(restored({ StorageEncrypted: false, KmsKeyId: undefined }))).toEqual([
      'storage is not encrypted',
    ]);
    expect(auroraProblems(restored({ KmsKeyId: 'arn:aws:kms:us-east-1:100000000002:key/source' }))).toEqual([
      `encrypted with arn:aws:kms:us-east-1:100000000002:key/source, not the restore key ${KEY}`,
    ]);
  });

  it('deletion protection on fails: AWS Backup could not delete the test cluster after validation', () => {
    expect(auroraProblems(restored({ DeletionProtection: true }))).toEqual([
      'deletion protection is on: AWS Backup cannot delete the test cluster after its validation',
    ]);
  });

  it('reports every failed check at once', () => {
    const all = auroraProblems(
      restored(
        { Status: 'stopped', EngineVersion: '15.2', StorageEncrypted: false, DeletionProtection: true },
        { recoveryPoint: { engineVersion: '16.4' } },
      ),
    );
    expect(all).toHaveLength(5);
  });
});
