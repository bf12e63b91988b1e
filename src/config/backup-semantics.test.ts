import { describe, expect, it } from 'vitest';
import { quickstart, vaultElsewhere } from '../../test/support/config.js';
import { InputError } from '../errors.js';

/** The error lines of a quickstart with edits, or [] when it loads. */
function problems(edits: [path: (string | number)[], value: unknown][]): string[] {
  try {
    quickstart(edits);
    return [];
  } catch (e) {
    if (e instanceof InputError) return e.lines;
    throw e;
  }
}

describe('backup config rules', () => {
  it('defaults: compliance lock with 3 days of grace, air-gap min 7 days, retentions inside their locks', () => {
    const b = quickstart().backup;
    expect(b.vaultLock).toEqual({ minRetentionDays: 7, maxRetentionDays: 3650, changeableForDays: 3 });
    expect(b.airGapMinRetentionDays).toBe(7);
    expect(b.airGapRetentionDays).toBeGreaterThanOrEqual(b.airGapMinRetentionDays);
  });

  it('threat #9: rejects Vault Lock changeableForDays below 3, naming the cooling-off', () => {
    const lines = problems([[['backup', 'vaultLock', 'changeableForDays'], 2]]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/backup\.vaultLock\.changeableForDays: .*72-hour cooling-off/);
  });

  it('threat #8: rejects an air-gapped vault minimum retention below 7 days', () => {
    const lines = problems([[['backup', 'airGapMinRetentionDays'], 6]]);
    expect(lines[0]).toMatch(/backup\.airGapMinRetentionDays: .*at least 7 days/);
  });

  it('threat #8: rejects a retention of 0 or above 36500 days', () => {
    expect(problems([[['backup', 'localRetentionDays'], 0]])[0]).toMatch(/at least 1 day/);
    expect(problems([[['backup', 'backupAccountRetentionDays'], 36_501]])[0]).toMatch(/at most 36500/);
  });

  it('threat #20: rejects a local lifecycle below the Vault Lock minimum, with the allowed range', () => {
    const lines = problems([[['backup', 'localRetentionDays'], 3]]);
    expect(lines).toEqual([
      expect.stringMatching(
        /backup\.localRetentionDays: 3 days is outside the local vault Vault Lock range 7-3650 days.*allowed: 7 to 3650/,
      ),
    ]);
  });

  it('threat #20: rejects a backup-account copy lifecycle above the Vault Lock maximum', () => {
    const lines = problems([
      [['backup', 'backupAccountRetentionDays'], 400],
      [['backup', 'vaultLock', 'maxRetentionDays'], 365],
    ]);
    expect(lines).toEqual([
      expect.stringMatching(
        /backup\.backupAccountRetentionDays: 400 days is outside the backup account vault/,
      ),
    ]);
  });

  it('threat #20: rejects an air-gapped copy lifecycle outside the air-gapped vault range', () => {
    const lines = problems([
      [['backup', 'airGapRetentionDays'], 10],
      [['backup', 'airGapMinRetentionDays'], 30],
    ]);
    expect(lines).toEqual([
      expect.stringMatching(
        /backup\.airGapRetentionDays: 10 days is outside the air-gapped vault Vault Lock range 30-3650/,
      ),
    ]);
  });

  it('rejects a Vault Lock minimum above its maximum, for both vault kinds', () => {
    const lines = problems([
      [['backup', 'vaultLock', 'minRetentionDays'], 20],
      [['backup', 'vaultLock', 'maxRetentionDays'], 10],
      [['backup', 'localRetentionDays'], 15],
      [['backup', 'backupAccountRetentionDays'], 15],
      [['backup', 'airGapMinRetentionDays'], 100],
      [['backup', 'airGapMaxRetentionDays'], 50],
      [['backup', 'airGapRetentionDays'], 60],
    ]);
    expect(lines.some((l) => /vaultLock\.minRetentionDays: 20 is above/.test(l))).toBe(true);
    expect(lines.some((l) => /airGapMinRetentionDays: 100 is above/.test(l))).toBe(true);
  });

  it('rejects S3 continuous backup with a local retention over 35 days', () => {
    const lines = problems([
      [['backup', 'continuousS3'], true],
      [['backup', 'localRetentionDays'], 36],
    ]);
    expect(lines).toEqual([
      expect.stringMatching(/backup\.localRetentionDays: 36 days is too long with continuousS3/),
    ]);
  });

  it('rejects primary-to-air-gap and an MPA team without the air-gapped vault', () => {
    const lines = problems([
      [['backup', 'airGappedVault'], false],
      [['backup', 'primaryToAirGap'], true],
      [['backup', 'mpaApprovalTeamArn'], 'arn:aws:mpa::200000000001:approval-team/abc'],
    ]);
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.includes('needs the logically air-gapped vault'))).toBe(true);
  });

  it('rejects an MPA team that is not an approval-team ARN', () => {
    expect(problems([[['backup', 'mpaApprovalTeamArn'], 'arn:aws:iam::1:role/x']])[0]).toMatch(
      /backup\.mpaApprovalTeamArn: must be a multi-party approval team ARN/,
    );
  });

  it('rejects backup-path selectors the one StackSet template cannot hold: another region, too many tags or tag selections', () => {
    const ebs = (tags: Record<string, string>) => ({ account: '100000000002', tags });
    expect(
      problems([
        [
          ['organizations', 'source', 'regions'],
          ['us-east-1', 'us-west-2'],
        ],
        [['protect', 'ebs'], [{ account: '100000000002', region: 'us-west-2', names: ['vol-1'] }]],
      ]),
    ).toEqual([expect.stringMatching(/protect\.ebs\[0\]\.region: us-west-2 .*plans run in us-east-1/)]);
    expect(problems([[['protect', 'ebs'], [ebs({ a: '1', b: '2', c: '3', d: '4' })]]])).toEqual([
      expect.stringMatching(/protect\.ebs\[0\]\.tags: has 4 tags: .*1 to 3 tags/),
    ]);
    expect(problems([[['protect', 'ebs'], [ebs({})]]])[0]).toMatch(/has 0 tags/);
    expect(problems([[['protect', 'ebs'], [ebs({ 'a,b': '1' })]]])[0]).toMatch(/tags\.a,b: contains a comma/);
    const five = [1, 2, 3, 4, 5].map((i) => ebs({ tier: String(i) }));
    expect(problems([[['protect', 'ebs'], five]])).toEqual([
      expect.stringMatching(
        /protect\.ebs\[4\]\.tags: is tag selection 5 of account 100000000002: .*at most 4/,
      ),
    ]);
    expect(problems([[['protect', 'ebs'], five.slice(0, 4)]])).toEqual([]);
  });

  describe('copies AWS Backup does not make: RDS and Aurora cross an account or a Region per copy action, never both', () => {
    it('threat #20 (a copy AWS Backup would fail, caught before deploy): refuses the air-gapped vault in another region while RDS or Aurora is protected, with one line naming the file, vault.region, what is wrong and what is allowed', () => {
      expect(problems([[['vault', 'region'], 'us-west-2']])).toEqual([
        expect.stringMatching(
          /^quickstart\.yaml:\d+: vault\.region: us-west-2 puts the air-gapped vault outside us-east-1, where the backup plans run: its copy of protect\.rds and protect\.aurora would be cross-account and cross-Region in one copy action, which AWS Backup does not support for RDS and Aurora; allowed: us-east-1, or backup\.airGappedVault: false, or no RDS or Aurora under protect$/,
        ),
      ]);
      expect(problems([...vaultElsewhere('us-west-2').slice(0, 2)])).toEqual([
        expect.stringMatching(
          /vault\.region: .*its copy of protect\.aurora would be cross-account and cross-Region/,
        ),
      ]);
    });

    it('accepts each allowed shape: the vault in the plans region, no air-gapped vault, no AWS Backup path, or S3 and EBS only', () => {
      expect(problems([])).toEqual([]);
      expect(
        problems([
          [['vault', 'region'], 'us-west-2'],
          [['backup', 'airGappedVault'], false],
        ]),
      ).toEqual([]);
      expect(
        problems([
          [['vault', 'region'], 'us-west-2'],
          [['paths', 'backup'], false],
          [['backup', 'airGappedVault'], false],
        ]),
      ).toEqual([]);
      expect(problems(vaultElsewhere('us-west-2'))).toEqual([]);
    });
  });

  describe('which organization holds the logically air-gapped vault (AWS Backup copies only within one organization)', () => {
    it('rejects an air-gap account in the vault organization with one line: where, why, what is allowed', () => {
      const lines = problems([[['organizations', 'vault', 'airGapAccount'], '200000000003']]);
      expect(lines).toEqual([
        expect.stringMatching(
          /^quickstart\.yaml:\d+: organizations\.vault\.airGapAccount: is not allowed in the vault organization: AWS Backup copies recovery points only between accounts of the same AWS Organization .*create-cross-account-backup\.html.*allowed: organizations\.source\.airGapAccount/,
        ),
      ]);
    });

    it('an unknown key of the vault organization keeps the generic hint', () => {
      expect(problems([[['organizations', 'vault', 'airGap'], '200000000003']])).toEqual([
        expect.stringMatching(/organizations\.vault\.airGap: unknown key; did you mean/),
      ]);
    });

    it('requires the source-organization air-gap account when the air-gapped vault is on', () => {
      const config = problems([[['organizations', 'source', 'airGapAccount'], null]]);
      expect(config.some((l) => /organizations\.source\.airGapAccount: (is required|must be)/.test(l))).toBe(
        true,
      );
    });

    it('threat #22: the air-gap account is an account of its own, never a workload or the backup account', () => {
      expect(problems([[['organizations', 'source', 'airGapAccount'], '100000000002']])).toEqual([
        expect.stringMatching(
          /organizations\.source\.airGapAccount: 100000000002 is already organizations\.source\.workloadAccounts\[0\]\.id: the air-gap account must be an account of its own/,
        ),
      ]);
      expect(problems([[['organizations', 'source', 'airGapAccount'], '100000000003']])).toEqual([
        expect.stringMatching(/airGapAccount: 100000000003 is already organizations\.source\.backupAccount/),
      ]);
    });

    it('rejects a multi-party approval team outside the vault organization management account', () => {
      expect(
        problems([[['backup', 'mpaApprovalTeamArn'], 'arn:aws:mpa::100000000001:approval-team/abc']]),
      ).toEqual([
        expect.stringMatching(
          /backup\.mpaApprovalTeamArn: is a team of account 100000000001: the approval team must be created in the vault organization's management account 200000000001/,
        ),
      ]);
      expect(
        problems([[['backup', 'mpaApprovalTeamArn'], 'arn:aws:mpa::200000000001:approval-team/abc']]),
      ).toEqual([]);
    });
  });
});
