import { guardrails } from '../../infra/guardrails/policies.js';
import { fail, notApplicable, pass, type RuleFamily } from '../model.js';

/** The vault organization's SCPs and RCPs exist, are unchanged and attached to the root (threat #25). */
export const organizationRules: RuleFamily = (state, config) =>
  guardrails(config)
    .filter((g) => g.organization === 'vault')
    .map((g) => {
      const control = `GUARDRAIL_${g.kind}`;
      if (!state.policies)
        return notApplicable(
          control,
          g.name,
          'vault organization not readable: run from its management account or a delegated read role',
        );
      const live = state.policies.find((p) => p.name === g.name);
      if (!live?.exists) return fail(control, g.name, 'policy does not exist in the vault organization');
      if (!live.contentMatches) return fail(control, g.name, 'policy content differs from the config');
      if (!state.rootId || !live.targets.includes(state.rootId))
        return fail(
          control,
          g.name,
          `not attached to the organization root${live.targets.length ? ` (attached to ${live.targets.join(', ')})` : ''}`,
        );
      return pass(control, g.name, `attached to ${state.rootId}`);
    });
