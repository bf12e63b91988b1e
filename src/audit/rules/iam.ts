import { policyDiff } from '../policy-diff.js';
import { fail, notApplicable, pass, type RuleFamily } from '../model.js';

/**
 * The restore role reads every vault copy: a wider trust or an extra permission turns it into a way in.
 * Its trust, inline policies and attached managed policies must equal the template's.
 */
export const iamRules: RuleFamily = (state) => {
  const control = 'RESTORE_ROLE_UNCHANGED';
  const live = state.restoreRole;
  const where = `${live.name} (${live.account})`;
  const intended = state.intent?.restoreRole;
  if (!intended) return [notApplicable(control, where, 'audit ran without the synthesized templates')];
  if (!live.exists) return [fail(control, where, 'role does not exist')];
  const problems = policyDiff(intended.trust, live.trust).map((d) => `trust: ${d}`);
  const names = new Set([...Object.keys(intended.policies), ...Object.keys(live.policies)]);
  for (const name of [...names].sort()) {
    if (!(name in live.policies)) problems.push(`inline policy ${name} missing`);
    else if (!(name in intended.policies)) problems.push(`inline policy ${name} added`);
    else
      problems.push(...policyDiff(intended.policies[name], live.policies[name]).map((d) => `${name}: ${d}`));
  }
  for (const arn of live.managedPolicies)
    if (!intended.managedPolicies.includes(arn)) problems.push(`managed policy ${arn} attached`);
  for (const arn of intended.managedPolicies)
    if (!live.managedPolicies.includes(arn)) problems.push(`managed policy ${arn} detached`);
  return [
    problems.length
      ? fail(control, where, `differs from the template: ${problems.join('; ')}`)
      : pass(control, where, 'trust and permissions equal the template'),
  ];
};
