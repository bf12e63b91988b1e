import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import { InputError } from '../../src/errors.js';
import type { Config } from '../../src/config/schema.js';

export const QUICKSTART_PATH = new URL('../../examples/quickstart.yaml', import.meta.url);

type Edits = [path: (string | number)[], value: unknown][];

/** The quickstart config's YAML text with edits at YAML paths, for tests that run the CLI on a file. */
export function quickstartYaml(edits: Edits = []): string {
  const doc = parseDocument(readFileSync(QUICKSTART_PATH, 'utf8'));
  for (const [path, value] of edits) doc.setIn(path, value);
  return doc.toString();
}

/** The quickstart config, optionally with edits at YAML paths (each test changes only what it names). */
export function quickstart(edits: Edits = []): Config {
  return parseConfig(quickstartYaml(edits), 'quickstart.yaml');
}

/**
 * Account ids of a test file's own, as edits of the quickstart: `<source>000000000N` in the source organization and
 * `<vault>000000000N` in the vault one, N in the quickstart's order; the workload account's selectors move with it.
 * moto keeps organizations across resets, so files that create them never share ids.
 */
export function ownAccounts(source: string, vault: string) {
  const id = (prefix: string, n: number) => `${prefix}${String(n).padStart(12 - prefix.length, '0')}`;
  const ids = {
    workload: id(source, 2),
    vault: id(vault, 2),
    restore: id(vault, 4),
  };
  const edits: Edits = [
    [['organizations', 'source', 'managementAccount'], id(source, 1)],
    [['organizations', 'source', 'workloadAccounts', 0, 'id'], ids.workload],
    [['organizations', 'source', 'backupAccount'], id(source, 3)],
    [['organizations', 'source', 'airGapAccount'], id(source, 4)],
    [['organizations', 'vault', 'managementAccount'], id(vault, 1)],
    [['organizations', 'vault', 'vaultAccount'], ids.vault],
    [['organizations', 'vault', 'restoreAccount'], ids.restore],
    [['organizations', 'vault', 'logArchiveAccount'], id(vault, 5)],
    ...(['s3', 'rds', 'aurora', 'ebs'] as const).map((service): Edits[number] => [
      ['protect', service, 0, 'account'],
      ids.workload,
    ]),
  ];
  return { ...ids, edits };
}

/** A config with `n` workload accounts, each protecting one bucket: for scale tests and benchmarks. */
export function withWorkloadAccounts(n: number): Config {
  return parseConfig(workloadAccountsYaml(n), 'quickstart.yaml');
}

/** `withWorkloadAccounts` as YAML text, for benchmarks that load it in another process. */
export function workloadAccountsYaml(n: number): string {
  const accounts = Array.from({ length: n }, (_, i) => ({ id: String(300000000000 + i), name: `w${i}` }));
  return quickstartYaml([
    [['organizations', 'source', 'workloadAccounts'], accounts],
    [['protect'], { s3: accounts.map((a) => ({ account: a.id, names: [`data-${a.name}`] })) }],
    [['paths', 'backup'], false],
    [['backup', 'airGappedVault'], false],
  ]);
}

/** The lines a quickstart config with these edits is rejected with (fails the test if it is accepted). */
export function quickstartProblems(edits: Edits): string[] {
  try {
    quickstart(edits);
  } catch (e) {
    if (e instanceof InputError) return e.lines;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

/**
 * Edits that put the vault in another region than the source, in a shape AWS Backup supports: the copy into the
 * air-gapped vault is then cross-account and cross-Region in one copy action, which AWS Backup does for S3 and EBS
 * but not for RDS and Aurora (the config refuses it), so those leave `protect`.
 */
export function vaultElsewhere(region: string): Edits {
  return [
    [['vault', 'region'], region],
    [['protect', 'rds'], []],
    [['protect', 'aurora'], []],
  ];
}

/**
 * Every AWS Backup option on at once, with numbers other than the defaults: for assertions, cdk-nag and cfn-lint.
 * The air-gapped vault is in another region, so S3 and EBS only (see vaultElsewhere).
 */
export function everyBackupOption(): Config {
  return quickstart([
    ...vaultElsewhere('us-west-2'),
    [['backup', 'primaryToAirGap'], true],
    [['backup', 'continuousS3'], true],
    [['backup', 'mpaApprovalTeamArn'], 'arn:aws:mpa::200000000001:approval-team/abc123'],
    [['backup', 'schedule'], 'cron(0 */6 ? * * *)'],
    [['backup', 'vaultLock'], { minRetentionDays: 14, maxRetentionDays: 400, changeableForDays: 5 }],
    [['backup', 'localRetentionDays'], 21],
    [['backup', 'backupAccountRetentionDays'], 30],
    [['backup', 'airGapMinRetentionDays'], 21],
    [['backup', 'airGapMaxRetentionDays'], 500],
    [['backup', 'airGapRetentionDays'], 60],
  ]);
}
