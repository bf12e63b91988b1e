import { fail, pass, type Finding, type RuleFamily } from '../model.js';

/** Vault keys: a disabled, deleting or imported key is a ransom lever over every copy it protects (threats #11, #12). */
export const kmsRules: RuleFamily = (state) =>
  state.keys.map((k): Finding => {
    const control = 'VAULT_KEY_STATE';
    const m = k.metadata;
    if (!m) return fail(control, k.alias, `key not found in account ${k.account}`);
    if (m.KeyState === 'PendingDeletion')
      return fail(
        control,
        k.alias,
        `deletion scheduled for ${m.DeletionDate?.toISOString() ?? 'an unknown date'}`,
      );
    if (m.KeyState !== 'Enabled') return fail(control, k.alias, `key state is ${m.KeyState ?? 'unknown'}`);
    if (m.Origin !== 'AWS_KMS')
      return fail(control, k.alias, `key material origin is ${m.Origin ?? 'unknown'}, not AWS_KMS`);
    if (m.ValidTo) return fail(control, k.alias, `key material expires ${m.ValidTo.toISOString()}`);
    return pass(control, k.alias, 'enabled, no deletion pending, AWS-generated material');
  });
