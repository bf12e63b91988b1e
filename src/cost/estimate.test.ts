import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { InputError } from '../errors.js';
import { estimateCost } from './estimate.js';
import { priceSheet } from './prices.js';

const quickstart = (edits: [string[], unknown][] = []) => {
  const doc = parseDocument(readFileSync(new URL('../../examples/quickstart.yaml', import.meta.url), 'utf8'));
  for (const [p, v] of edits) doc.setIn(p, v);
  return parseConfig(doc.toString(), 'quickstart.yaml');
};
const prices = priceSheet('us-east-1');

describe('cost estimate (pure, hand-computed with the us-east-1 sheet, 30-day months)', () => {
  const config = quickstart(); // retention 30 d, RTC on, backup account 35 d, local 7 d, air-gapped 90 d
  const estimate = estimateCost(
    config,
    {
      s3: {
        'payments-invoices': {
          storedGiB: 1000,
          monthlyWriteGiB: 300,
          monthlyWrites: 2_000_000,
          objects: 5_000_000,
        },
      },
      rds: { 'payments-db': { storedGiB: 100, dailyChangeGiB: 2 } },
    },
    prices,
  );
  const row = (name: string) => estimate.resources.find((r) => r.resource === name)!;

  it('S3 replication: vault storage of every version kept 30 days, RTC, replica PUTs, a one-time backfill', () => {
    const s3 = row('payments-invoices').paths.find((p) => p.path === 's3-replication')!;
    // (1000 + 300) GiB x 0.023 = 29.90; 300 x 0.015 = 4.50; 2,000 thousand PUTs x 0.005 = 10.00; no transfer in-region
    expect(s3.items.map((i) => i.monthlyUsd)).toEqual([29.9, 4.5, 10, 0]);
    expect(s3.monthlyUsd).toBe(44.4);
    expect(s3.oneTimeUsd).toBe(5.25); // 0.25 per job + 5 million objects x 1.00
  });

  it('AWS Backup: local 7 d, backup account 35 d, air-gapped 90 d', () => {
    const backup = row('payments-invoices').paths.find((p) => p.path === 'aws-backup')!;
    // (1000 + 70) x 0.05 = 53.50; (1000 + 350) x 0.05 = 67.50; (1000 + 900) x 0.05 = 95.00
    expect(backup.items.map((i) => i.monthlyUsd)).toEqual([53.5, 67.5, 95]);
    expect(backup.monthlyUsd).toBe(216);
  });

  it('names the cheaper path with both isolated copies held to the vault retention', () => {
    // AWS Backup with the air-gapped copy at 30 d: 53.50 + 67.50 + 65.00 = 186.00, against 44.40
    expect(row('payments-invoices').cheaper).toEqual({
      retentionDays: 30,
      path: 's3-replication',
      byUsdPerMonth: 141.6,
    });
    // RDS: vault copies (100 + 60) x 0.095 = 15.20; AWS Backup at 30 d: 10.83 + 16.15 + 15.20 = 42.18
    const rds = row('payments-db');
    expect(rds.paths.map((p) => [p.path, p.monthlyUsd])).toEqual([
      ['snapshot-copy', 15.2],
      ['aws-backup', 53.58], // 114 x 0.095 + 170 x 0.095 + 280 x 0.095
    ]);
    expect(rds.cheaper).toEqual({ retentionDays: 30, path: 'snapshot-copy', byUsdPerMonth: 26.98 });
  });

  it('lists resources without an observed size instead of guessing one', () => {
    expect(estimate.unsized).toEqual(['aurora payments-ledger']);
    expect(row('payments-ledger').paths).toEqual([]);
  });

  it('EBS at a year: archiving monthly full copies after 90 days beats a long incremental chain', () => {
    const long = quickstart([
      [['vault', 'retention', 'days'], 365],
      [['paths', 'backup'], false],
      [['backup', 'airGappedVault'], false],
    ]);
    const ebs = estimateCost(
      long,
      { ebs: { 'vol-0abc': { storedGiB: 200, dailyChangeGiB: 5 } } },
      prices,
    ).resources.find((r) => r.resource === 'vol-0abc')!;
    // standard: (200 + 5 x 365) x 0.05 = 101.25; archive: (200 + 450) x 0.05 = 32.50 + ceil(275/30) = 10 x 200 x 0.0125 = 25.00
    expect(ebs.paths.map((p) => [p.path, p.monthlyUsd])).toEqual([
      ['snapshot-copy', 101.25],
      ['ebs-archive-tier', 57.5],
    ]);
    expect(ebs.cheaper).toEqual({ retentionDays: 365, path: 'ebs-archive-tier', byUsdPerMonth: 43.75 });
  });

  it('EFS on the vault path: the replica, its backups in the locked vault, and the transfer when the vault is elsewhere', () => {
    const fs = 'fs-0123456789abcdef0';
    const efs = (vaultRegion: string) =>
      estimateCost(
        quickstart([
          [['protect', 'efs'], [{ account: '100000000002', names: [fs] }]],
          [['vault', 'region'], vaultRegion],
          [['paths', 'backup'], false],
          [['backup', 'airGappedVault'], false],
        ]),
        { efs: { [fs]: { storedGiB: 500, dailyChangeGiB: 1 } } },
        prices,
      ).resources.find((r) => r.resource === fs)!.paths;
    // replica 500 x 0.30 = 150.00; backups (500 + 30) x 0.05 = 26.50; across Regions 30 x 0.02 = 0.60
    expect(efs('us-east-1').map((p) => [p.path, p.items.map((i) => i.monthlyUsd)])).toEqual([
      ['efs-replication', [150, 26.5]],
    ]);
    expect(efs('us-west-2').map((p) => [p.path, p.monthlyUsd])).toEqual([['efs-replication', 177.1]]);
  });

  it('refuses a size for a resource the config does not protect, naming what it does', () => {
    expect(() => estimateCost(config, { rds: { 'other-db': { storedGiB: 1 } } }, prices)).toThrow(InputError);
    expect(() => estimateCost(config, { rds: { 'other-db': { storedGiB: 1 } } }, prices)).toThrow(
      /rds.other-db: the config does not protect it; allowed: payments-db/,
    );
  });

  it('refuses a region without a price file', () => {
    expect(() => priceSheet('eu-south-2')).toThrow(/no price file for this region; allowed: us-east-1/);
  });
});
