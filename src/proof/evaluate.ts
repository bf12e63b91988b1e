import {
  getDenialReasons,
  runSimulation,
  type DiscoveryContextKeyConstraint,
  type RequestAnalysis,
  type Simulation,
} from '@cloud-copilot/iam-simulate';
import { withCachedCollators } from './collator-cache.js';
import type { Policy, ProofModel } from './model.js';
import { PolicyMemo, type PolicyKind } from './policy-memo.js';
import type { Principal } from './principals.js';

/** What an evaluation reads of the model (a worker thread is handed this much): no role but the principal's. */
export type EvaluationModel = Pick<ProofModel, 'config' | 'resources' | 'guardrails'>;

export interface Decision {
  allowed: boolean;
  /** The policy statements that denied it, or why it was allowed ("allowed if …" in Discovery mode). */
  decidedBy: string[];
}

const FULL_AWS_ACCESS = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

/**
 * Keys AWS sets from the caller's identity, which an attacker cannot choose. Everything else (encryption
 * context, via-service, source IP, request headers) is left unknown, so Discovery mode reports any value of
 * it that would let the call through: that is what makes an "allowed if a condition holds" visible.
 */
const AUTHORITATIVE_KEYS = [
  'aws:PrincipalOrgID',
  'aws:PrincipalAccount',
  'aws:PrincipalArn',
  'aws:PrincipalIsAWSService',
  'aws:MultiFactorAuthPresent',
  'aws:PrincipalType',
];
const CONSTRAINTS: DiscoveryContextKeyConstraint[] = AUTHORITATIVE_KEYS.map((keyName) => ({
  keyName,
  presenceIsKnown: true,
  valueIsKnown: true,
}));

/**
 * Authorizes one call as AWS would: the principal's identity policies and its organization's SCPs, the
 * resource's policy and its organization's RCPs. Discovery mode (the proof): "allowed if a condition holds"
 * is allowed. Strict mode (the drill): one concrete request, every fact of it given.
 */
export async function authorize(
  model: EvaluationModel,
  principal: Principal,
  request: Request,
  mode: 'Discovery' | 'Strict' = 'Discovery',
  memo = new PolicyMemo(),
): Promise<Decision> {
  return mayAllow(model, principal, request, memo)
    ? simulate(model, principal, request, mode, memo)
    : NO_ALLOW;
}

export interface Request {
  action: string;
  resource: string;
  resourceAccount: string;
  /** Facts of the request (headers, via-service); in Discovery mode, keys not given stay open. */
  context?: Record<string, string | string[]>;
  /** A resource policy the model does not hold (a resource outside the vault, e.g. a source key). */
  resourcePolicy?: Policy;
  /** The resource whose policy governs the request's, when its ARN does not show it. */
  governedBy?: string;
}

/** The whole evaluation by iam-simulate, without the shortcut `authorize` takes first. */
export async function simulate(
  model: EvaluationModel,
  principal: Principal,
  request: Request,
  mode: 'Discovery' | 'Strict' = 'Discovery',
  memo = new PolicyMemo(),
): Promise<Decision> {
  const { allowed, analysis, cutIndexes } = await run(model, principal, request, mode, memo, true);
  if (allowed && mode === 'Strict') return { allowed, decidedBy: ['allowed'] };
  // The description of an allowed call reads the whole analysis, statements that do not apply included: it is
  // taken from the whole guardrails' (a second run per allowed call; a passing proof allows only its controls).
  if (allowed) {
    const whole = await run(model, principal, request, mode, memo, false);
    return { allowed, decidedBy: [describeAllow(whole.analysis)] };
  }
  if (!analysis) return { allowed: false, decidedBy: [NO_PATTERN] };
  const reasons = getDenialReasons(analysis).map((d) => {
    if (d.denialType !== 'Explicit') return `${d.policyType}:no-allow`;
    const index = cutIndexes.get(`${d.policyType}:${d.policyIdentifier ?? ''}`)?.[d.statementIndex! - 1];
    return `${d.policyType}:${d.policyIdentifier ?? 'policy'}/${d.statementId ?? `#${index ?? d.statementIndex}`}`;
  });
  return { allowed: false, decidedBy: reasons.length ? reasons : ['implicit deny'] };
}

