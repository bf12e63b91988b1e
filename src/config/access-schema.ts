import { z } from 'zod';
import { ROLE_NAMES } from './names.js';

/** The most ranges `access.allowedCidrs` takes: 50 of the longest IPv6 ranges still fit the SCP size limit. */
export const MAX_ALLOWED_CIDRS = 50;

const CIDR_FORMATS = [z.cidrv4(), z.cidrv6()];
const Cidr = z.string().refine((v) => CIDR_FORMATS.some((f) => f.safeParse(v).success), {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not a CIDR range: give an address and a prefix length, e.g. 203.0.113.0/24 or 2001:db8::/32`,
});

/**
 * Human access to the vault organization. The vault organization's SCP denies every call by a person without
 * MFA, and (when ranges are given) from outside the ranges; AWS services and Air Gap Recover's own service roles
 * are exempt, and the break-glass role is exempt from the ranges only.
 */
export const Access = z
  .strictObject({
    allowedCidrs: z
      .array(Cidr)
      .max(MAX_ALLOWED_CIDRS, { error: `must list at most ${MAX_ALLOWED_CIDRS} ranges (the SCP size limit)` })
      .default([])
      .describe(
        'Public source IP ranges (CIDR) people may call the vault organization from, e.g. your egress NAT or VPN. Empty: MFA only, from anywhere.',
      ),
    breakGlassRole: z
      .string()
      .regex(/^[\w+=,.@-]{1,64}$/, { error: 'must be an IAM role name: 1-64 letters, digits or +=,.@_-' })
      .default(ROLE_NAMES.breakGlass)
      .describe(
        'The break-glass role of the vault organization: assumed with MFA only, exempt from the IP ranges (for when the allowed network is lost), every use alerted. The only principal the guardrails let reconfigure the vault.',
      ),
    identityCenterEnforcesMfa: z
      .boolean()
      .default(false)
      .describe(
        'IAM Identity Center (SAML) sessions carry no aws:MultiFactorAuthPresent, so the MFA condition refuses them. Set true, once Identity Center requires MFA at every sign-in, to exempt its roles from the MFA condition (never from the IP ranges).',
      ),
  })
  .describe('Human access to the vault organization: MFA always, from allow-listed networks.');
