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
  /** Per kind and policy: the policy cut to some of its statements (named by their Sids), validated. */
  private readonly cut = new Map<PolicyKind, WeakMap<object, Map<string, Policy>>>();

  /** The policy validated as `kind`, as `runSimulation` takes it; its errors surface as they would unvalidated. */
  validatedAs(kind: PolicyKind, policy: Policy): Policy {
    if (!policy || typeof policy !== 'object') return policy;
    const byPolicy = cached(this.validated, kind, () => new WeakMap<object, ValidatedPolicy>());
    return cached(byPolicy, policy, () => createValidatedPolicy(policy, VALIDATORS[kind]));
  }

  /**
   * The policy validated as `kind`, cut to the statements that may apply to `action`. iam-simulate analyzes every
   * statement of every policy it is handed (resources, conditions, an explanation) whatever its action, though a
   * statement whose Action does not name the call neither allows nor denies it, nor has its conditions reported
   * (iam-simulate reports them only for statements matching the action): the guardrails' ~20 statements cost an
   * administrator's call more than the rest of it. Only for policies whose statements all have a Sid, since a
   * denial names its statement by Sid, else by its index, which leaving statements out would shift.
   */
  forAction(kind: PolicyKind, policy: Policy, action: string): Policy {
    const statements: Policy[] | undefined = Array.isArray(policy?.Statement) ? policy.Statement : undefined;
    if (!statements?.every((st) => typeof st?.Sid === 'string' && st.Sid !== ''))
      return this.validatedAs(kind, policy);
    const kept = statements.filter((st) => mayApply(st, action));
    if (kept.length === statements.length) return this.validatedAs(kind, policy);
    const byPolicy = cached(this.cut, kind, () => new WeakMap<object, Map<string, Policy>>());
    const byKept = cached(byPolicy, policy, () => new Map<string, Policy>());
    return cached(byKept, kept.map((st) => st.Sid as string).join(' '), () =>
      createValidatedPolicy({ ...policy, Statement: kept }, VALIDATORS[kind]),
    );
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

/** The value of `key` in `map`, made and stored on first use. */
function cached<K, V>(map: { get(k: K): V | undefined; set(k: K, v: V): unknown }, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

/**
 * Whether a statement may apply to `action`: its Action names it (matched case-folded and across the service
 * prefix, so at least wherever iam-simulate matches it), or it has NotAction (always kept: a NotAction statement
 * applies where iam-simulate matches none of its actions, and a looser match here would drop one that applies).
 */
function mayApply(statement: Policy, action: string): boolean {
  if (statement.Action === undefined) return true;
  return [statement.Action].flat().some((a: unknown) => typeof a !== 'string' || glob(a, true).test(action));
}
