import { Stack, type CfnCondition, type CfnResource } from 'aws-cdk-lib/core';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ROLE_NAMES, type Config } from '../../config/index.js';
import type { AccountRole } from '../../config/plan.js';
import { IDENTITY_CENTER_ROLES } from '../guardrails/human-access.js';
import { acknowledge, nag } from '../nag-suppressions.js';
import { operatorGrants, type GrantScope } from './operator-grants.js';

export interface OperatorRoleProps {
  config: Config;
  /** The kind of account: its grants are the rows of OPERATOR_GRANTS that name it. */
  accountRole: AccountRole;
  account: string;
  /** Protected buckets of the account as ARNs ending in a suffix (workload accounts; CloudFormation lists). */
  buckets?: (suffix: string) => string[];
  /** The template's condition that the account protects a bucket (the bucket statements exist only then). */
  hasBuckets?: CfnCondition;
  /** The vault account's catalog key ARN: the operator decrypts the catalog with it (vault account only). */
  catalogKey?: string;
}

/** The statements of one account's operator policy, from OPERATOR_GRANTS. */
export function operatorStatements(
  scope: GrantScope,
  accountRole: AccountRole,
  onBuckets: boolean,
): iam.PolicyStatement[] {
  return operatorGrants(accountRole)
    .filter((g) => (g.onProtectedBuckets ?? false) === onBuckets)
    .map(
      (g) =>
        new iam.PolicyStatement({
          sid: g.sid,
          actions: [...g.actions],
          resources: g.resources?.(scope) ?? ['*'],
          ...(g.conditions ? { conditions: g.conditions(scope) } : {}),
        }),
    );
}

/**
 * What a person must bring to assume the operator: a principal of the vault organization (where `access` says people
 * come from, in every account, the source organization's too: production never reaches into the vault, the vault's
 * people reach into production), with MFA (or an Identity Center session when `access.identityCenterEnforcesMfa`),
 * from `access.allowedCidrs` when set: the conditions the vault SCP holds every later call of the session to.
 */
export function operatorTrust(config: Config): { principal: iam.IPrincipal; more: iam.PolicyStatement[] } {
  const { access } = config;
  const org = new iam.OrganizationPrincipal(config.organizations.vault.id);
  const network =
    access.allowedCidrs.length > 0 ? { IpAddress: { 'aws:SourceIp': access.allowedCidrs } } : {};
  const identityCenter = new iam.PolicyStatement({
    sid: 'VaultOrganizationIdentityCenter',
    actions: ['sts:AssumeRole'],
    principals: [org],
    conditions: { ...network, ArnLike: { 'aws:PrincipalArn': IDENTITY_CENTER_ROLES } },
  });
  return {
    principal: org.withConditions({ ...network, Bool: { 'aws:MultiFactorAuthPresent': 'true' } }),
    more: access.identityCenterEnforcesMfa ? [identityCenter] : [],
  };
}

/**
 * `AirGapOperator`: the role the `airgap` CLI assumes in an account, a human role (never in VAULT_SERVICE_ROLES,
 * so the vault SCP holds it to MFA and the allowed networks). Its policy is the account's rows of OPERATOR_GRANTS:
 * reads for status, audit, verify and cost; in workload accounts the status canary, backfill jobs and replication
 * setup; in the vault account the restore's share and key grant and the drill's evidence; in the restore account the
 * clean-up of the drill's own restores. It can delete, shorten, re-key or decrypt nothing of the vault (`airgap prove`
 * judges it).
 */
export class OperatorRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: OperatorRoleProps) {
    super(scope, id);
    const { config, accountRole, account } = props;
    const at: GrantScope = {
      config,
      account,
      buckets: props.buckets ?? (() => []),
      ...(props.catalogKey ? { catalogKey: props.catalogKey } : {}),
    };
    const trust = operatorTrust(config);
    this.role = new iam.Role(this, 'Role', {
      roleName: ROLE_NAMES.operator,
      assumedBy: trust.principal,
      description: 'Air Gap Recover: the airgap CLI operates this account with this role (people, MFA)',
      inlinePolicies: {
        operate: new iam.PolicyDocument({ statements: operatorStatements(at, accountRole, false) }),
      },
    });
    this.role.assumeRolePolicy!.addStatements(...trust.more);
    if (props.buckets && props.hasBuckets) {
      const buckets = new iam.Policy(this, 'ProtectedBuckets', {
        roles: [this.role],
        statements: operatorStatements(at, accountRole, true),
      });
      (buckets.node.defaultChild as CfnResource).cfnOptions.condition = props.hasBuckets;
      acknowledge(
        buckets,
        "Objects of the account's protected buckets: all of them to read, the status canary and the drill's prefix to write.",
        ...operatorStatements(at, accountRole, true).flatMap((st) => wildcardEvidence(Stack.of(this), st)),
      );
    }
    acknowledge(
      this.role,
      'Describe, list and metric reads take no resource; buckets, keys, snapshots and file systems exist at run time, so they are named by prefix or account, each write bounded by a condition or a prefix.',
      ...operatorStatements(at, accountRole, false).flatMap((st) => wildcardEvidence(Stack.of(this), st)),
    );
  }
}

/** The wildcards of a statement as cdk-nag names them, so each is acknowledged by its evidence and no other. */
function wildcardEvidence(stack: Stack, statement: iam.PolicyStatement): string[] {
  const json = stack.resolve(statement.toStatementJson()) as { Action: unknown; Resource: unknown };
  const list = (v: unknown) => (Array.isArray(v) ? v : [v]).map(nagText);
  return [
    ...list(json.Action)
      .filter((a) => a.includes('*'))
      .map((a) => nag.wildcard(`Action::${a}`)),
    ...list(json.Resource)
      .filter((r) => r.includes('*'))
      .map((r) => nag.wildcard(`Resource::${r}`)),
  ];
}

/** cdk-nag's text of a resolved value: a pseudo parameter as `<AWS::AccountId>`. */
function nagText(v: unknown): string {
  if (typeof v === 'string') return v;
  const o = v as { Ref?: string; 'Fn::Join'?: [string, unknown[]] };
  if (o.Ref) return `<${o.Ref}>`;
  if (o['Fn::Join']) return o['Fn::Join'][1].map(nagText).join(o['Fn::Join'][0]);
  return JSON.stringify(v);
}
