import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { InputError } from '../errors.js';
import { parseConfig } from './load.js';

const QUICKSTART = readFileSync(new URL('../../examples/quickstart.yaml', import.meta.url), 'utf8');

/** The quickstart with one edit applied at a YAML path, so each test changes exactly one thing. */
function quickstartWith(edit: (doc: ReturnType<typeof parseDocument>) => void): string {
  const doc = parseDocument(QUICKSTART);
  edit(doc);
  return doc.toString();
}

function problems(text: string): string[] {
  try {
    parseConfig(text, 'airgap.yaml');
  } catch (e) {
    if (e instanceof InputError) return e.lines;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

describe('config validation', () => {
  it('accepts the quickstart and fills defaults (compliance mode, RTC on, delete markers off)', () => {
    const config = parseConfig(QUICKSTART, 'quickstart.yaml');
    expect(config.vault.retention.mode).toBe('COMPLIANCE');
    expect(config.replication).toEqual({
      replicationTimeControl: true,
      deleteMarkerReplication: false,
      blockSseCOnSource: true,
    });
    expect(config.vault.encryption.keyRotation).toBe(true);
    expect(config.protect.s3[0]?.names).toEqual(['payments-invoices']);
  });

  it('reports malformed YAML with its line', () => {
    const lines = problems('name: x\norganizations:\n  source: [\n');
    expect(lines[0]).toMatch(/^airgap\.yaml:\d+: malformed YAML: /);
  });

  it('reports an unknown key with its line and the nearest valid key', () => {
    const lines = problems(quickstartWith((d) => d.setIn(['vault', 'retenton'], 3)));
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^airgap\.yaml:\d+: vault\.retenton: unknown key; did you mean "retention"\? allowed: /,
      ),
    );
  });

  it('rejects an account id that is not 12 digits, naming the path', () => {
    const lines = problems(
      quickstartWith((d) => d.setIn(['organizations', 'vault', 'vaultAccount'], '2000002')),
    );
    expect(lines).toEqual([
      expect.stringMatching(
        /^airgap\.yaml:\d+: organizations\.vault\.vaultAccount: must be an AWS account id: exactly 12 digits/,
      ),
    ]);
  });

  it('rejects an unknown region and suggests the nearest', () => {
    const lines = problems(quickstartWith((d) => d.setIn(['vault', 'region'], 'us-esat-1')));
    expect(lines).toEqual([
      expect.stringContaining('vault.region: unknown region "us-esat-1"; did you mean "us-east-1"?'),
    ]);
  });

  it('threat #10: rejects a vault account that is an account of the source organization', () => {
    const lines = problems(
      quickstartWith((d) => d.setIn(['organizations', 'vault', 'vaultAccount'], '100000000002')),
    );
    expect(lines).toEqual([
      expect.stringMatching(
        /organizations\.vault\.vaultAccount: 100000000002 is also organizations\.source\.workloadAccounts\[0\]\.id of the source organization/,
      ),
    ]);
  });

  it('threat #10: rejects a vault organization that is the source organization', () => {
    const lines = problems(quickstartWith((d) => d.setIn(['organizations', 'vault', 'id'], 'o-source0001')));
    expect(lines).toEqual([expect.stringContaining('the vault must be in a different AWS Organization')]);
  });

  it('rejects the same account in two vault-organization roles (vault and restore)', () => {
    const lines = problems(
      quickstartWith((d) => d.setIn(['organizations', 'vault', 'restoreAccount'], '200000000002')),
    );
    expect(lines).toEqual([
      expect.stringContaining(
        'organizations.vault.restoreAccount: 200000000002 is already organizations.vault.vaultAccount',
      ),
    ]);
  });

  it.each([
    [0, 'must be at least 1 day'],
    [-5, 'must be at least 1 day'],
    [36_501, 'must be at most 36500 days (100 years'],
    [1.5, 'must be a whole number of days'],
  ])('threat #8: rejects retention of %s days', (days, message) => {
    const lines = problems(quickstartWith((d) => d.setIn(['vault', 'retention', 'days'], days)));
    expect(lines).toEqual([expect.stringContaining(`vault.retention.days: ${message}`)]);
  });

  it('rejects compliance retention shorter than the largest RPO', () => {
    const lines = problems(
      quickstartWith((d) => {
        d.setIn(['vault', 'retention', 'days'], 1);
        d.setIn(['rpoMinutes', 'ebs'], 2880);
      }),
    );
    expect(lines).toEqual([
      expect.stringContaining('vault.retention.days: 1 days is shorter than the largest RPO (2880 minutes)'),
    ]);
  });

  it('threat #7: rejects GOVERNANCE mode unless the risk is accepted explicitly', () => {
    const governance = quickstartWith((d) => d.setIn(['vault', 'retention', 'mode'], 'GOVERNANCE'));
    expect(problems(governance)).toEqual([
      expect.stringContaining('vault.retention.mode: GOVERNANCE can be lifted'),
    ]);
    const accepted = parseConfig(
      quickstartWith((d) => {
        d.setIn(['vault', 'retention', 'mode'], 'GOVERNANCE');
        d.setIn(['vault', 'retention', 'allowGovernance'], true);
      }),
      'x.yaml',
    );
    expect(accepted.vault.retention.mode).toBe('GOVERNANCE');
  });

  it('rejects an air-gapped vault without the AWS Backup path', () => {
    const lines = problems(quickstartWith((d) => d.setIn(['paths', 'backup'], false)));
    expect(lines).toEqual([
      expect.stringContaining('backup.airGappedVault: an air-gapped vault is part of the AWS Backup path'),
    ]);
  });

  it('rejects a config with nothing to protect', () => {
    const lines = problems(quickstartWith((d) => d.set('protect', {})));
    expect(lines).toEqual([expect.stringContaining('protect: nothing to protect')]);
  });

  it('rejects a selector in an account that is not a workload account', () => {
    const lines = problems(quickstartWith((d) => d.setIn(['protect', 's3', 0, 'account'], '100000000009')));
    expect(lines).toEqual([
      expect.stringContaining('protect.s3[0].account: 100000000009 is not a workload account'),
    ]);
  });

  it('reports every problem of a file at once, one line each, each with file and line', () => {
    const lines = problems(
      quickstartWith((d) => {
        d.setIn(['organizations', 'source', 'managementAccount'], '1');
        d.setIn(['vault', 'region'], 'mars-1');
        d.setIn(['protect', 's3', 0, 'acount'], 'x');
      }),
    );
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) expect(line).toMatch(/^airgap\.yaml:\d+: \S+: /);
  });
});