/**
 * One run of iam-simulate. `cut`: every policy cut to the statements that may apply to the call
 * (PolicyMemo.cutFor), which decides every call as whole policies do (test/prove-shortcut.test.ts); `cutIndexes`
 * gives, per policy (`type:name`), the whole policy's index of each statement of the cut one.
 */
async function run(
  model: EvaluationModel,
  principal: Principal,
  request: Request,
  mode: 'Discovery' | 'Strict',
  memo: PolicyMemo,
  cut: boolean,
): Promise<{
  allowed: boolean;
  /** Undefined: a wildcard request that no pattern of the policies matches (`NO_PATTERN`). */
  analysis: RequestAnalysis | undefined;
  cutIndexes: Map<string, readonly number[]>;
}> {
  const cutIndexes = new Map<string, readonly number[]>();
  const call = { action: request.action, resource: request.resource };
  /** A policy for iam-simulate: cut to the call, or whole; one name per type (a denial names it). */
  const handed = (kind: PolicyKind, type: string, name: string, policy: Policy, caller?: Principal) => {
    const key = `${type}:${name}`;
    if (!cut || cutIndexes.has(key)) return memo.validatedAs(kind, policy);
    const policyCut = memo.cutFor(kind, policy, caller ? { ...call, principal: caller } : call);
    cutIndexes.set(key, memo.originalIndexes(policyCut) ?? []);
    return policyCut;
  };
  const simulation: Simulation = {
    request: {
      principal: principal.arn,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount },
      contextVariables: { ...identityContext(principal), ...request.context },
    },
    identityPolicies: principal.policies.map((p) => ({
      name: p.name,
      policy: handed('identity', 'identity', p.name, p.policy),
    })),
    serviceControlPolicies: principal.organization
      ? [
          {
            orgIdentifier: principal.orgId!,
            policies: [
              { name: 'FullAWSAccess', policy: memo.validatedAs('scp', FULL_AWS_ACCESS) },
              ...orgPolicies(model, principal.organization, 'SCP', handed),
            ],
          },
        ]
      : [],
    resourceControlPolicies:
      resourceOrg(model, request.resourceAccount) && RCP_SERVICES.has(request.action.split(':')[0]!)
        ? [
            {
              orgIdentifier: model.config.organizations.vault.id,
              policies: orgPolicies(model, 'vault', 'RCP', handed),
            },
          ]
        : [],
    resourcePolicy: handed('resource', 'resource', '', resourcePolicyOf(model, request, memo), principal),
  };
  const result = await withCachedCollators(() =>
    runSimulation(simulation, { simulationMode: mode, discoveryContextKeyConstraints: CONSTRAINTS }),
  );
  if (result.resultType === 'error') {
    throw new Error(
      `cannot evaluate ${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`,
    );
  }
  const allowed = result.overallResult === 'Allowed';
  const analysis = result.resultType === 'single' ? result.result.analysis : result.results[0]?.analysis;
  if (!analysis && allowed)
    throw new Error(`cannot evaluate ${request.action} on ${request.resource}: allowed without an analysis`);
  return { allowed, analysis, cutIndexes };
}

/**
 * A request for a wildcard resource (`*` for a List or Describe of all) is simulated by iam-simulate once on the
 * pattern itself and, unless that is implicitly denied, once per Allow statement's resource pattern it overlaps,
 * each a result. None: the pattern itself was implicitly denied (no narrower pattern can then allow it), or no
 * Allow statement names a pattern within it; iam-simulate's overall result, the decision as for every request, is
 * then ImplicitlyDenied.
 */
