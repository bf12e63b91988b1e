import { Stack, type CfnResource } from 'aws-cdk-lib/core';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * Lambda and Step Functions add a DependsOn on the role they already reference by GetAtt (cfn-lint W3005):
 * keep only the dependency that matters, on the role's default policy, so it is attached before first use (a role
 * imported by name keeps its grants in a policy of the importing stack, not named DefaultPolicy).
 */
export function dependOnRolePolicyOnly(resource: CfnResource, role: iam.IRole): void {
  const own =
    role.node.tryFindChild('DefaultPolicy') ?? role.node.children.find((c) => c instanceof iam.Policy);
  const policy = own?.node.defaultChild as CfnResource | undefined;
  resource.addOverride('DependsOn', policy ? [Stack.of(resource).getLogicalId(policy)] : undefined);
}
