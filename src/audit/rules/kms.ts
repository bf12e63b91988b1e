import { policyDiff } from '../policy-diff.js';
import { fail, notApplicable, pass, type Finding, type KeyState, type RuleFamily } from '../model.js';

/**
 * Vault keys, one per region the config implies (the vault region and every region whose snapshots are copied),
 * and the catalog key: a disabled, deleting or imported key is a ransom lever over every copy it protects, or
 * over the catalog that finds them (threats #11, #12); one that no longer rotates while the config asks for
 * rotation (`vault.encryption.keyRotation`, which the templates deploy) has left its template; a key policy that
 * grants more than the template is the quiet way to the same end.
 */
export const kmsRules: RuleFamily = (state, config) =>
  state.keys.flatMap((key): Finding[] => {
    const k = { ...key, alias: `${key.alias} (${key.region})` };
    const policyFinding = (): Finding => {
      const control = 'VAULT_KEY_POLICY';
      if (!state.intent)
        return notApplicable(control, k.alias, 'audit ran without the synthesized templates');
      const catalog = state.intent.catalogKey;
      const intended: unknown =
        catalog?.alias === key.alias ? catalog.policy : state.intent.vaultKeyPolicies[key.region];
      if (!intended) return fail(control, k.alias, `the templates hold no such key for ${key.region}`);
      if (!k.policy) return fail(control, k.alias, `key not found in account ${k.account}`);
      const diff = policyDiff(intended, k.policy);
      return diff.length
        ? fail(control, k.alias, `key policy differs from the template: ${diff.join('; ')}`)
        : pass(control, k.alias, 'key policy equals the template');
    };
    return [
      keyStateFinding('VAULT_KEY_STATE', key, {
        material: true,
        rotation: config.vault.encryption.keyRotation,
      }),
      policyFinding(),
    ];
  });

/**
 * The restore key of every region where the vault holds snapshot copies: a restore copies each vault copy under the
 * key of its own region, so one missing, disabled or deleting stops every restore there, and one that no longer
 * rotates has left its template (threat #11).
 */
export const restoreKeyRules: RuleFamily = (state) =>
  state.restoreKeys.map((key) =>
    keyStateFinding('RESTORE_KEY_STATE', key, { material: false, rotation: true }),
  );

/**
 * A key found, enabled and with no deletion pending; with `material`, AWS-generated key material that does not
 * expire; with `rotation`, automatic rotation on. The first of these that does not hold fails the control.
 */
function keyStateFinding(
  control: string,
  key: KeyState,
  checks: { material: boolean; rotation: boolean },
): Finding {
  const k = `${key.alias} (${key.region})`;
  const m = key.metadata;
  if (!m) return fail(control, k, `key not found in account ${key.account}`);
  if (m.KeyState === 'PendingDeletion')
    return fail(control, k, `deletion scheduled for ${m.DeletionDate?.toISOString() ?? 'an unknown date'}`);
  if (m.KeyState !== 'Enabled') return fail(control, k, `key state is ${m.KeyState ?? 'unknown'}`);
  if (checks.material && m.Origin !== 'AWS_KMS')
    return fail(control, k, `key material origin is ${m.Origin ?? 'unknown'}, not AWS_KMS`);
  if (checks.material && m.ValidTo)
    return fail(control, k, `key material expires ${m.ValidTo.toISOString()}`);
  if (checks.rotation && !key.rotationEnabled) return fail(control, k, 'automatic key rotation is off');
  const held = [
    'enabled, no deletion pending',
    ...(checks.material ? ['AWS-generated material'] : []),
    ...(checks.rotation ? ['rotation on'] : []),
  ];
  return pass(control, k, held.join(', '));
}