const NO_PATTERN = 'implicit deny: no statement allows the wildcard resource';

const NO_ALLOW: Decision = {
  allowed: false,
  decidedBy: ['no-allow: no identity or resource policy names it'],
};

/**
 * Whether any Allow statement of the principal's identity policies or the resource's policy names the action
 * (NotAction counts as naming every action). Without one AWS allows nothing, whatever the conditions, SCPs or
 * RCPs (which only take away), so `authorize` skips the simulation: about half the matrix, the service roles'
 * policies naming a few actions each. test/prove-shortcut.test.ts shows iam-simulate denies every call it skips.
 */
export function mayAllow(
  model: EvaluationModel,
  principal: Principal,
  request: Request,
  memo = new PolicyMemo(),
): boolean {
  const policies = [...principal.policies.map((p) => p.policy), resourcePolicyOf(model, request, memo)];
  return policies.some((policy) => memo.allowPatterns(policy).some((matches) => matches(request.action)));
}

/** The resource policy iam-simulate is handed for a request (undefined: none). */
export function resourcePolicyOf(
  model: EvaluationModel,
  request: Request,
  memo: PolicyMemo,
): Policy | undefined {
  return request.resourcePolicy ?? resourcePolicyFor(model, request.governedBy ?? request.resource, memo);
}

function identityContext(p: Principal): Record<string, string> {
  return {
    'aws:PrincipalAccount': p.account,
    'aws:PrincipalArn': p.arn,
    'aws:PrincipalIsAWSService': 'false',
    'aws:MultiFactorAuthPresent': String(p.mfa),
    'aws:SecureTransport': 'true',
    ...(p.orgId ? { 'aws:PrincipalOrgID': p.orgId } : {}),
  };
}

function orgPolicies(
  model: EvaluationModel,
  organization: 'source' | 'vault',
  kind: 'SCP' | 'RCP',
  handed: (kind: PolicyKind, type: string, name: string, policy: Policy) => Policy,
) {
  const type = kind === 'SCP' ? 'scp' : 'rcp';
  return model.guardrails
    .filter((g) => g.organization === organization && g.kind === kind)
    .map((g) => ({ name: g.name, policy: handed(type, type, g.name, g.document) }));
}

/**
 * The services RCPs apply to (threats.md note 4, [S29]); for any other (AWS Backup, EC2, RDS) an RCP protects
 * nothing, and the evaluator would otherwise apply it to every request.
 */
const RCP_SERVICES = new Set(['s3', 'sts', 'kms', 'sqs', 'secretsmanager']);

/**
 * Whether the vault organization's RCPs bind a resource of `account`: its member accounts' (the log archive
 * included), never its management account's, which no RCP binds (threats.md, notes on controls).
 */
function resourceOrg(model: EvaluationModel, account: string): boolean {
  const v = model.config.organizations.vault;
  return [v.vaultAccount, v.restoreAccount, v.logArchiveAccount].includes(account);
}

/** The policy of the first resource of the model that is `arn` or holds it (`arn` is `<its ARN>/…`). */
function resourcePolicyFor(model: EvaluationModel, arn: string, memo: PolicyMemo): Policy | undefined {
  const index = memo.firstByArn(model.resources);
  let first = index.get(arn);
  for (let cut = arn.lastIndexOf('/'); cut > 0; cut = arn.lastIndexOf('/', cut - 1)) {
    const holder = index.get(arn.slice(0, cut));
    if (holder !== undefined && (first === undefined || holder < first)) first = holder;
  }
  return first === undefined ? undefined : model.resources[first]!.policy;
}

function describeAllow(analysis: unknown): string {
  const text = JSON.stringify(analysis);
  const conditional = /"conditionType":"(?!always)[a-z]+/.test(text) || text.includes('ignoredConditions');
  return conditional ? 'allowed if a condition holds (Discovery mode)' : 'allowed';
}
