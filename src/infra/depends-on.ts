import { Stack, type CfnResource } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';

/**
 * Lambda and Step Functions add a DependsOn on the role they already reference by GetAtt (cfn-lint W3005):
 * keep only the dependency that matters, on the role's default policy, so it is attached before first use.
 */
export function dependOnRolePolicyOnly(resource: CfnResource, role: iam.IRole): void {
  const policy = role.node.tryFindChild('DefaultPolicy')?.node.defaultChild as CfnResource | undefined;
  resource.addOverride('DependsOn', policy ? [Stack.of(resource).getLogicalId(policy)] : undefined);
}
