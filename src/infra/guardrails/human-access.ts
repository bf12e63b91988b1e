import type { Config } from '../../config/index.js';
import { ROLE_NAMES, VAULT_SERVICE_ROLES } from '../../config/names.js';
import type { Statement } from './policies.js';

/** What a person may still do without MFA: set up an MFA device and trade a code for an MFA session. */
const MFA_SETUP = [
  'iam:CreateVirtualMFADevice',
  'iam:EnableMFADevice',
  'iam:GetUser',
  'iam:ListMFADevices',
  'iam:ListVirtualMFADevices',
  'iam:ResyncMFADevice',
  'sts:GetSessionToken',
];

/** Only IAM Identity Center creates roles under this path, so it names its sessions and nothing else. */
export const IDENTITY_CENTER_ROLES = 'arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*';

const role = (name: string) => `arn:aws:iam::*:role/${name}`;

/**
 * The service roles as ARN patterns, a name that others extend standing for them all (`AirGapCopyFlow*` for the
 * workflow and its starter): the list is repeated in two statements of an SCP near its 5,120-character limit.
 * The wildcard admits no one new: `airgap-vault-data` lets nobody but break-glass create an AirGap* role, or put
 * or attach a policy on one.
 */
export function serviceRolePatterns(names: readonly string[]): string[] {
  const extended = (name: string) => names.some((other) => other !== name && other.startsWith(name));
  const covered = (name: string) => names.some((other) => other !== name && name.startsWith(other));
  return names.filter((n) => !covered(n)).map((n) => role(extended(n) ? `${n}*` : n));
}

/**
 * Every call by a person in the vault organization needs MFA and, when `access.allowedCidrs` is set, an
 * allow-listed source address. Not people: AWS services (a service principal, or a service acting for a caller
 * who already passed these checks: aws:ViaAWSService) and the project's service roles, by name. The break-glass
 * role needs MFA like everyone but may come from anywhere, for when the allowed network is lost.
 */
export function humanAccessStatements(config: Config): Statement[] {
  const { access } = config;
  const serviceRoles = serviceRolePatterns(VAULT_SERVICE_ROLES.map((key) => ROLE_NAMES[key]));
  const notAService = { 'aws:PrincipalIsAWSService': 'false', 'aws:ViaAWSService': 'false' };
  const statements: Statement[] = [
    {
      Sid: 'DenyPeopleWithoutMfa',
      Effect: 'Deny',
      NotAction: MFA_SETUP,
      Resource: '*',
      Condition: {
        // IfExists: long-term keys carry no MFA key at all, and must be refused too.
        BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false', ...notAService },
        ArnNotLike: {
          'aws:PrincipalArn': [
            ...serviceRoles,
            ...(access.identityCenterEnforcesMfa ? [IDENTITY_CENTER_ROLES] : []),
          ],
        },
      },
    },
  ];
  if (access.allowedCidrs.length > 0) {
    statements.push({
      Sid: 'DenyPeopleOutsideAllowedNetworks',
      Effect: 'Deny',
      Action: ['*'],
      Resource: '*',
      Condition: {
        // Without IfExists: a call through a VPC endpoint has no aws:SourceIp and is refused, not waved through.
        NotIpAddress: { 'aws:SourceIp': access.allowedCidrs },
        BoolIfExists: notAService,
        ArnNotLike: { 'aws:PrincipalArn': [...serviceRoles, role(access.breakGlassRole)] },
      },
    });
  }
  return statements;
}
