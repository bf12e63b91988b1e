import {
  createValidatedPolicy,
  validateIdentityPolicy,
  validateResourceControlPolicy,
  validateResourcePolicy,
  validateServiceControlPolicy,
  type ValidatedPolicy,
} from '@cloud-copilot/iam-policy';
import type { Policy } from './model.js';
import { glob } from './wildcard.js';

const VALIDATORS = {
  identity: validateIdentityPolicy,
  scp: validateServiceControlPolicy,
  rcp: validateResourceControlPolicy,
  resource: validateResourcePolicy,
};
export type PolicyKind = keyof typeof VALIDATORS;

/**
 * What a proof derives from each policy document, once per run instead of once per call: iam-simulate validates
 * every policy it is handed on every simulation (about a tenth of a proof's time) unless it is handed a
 * ValidatedPolicy, and the simulation shortcut reads the actions of each policy's Allow statements. Keyed by
 * the policy object: a proof does not change its model while it runs (tests weaken a model before proving it),
 * so one proof holds one memo, and a call given none gets a fresh one, deriving everything anew.
 */
export class PolicyMemo {
  private readonly validated = new Map<PolicyKind, WeakMap<object, ValidatedPolicy>>();
  private readonly patterns = new WeakMap<object, RegExp[]>();

  /** The policy validated as `kind`, as `runSimulation` takes it; its errors surface as they would unvalidated. */
  validatedAs(kind: PolicyKind, policy: Policy): Policy {
    if (!policy || typeof policy !== 'object') return policy;
    let byPolicy = this.validated.get(kind);
    if (!byPolicy) {
      byPolicy = new WeakMap();
      this.validated.set(kind, byPolicy);
    }
    let v = byPolicy.get(policy);
    if (!v) {
      v = createValidatedPolicy(policy, VALIDATORS[kind]);
      byPolicy.set(policy, v);
    }
    return v;
  }

  /** Action patterns of a policy's Allow statements (NotAction counts as naming every action). */
  allowPatterns(policy: Policy | undefined): RegExp[] {
    if (!policy || typeof policy !== 'object') return [];
    let found = this.patterns.get(policy);
    if (!found) {
      const statements: Policy[] = [policy.Statement ?? []].flat();
      found = statements
        .filter((st) => st.Effect === 'Allow')
        .flatMap((st): string[] => (st.NotAction !== undefined ? ['*'] : [st.Action ?? []].flat()))
        .map((a) => glob(a, true));
      this.patterns.set(policy, found);
    }
    return found;
  }
}
