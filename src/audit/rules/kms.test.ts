import { describe, expect, it } from 'vitest';
import { quickstart } from '../../../test/support/config.js';
import { RESOURCE_NAMES, vaultKeyRegions } from '../../config/index.js';
import { intentFromTemplates } from '../intent.js';
import type { AuditState, KeyState } from '../model.js';
import { synthesizedTemplates } from '../synthesized-templates.js';
import { kmsRules } from './kms.js';

// RDS in eu-west-1: its snapshots are copied there, under the vault key of eu-west-1.
const config = quickstart([
  [
    ['organizations', 'source', 'regions'],
    ['us-east-1', 'eu-west-1'],
  ],
  [['protect', 'rds', 0, 'region'], 'eu-west-1'],
  [['paths', 'backup'], false],
  [['backup', 'airGappedVault'], false],
]);
const alias = RESOURCE_NAMES.vaultKeyAlias(config);
const arn = (region: string) => `arn:aws:kms:${region}:200000000002:key/k-${region}`;
const intent = intentFromTemplates(config, synthesizedTemplates(config), {
  'us-east-1': { [alias]: arn('us-east-1') },
  'eu-west-1': { [alias]: arn('eu-west-1') },
});

const key = (region: string): KeyState => ({
  alias,
  account: '200000000002',
  region,
  metadata: { KeyId: `k-${region}`, Arn: arn(region), KeyState: 'Enabled', Origin: 'AWS_KMS' },
  policy: JSON.stringify(intent.vaultKeyPolicies[region]),
  rotationEnabled: true,
});
const state = (keys: KeyState[]) => ({ keys, intent }) as unknown as AuditState;
const findings = (keys: KeyState[], held = config) =>
  kmsRules(state(keys), held).map((f) => `${f.status} ${f.control} ${f.resource}: ${f.reason}`);
/** The eu-west-1 key changed by `edit`, beside a healthy us-east-1 key. */
const withEuWest = (edit: (k: KeyState) => void) => {
  const eu = key('eu-west-1');
  edit(eu);
  return findings([key('us-east-1'), eu]).filter((f) => f.startsWith('fail'));
};

describe('vault keys of every region the config implies (pure rules)', () => {
  it('the config implies a vault key in the vault region and in each region whose snapshots are copied', () => {
    expect(vaultKeyRegions(config)).toEqual(['us-east-1', 'eu-west-1']);
    expect(Object.keys(intent.vaultKeyPolicies)).toEqual(['us-east-1', 'eu-west-1']);
  });

  it("passes each region's key that is enabled, has no deletion pending, AWS-generated material, rotates and has the template's policy", () => {
    expect(findings([key('us-east-1'), key('eu-west-1')])).toEqual([
      `pass VAULT_KEY_STATE ${alias} (us-east-1): enabled, no deletion pending, AWS-generated material, rotation on`,
      `pass VAULT_KEY_POLICY ${alias} (us-east-1): key policy equals the template`,
      `pass VAULT_KEY_STATE ${alias} (eu-west-1): enabled, no deletion pending, AWS-generated material, rotation on`,
      `pass VAULT_KEY_POLICY ${alias} (eu-west-1): key policy equals the template`,
    ]);
  });

  it('does not ask a key to rotate when the config turns rotation off (the templates then deploy it without)', () => {
    const noRotation = structuredClone(config);
    noRotation.vault.encryption.keyRotation = false;
    const still = key('eu-west-1');
    still.rotationEnabled = undefined;
    expect(findings([still], noRotation)[0]).toBe(
      `pass VAULT_KEY_STATE ${alias} (eu-west-1): enabled, no deletion pending, AWS-generated material`,
    );
  });

  it("holds each region's key to its own region's template: the vault region's policy is not the other's", () => {
    expect(intent.vaultKeyPolicies['eu-west-1']).not.toEqual(intent.vaultKeyPolicies['us-east-1']);
    const swapped = withEuWest((k) => (k.policy = JSON.stringify(intent.vaultKeyPolicies['us-east-1'])));
    expect(swapped).toEqual([
      expect.stringMatching(
        /^fail VAULT_KEY_POLICY .* \(eu-west-1\): key policy differs from the template: .*statement SourceReplicationEncryptsReplicasOnly added/,
      ),
    ]);
  });

  const cases: [string, (k: KeyState) => void, string][] = [
    [
      'disabled',
      (k) => (k.metadata!.KeyState = 'Disabled'),
      `fail VAULT_KEY_STATE ${alias} (eu-west-1): key state is Disabled`,
    ],
    [
      'threat #11: deletion pending',
      (k) => {
        k.metadata!.KeyState = 'PendingDeletion';
        k.metadata!.DeletionDate = new Date('2026-11-30T00:00:00Z');
      },
      `fail VAULT_KEY_STATE ${alias} (eu-west-1): deletion scheduled for 2026-11-30T00:00:00.000Z`,
    ],
    [
      'threat #11: automatic rotation turned off',
      (k) => (k.rotationEnabled = false),
      `fail VAULT_KEY_STATE ${alias} (eu-west-1): automatic key rotation is off`,
    ],
    [
      'threat #12: imported material',
      (k) => (k.metadata!.Origin = 'EXTERNAL'),
      `fail VAULT_KEY_STATE ${alias} (eu-west-1): key material origin is EXTERNAL, not AWS_KMS`,
    ],
    [
      'threat #12: a source-organization principal added to the policy',
      (k) => {
        const policy = JSON.parse(k.policy!);
        policy.Statement.push({
          Sid: 'Exfil',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::100000000002:root' },
          Action: 'kms:Decrypt',
          Resource: '*',
        });
        k.policy = JSON.stringify(policy);
      },
      `fail VAULT_KEY_POLICY ${alias} (eu-west-1): key policy differs from the template: statement Exfil added: Allow kms:Decrypt to {"AWS":"arn:aws:iam::100000000002:root"}`,
    ],
  ];
  it.each(cases)('fails the eu-west-1 key when %s, and names its region', (_, edit, expected) => {
    expect(withEuWest(edit)).toEqual([expected]);
  });

  it('fails both controls of a region whose key does not exist', () => {
    expect(
      withEuWest((k) => {
        k.metadata = undefined;
        k.policy = undefined;
      }),
    ).toEqual([
      `fail VAULT_KEY_STATE ${alias} (eu-west-1): key not found in account 200000000002`,
      `fail VAULT_KEY_POLICY ${alias} (eu-west-1): key not found in account 200000000002`,
    ]);
  });
});
