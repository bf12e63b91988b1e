import {
  createValidatedPolicy,
  validateIdentityPolicy,
  validateResourceControlPolicy,
  validateResourcePolicy,
  validateServiceControlPolicy,
  type ValidatedPolicy,
} from '@cloud-copilot/iam-policy';
import type { Policy } from './model.js';
import { glob, type Glob } from './wildcard.js';

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
 * ValidatedPolicy, and the simulation shortcut reads the actions of each policy's Allow statements; and, to find
 * a resource's policy, an index of the model's resources by ARN. Keyed by the policy object (the resource list):
 * a proof does not change its model while it runs (tests weaken a model before proving it),
 * so one proof holds one memo, and a call given none gets a fresh one, deriving everything anew.
 */
export class PolicyMemo {
  private readonly validated = new Map<PolicyKind, WeakMap<object, ValidatedPolicy>>();
  private readonly patterns = new WeakMap<object, Glob[]>();
  /** Per kind and policy: the policy cut to some of its statements (by their indexes), validated. */
  private readonly cut = new Map<PolicyKind, WeakMap<object, Map<string, Policy>>>();
  /** Per kind and policy: the cut for each call seen. */
  private readonly calls = new Map<PolicyKind, WeakMap<object, Map<string, Policy>>>();
  private readonly indexes = new WeakMap<object, number[]>();
  private readonly arns = new WeakMap<object, Map<string, number>>();

  /** Per ARN, the index of the first of `resources` that has it: a 500-account model has a thousand resources. */
  firstByArn(resources: readonly { arn: string }[]): Map<string, number> {
    return cached(this.arns, resources, () => {
      const index = new Map<string, number>();
      resources.forEach((r, i) => {
        if (!index.has(r.arn)) index.set(r.arn, i);
      });
      return index;
    });
  }

  /** The policy validated as `kind`, as `runSimulation` takes it; its errors surface as they would unvalidated. */
  validatedAs(kind: PolicyKind, policy: Policy): Policy {
    if (!policy || typeof policy !== 'object') return policy;
    const byPolicy = cached(this.validated, kind, () => new WeakMap<object, ValidatedPolicy>());
    return cached(byPolicy, policy, () => createValidatedPolicy(policy, VALIDATORS[kind]));
  }

  /**
   * The policy validated as `kind`, cut to the statements that may apply to `call`. iam-simulate analyzes every
   * statement of every policy it is handed (resources, principals, conditions, an explanation) whatever its action,
   * though a statement whose Action, Resource or Principal does not match the call neither allows nor denies it,
   * nor has its conditions reported (iam-simulate reports them only for statements matching all three): the
   * guardrails' and resource policies' statements cost an administrator's call more than the rest of it. A denial
   * names its statement by Sid, else by its index: `originalIndexes` maps a cut policy's indexes back. A policy
   * with validation errors stays whole, so that iam-simulate refuses it as it would.
   */
  cutFor(kind: PolicyKind, policy: Policy, call: Call): Policy {
    const whole = this.validatedAs(kind, policy);
    const statements: Policy[] | undefined = Array.isArray(policy?.Statement) ? policy.Statement : undefined;
    if (!statements || (whole as ValidatedPolicy).errors.length > 0) return whole;
    const byCall = cached(
      cached(this.calls, kind, () => new WeakMap()),
      policy,
      () => new Map(),
    );
    const caller = call.principal;
    const key = `${call.action} ${call.resource} ${caller?.account ?? ''} ${caller ? notIam(caller) : ''}`;
    return cached(byCall, key, () => {
      let kept = statements.flatMap((st, i) => (mayApply(st, call) ? [i] : []));
      if (kept.length === statements.length) return whole;
      // A policy without statements is invalid: one that does not apply stands in for none.
      if (kept.length === 0) kept = [0];
      const byKept = cached(
        cached(this.cut, kind, () => new WeakMap()),
        policy,
        () => new Map(),
      );
      return cached(byKept, kept.join(' '), () => {
        const cut = createValidatedPolicy(
          { ...policy, Statement: kept.map((i) => statements[i]) },
          VALIDATORS[kind],
        );
        this.indexes.set(
          cut,
          kept.map((i) => i + 1),
        );
        return cut;
      });
    });
  }

  /** The whole policy's statement index (1-based, as iam-simulate counts) of each statement of a cut policy. */
  originalIndexes(policy: Policy): readonly number[] | undefined {
    return policy && typeof policy === 'object' ? this.indexes.get(policy) : undefined;
  }

  /** Action patterns of a policy's Allow statements (NotAction counts as naming every action). */
  allowPatterns(policy: Policy | undefined): Glob[] {
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

/** The call a policy is cut for. */
export interface Call {
  action: string;
  resource: string;
  /** The caller, for a resource policy's Principal (no other policy has one). */
  principal?: { arn: string; account: string };
}

/**
 * Whether a statement may apply to the call: its Action, its Resource and its Principal each may match it. A
 * requested resource with a wildcard (a List or Describe call the grant checks evaluate as `…:snapshot:*`) is
 * simulated by iam-simulate once per matching pattern of the policies it is handed, so no statement is cut for
 * its Resource there: a cut one would take its pattern, and its allow, out of the simulation.
 */
function mayApply(statement: Policy, call: Call): boolean {
  return (
    mayName(statement.Action, call.action) &&
    (/[*?]/.test(call.resource) || mayName(statement.Resource, call.resource)) &&
    (!call.principal || mayBe(statement.Principal, call.principal))
  );
}

/**
 * Whether an Action or Resource element may match: any of its patterns, matched case-folded and as whole strings
 * (`*` across ARN segments and the service prefix), so at least wherever iam-simulate matches it; a policy
 * variable may stand for anything. Absent (NotAction, NotResource: always kept, since they apply where
 * iam-simulate matches none of their patterns, and a looser match here would drop one that applies) it may.
 */
function mayName(element: unknown, value: string): boolean {
  if (element === undefined) return true;
  return [element]
    .flat()
    .some((p: unknown) => typeof p !== 'string' || glob(p.replace(/\$\{[^}]*\}/g, '*'), true)(value));
}

/**
 * Whether the caller is no IAM role or root, so that a Principal's service, federated or canonical-user entry may
 * name it: a service, or an identity provider (the caller of AssumeRoleWithWebIdentity or AssumeRoleWithSAML).
 */
function notIam(caller: { arn: string }): boolean {
  return !caller.arn.startsWith('arn:') || /^arn:[^:]+:iam::\d{12}:(oidc|saml)-provider\//.test(caller.arn);
}

/**
 * Whether a resource policy statement's Principal may match the caller: kept unless every entry names something
 * else, i.e. another account (an IAM ARN or account id without wildcard or variable) or, for an IAM role or root,
 * a service, federated or canonical user (`notIam`). NotPrincipal (no Principal) is always kept.
 */
function mayBe(principal: unknown, caller: { arn: string; account: string }): boolean {
  if (principal === undefined || typeof principal !== 'object' || principal === null) return true;
  return Object.entries(principal).some(([type, entries]) =>
    [entries].flat().some((e: unknown) => {
      if (type !== 'AWS') return notIam(caller);
      if (typeof e !== 'string') return true;
      const account = /^(?:arn:[^:*?$]+:(?:iam|sts)::(\d{12}):[^*?$]*|(\d{12}))$/.exec(e);
      return !account || (account[1] ?? account[2]) === caller.account;
    }),
  );
}
