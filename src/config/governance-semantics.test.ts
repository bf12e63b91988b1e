import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument, type Document } from 'yaml';
import { QUICKSTART_PATH, quickstart } from '../../test/support/config.js';
import { InputError } from '../errors.js';
import { MAX_ALLOWED_CIDRS } from './access-schema.js';
import { parseConfig } from './load.js';

function problems(edits: [string, unknown][]): string[] {
  try {
    quickstart(edits.map(([key, value]) => [['access', key], value]));
  } catch (e) {
    if (e instanceof InputError) return e.lines;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

describe('config: access (human access to the vault organization)', () => {
  it('defaults: MFA only, no ranges, the AirGapBreakGlass role', () => {
    const config = quickstart([[['access'], {}]]);
    expect(config.access).toEqual({
      allowedCidrs: [],
      breakGlassRole: 'AirGapBreakGlass',
      identityCenterEnforcesMfa: false,
    });
  });

  it('a malformed range gets one line naming it and showing the form', () => {
    expect(problems([['allowedCidrs', ['203.0.113.0/24', '203.0.113.5']]])).toEqual([
      expect.stringMatching(
        /^quickstart\.yaml:\d+: access\.allowedCidrs\[1\]: "203\.0\.113\.5" is not a CIDR range: give an address and a prefix length, e\.g\. 203\.0\.113\.0\/24/,
      ),
    ]);
    expect(problems([['allowedCidrs', ['10.0.0.0/33']]])[0]).toContain('"10.0.0.0/33" is not a CIDR range');
  });

  it('refuses a range that allows every address', () => {
    expect(problems([['allowedCidrs', ['0.0.0.0/0']]])[0]).toMatch(
      /access\.allowedCidrs\[0\]: 0\.0\.0\.0\/0 allows every address, which is no allow-list/,
    );
    expect(problems([['allowedCidrs', ['::/0']]])[0]).toContain('allows every address');
  });

  it('refuses private ranges, which never appear as aws:SourceIp', () => {
    for (const cidr of ['10.1.0.0/16', '192.168.4.0/24', 'fd00:1::/64']) {
      expect(problems([['allowedCidrs', [cidr]]])[0], cidr).toContain(`${cidr} is a private range`);
    }
  });

  it('refuses a range listed twice, and more ranges than the SCP can hold', () => {
    expect(problems([['allowedCidrs', ['203.0.113.0/24', '203.0.113.0/24']]])[0]).toMatch(
      /allowedCidrs\[1\]: 203\.0\.113\.0\/24 is listed twice/,
    );
    const many = Array.from({ length: MAX_ALLOWED_CIDRS + 1 }, (_, i) => `198.51.${i}.0/24`);
    expect(problems([['allowedCidrs', many]])[0]).toContain(`must list at most ${MAX_ALLOWED_CIDRS} ranges`);
  });

  it('refuses a service role of the project as the break-glass role, and a name IAM would refuse', () => {
    expect(problems([['breakGlassRole', 'AirGapSnapshotCopier']])[0]).toMatch(
      /access\.breakGlassRole: AirGapSnapshotCopier is Air Gap Recover's snapshotCopier role/,
    );
    expect(problems([['breakGlassRole', 'bad name']])[0]).toContain('must be an IAM role name');
  });
});

describe('config: governance (logging of the vault organization)', () => {
  const without = (edit: (doc: Document) => void): string => {
    const doc = parseDocument(readFileSync(QUICKSTART_PATH, 'utf8'));
    edit(doc);
    return doc.toString();
  };

  it('needs a log archive account, unless Control Tower keeps the logs', () => {
    const text = without((d) => d.deleteIn(['organizations', 'vault', 'logArchiveAccount']));
    expect(() => parseConfig(text, 'airgap.yaml')).toThrow(
      /organizations\.vault\.logArchiveAccount: is required: the organization trail and Config files/,
    );
    const ct = without((d) => {
      d.deleteIn(['organizations', 'vault', 'logArchiveAccount']);
      d.setIn(['governance', 'controlTower'], true);
    });
    expect(parseConfig(ct, 'airgap.yaml').governance).toEqual({
      controlTower: true,
      guardDuty: true,
      logRetentionDays: 365,
    });
  });

  it('the log archive is its own account of the vault organization', () => {
    const text = without((d) => d.setIn(['organizations', 'vault', 'logArchiveAccount'], '200000000002'));
    expect(() => parseConfig(text, 'airgap.yaml')).toThrow(
      /logArchiveAccount: 200000000002 is already organizations\.vault\.vaultAccount/,
    );
  });
});
