import { BlockList, isIPv4 } from 'node:net';
import { ROLE_NAMES } from './names.js';
import type { Config } from './schema.js';
import type { Problem } from './semantics.js';

// Addresses AWS never sees in aws:SourceIp: calls from private networks reach AWS through a NAT (its public
// address is what counts) or through a VPC endpoint (where aws:SourceIp is absent and the range never matches).
const NOT_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
] as const)
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['fc00::', 7],
  ['fe80::', 10],
  ['::1', 128],
] as const)
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv6');

/** access: ranges that would let everyone in or nobody, and a break-glass role that is really a service role. */
export function checkAccess(config: Config): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  config.access.allowedCidrs.forEach((cidr, i) => {
    const path = ['access', 'allowedCidrs', i];
    const [address = '', prefix = ''] = cidr.split('/');
    if (Number(prefix) === 0) {
      problems.push({
        path,
        message: `${cidr} allows every address, which is no allow-list: give your egress ranges, or leave allowedCidrs empty for MFA only`,
      });
    } else if (NOT_PUBLIC.check(address, isIPv4(address) ? 'ipv4' : 'ipv6')) {
      problems.push({
        path,
        message: `${cidr} is a private range: AWS sees the public address of your NAT or proxy as aws:SourceIp (and none through a VPC endpoint), so this range never matches; give the public egress range`,
      });
    }
    if (seen.has(cidr)) problems.push({ path, message: `${cidr} is listed twice: each range once` });
    seen.add(cidr);
  });
  const role = config.access.breakGlassRole;
  const clash = Object.entries(ROLE_NAMES).find(([key, name]) => name === role && key !== 'breakGlass');
  if (clash) {
    problems.push({
      path: ['access', 'breakGlassRole'],
      message: `${role} is Air Gap Recover's ${clash[0]} role: the break-glass role must be one only people assume, with MFA`,
    });
  }
  return problems;
}
