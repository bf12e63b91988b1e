import { CfnCondition, CfnParameter, Fn, type CfnResource } from 'aws-cdk-lib/core';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { protectedFileSystems, ROLE_NAMES, type Config } from '../../config/index.js';
import { acknowledge, nag } from '../nag-suppressions.js';

/** The template parameter that carries an account's protected EFS file system ARNs. */
export const PROTECTED_FILE_SYSTEMS_PARAMETER = 'ProtectedFileSystems';

/** Per-account parameter value: the ARNs of the file systems the vault path replicates from that account. */
export function efsReplicationParameters(config: Config, account: string): Record<string, string> {
  const arns = protectedFileSystems(config)
    .filter((fs) => fs.account === account)
    .map((fs) => fs.arn);
  return { [PROTECTED_FILE_SYSTEMS_PARAMETER]: arns.join(',') };
}

/**
 * The role EFS assumes to replicate an account's protected file systems into their replicas in the vault
 * account (cross-account replication takes a role of the source account, not the service-linked one). It may
 * read the named file systems for replication and write only into file systems of the vault account in the
 * vault region, each of which admits, by its own policy, only the account whose file system it mirrors. The
 * replication configuration itself is applied to the existing file systems by `airgap efs configure-replication`:
 * a template cannot own a file system another stack created (as with the protected buckets).
 *
 * @see https://docs.aws.amazon.com/efs/latest/ug/cross-account-replication.html
 */
export class EfsReplicationRole extends Construct {
  constructor(scope: Construct, id: string, config: Config) {
    super(scope, id);
    const { vaultAccount } = config.organizations.vault;
    const sources = new CfnParameter(scope, PROTECTED_FILE_SYSTEMS_PARAMETER, {
      type: 'CommaDelimitedList',
      default: '',
      description:
        'ARNs of the EFS file systems of this account replicated into the vault (from airgap-manifest.json)',
    }).valueAsList;
    const replicas = `arn:aws:elasticfilesystem:${config.vault.region}:${vaultAccount}:file-system/*`;
    // The documented trust policy: only principals of this account may pass the role to EFS (iam:PassRole).
    const role = new iam.Role(this, 'Role', {
      roleName: ROLE_NAMES.efsReplication,
      assumedBy: new iam.ServicePrincipal('elasticfilesystem.amazonaws.com'),
      description: 'Air Gap Recover: EFS replicates protected file systems into the vault with this role',
      inlinePolicies: {
        replicate: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'ReadProtectedFileSystems',
              actions: ['elasticfilesystem:ReplicationRead', 'elasticfilesystem:DescribeFileSystems'],
              resources: sources,
            }),
            new iam.PolicyStatement({
              sid: 'ReplicateIntoVaultReplicas',
              actions: [
                'elasticfilesystem:DescribeFileSystems',
                'elasticfilesystem:CreateReplicationConfiguration',
                'elasticfilesystem:DescribeReplicationConfigurations',
                'elasticfilesystem:DeleteReplicationConfiguration',
                'elasticfilesystem:ReplicationWrite',
              ],
              resources: [replicas],
            }),
          ],
        }),
      },
    });
    (role.node.defaultChild as CfnResource).cfnOptions.condition = new CfnCondition(
      this,
      'HasProtectedFileSystems',
      { expression: Fn.conditionNot(Fn.conditionEquals(Fn.join(',', sources), '')) },
    );
    acknowledge(
      role,
      'Replica ids are assigned by EFS at deploy: file systems of the vault account in the vault region, each admitting only its own source account by file system policy.',
      nag.wildcard(`Resource::${replicas}`),
    );
  }
}
