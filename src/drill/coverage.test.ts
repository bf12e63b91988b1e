import { describe, expect, it } from 'vitest';
import { quickstart } from '../../test/support/config.js';
import { drillCoverage } from './coverage.js';

const W = '100000000002';
const withFileSystems = quickstart([
  [['protect', 'efs'], [{ account: W, names: ['fs-0123456789abcdef0'] }]],
  [['protect', 'fsx'], [{ account: W, names: ['fs-0fedcba9876543210'] }]],
]);
const note = (target: 'sandbox' | 'aws', service: string) =>
  drillCoverage(withFileSystems, target).find((c) => c.service === service)!;

describe('drillCoverage', () => {
  it('names every service of the config once, in the config order', () => {
    expect(drillCoverage(quickstart(), 'sandbox').map((c) => [c.service, c.exercised])).toEqual([
      ['s3', true],
      ['rds', true],
      ['aurora', true],
      ['ebs', true],
      ['efs', false],
      ['fsx', false],
    ]);
    expect(drillCoverage(quickstart(), 'sandbox')[4]!.note).toBe('not protected by this config');
  });

  it('EFS: says its replication into the vault is built and why the sandbox drill cannot exercise it (moto)', () => {
    const efs = note('sandbox', 'efs');
    expect(efs.exercised).toBe(false);
    expect(efs.note).not.toMatch(/not built/);
    expect(efs.note).toContain('airgap efs configure-replication');
    expect(efs.note).toContain('moto 5.2 serves EFS file systems but no replication configuration');
    expect(note('aws', 'efs').note).toContain('on AWS the drill creates no drill file system');
  });

  it('FSx: protected on the AWS Backup path only, which the drill does not exercise, and why', () => {
    const fsx = note('sandbox', 'fsx');
    expect(fsx.exercised).toBe(false);
    expect(fsx.note).not.toMatch(/not built/);
    expect(fsx.note).toContain('AWS Backup path only');
    expect(fsx.note).toContain('FSx backups CREATING forever');
  });

  it('snapshots: the vault path is exercised; the AWS Backup path is named as not exercised when the config has it', () => {
    expect(note('sandbox', 'rds').note).toContain('the AWS Backup path is not exercised by the drill');
    const vaultOnly = quickstart([
      [['paths', 'backup'], false],
      [['backup', 'airGappedVault'], false],
    ]);
    expect(drillCoverage(vaultOnly, 'sandbox')[1]!.note).not.toContain('AWS Backup');
  });

  it('S3: replication is said to be emulated on the sandbox and real on AWS', () => {
    expect(note('sandbox', 's3').note).toContain('emulated');
    expect(note('aws', 's3').note).toContain('replication by S3');
  });
});
