import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ROLE_NAMES, TAGS, type Config } from '../../config/index.js';
import { acknowledge, nag } from '../nag-suppressions.js';

/**
 * The restore account's half of the snapshot restore workflow (src/infra/vault/restore-workflow.ts): trusted by the
 * vault account's `AirGapRestoreFlow` only, it copies a vault copy shared with this account under the restore key
 * (the vault key grant names it) and restores the DB instance, cluster or volume, in the vault region. It creates
 * and tags; it deletes, modifies and shares nothing.
 */
export class RestoreFlowRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: { config: Config; restoreKey: kms.IKey }) {
    super(scope, id);
    const { config, restoreKey } = props;
    const { vaultAccount: vault, restoreAccount: restore } = config.organizations.vault;
    const region = config.vault.region;
    const here = (type: string) => `arn:aws:rds:${region}:${restore}:${type}`;
    const sharedCopies = [
      `arn:aws:rds:${region}:${vault}:snapshot:airgap-*`,
      `arn:aws:rds:${region}:${vault}:cluster-snapshot:airgap-*`,
    ];
    const restoreCopies = [here('snapshot:airgap-restore-*'), here('cluster-snapshot:airgap-restore-*')];
    const restored = [here('db:*'), here('cluster:*')];
    // What RestoreDBInstanceFromDBSnapshot and CreateDBInstance name besides the DB: the defaults they pick.
    const defaults = [here('subgrp:*'), here('og:*'), here('pg:*'), here('cluster-pg:*'), here('secgrp:*')];
    const ebs = `arn:aws:ec2:${region}::snapshot/*`;
    const volumes = `arn:aws:ec2:${region}:${restore}:volume/*`;
    this.role = new iam.Role(this, 'Role', {
      roleName: ROLE_NAMES.restoreWorkflow,
      assumedBy: new iam.AccountPrincipal(vault).withConditions({
        ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${vault}:role/${ROLE_NAMES.restoreWorkflow}` },
      }),
      description:
        'Air Gap Recover: the restore workflow copies shared vault copies under the restore key and restores them',
      inlinePolicies: {
        restore: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'FindCopiesAndRestoredResources',
              actions: [
                'rds:DescribeDBSnapshots',
                'rds:DescribeDBClusterSnapshots',
                'rds:DescribeDBInstances',
                'rds:DescribeDBClusters',
                'ec2:DescribeSnapshots',
                'ec2:DescribeVolumes',
              ],
              resources: ['*'],
              conditions: { StringEquals: { 'aws:RequestedRegion': region } },
            }),
            new iam.PolicyStatement({
              sid: 'CopySharedRdsVaultCopies',
              actions: ['rds:CopyDBSnapshot', 'rds:CopyDBClusterSnapshot', 'rds:AddTagsToResource'],
              resources: [...sharedCopies, ...restoreCopies],
            }),
            new iam.PolicyStatement({
              sid: 'RestoreDbInstancesAndClusters',
              actions: [
                'rds:RestoreDBInstanceFromDBSnapshot',
                'rds:RestoreDBClusterFromSnapshot',
                'rds:CreateDBInstance',
                'rds:AddTagsToResource',
              ],
              resources: [...restoreCopies, ...restored, ...defaults],
            }),
            new iam.PolicyStatement({
              sid: 'CopySharedEbsVaultCopies',
              actions: ['ec2:CopySnapshot'],
              resources: [ebs],
            }),
            new iam.PolicyStatement({
              sid: 'RestoreEbsVolumes',
              actions: ['ec2:CreateVolume'],
              resources: [ebs, volumes],
            }),
            new iam.PolicyStatement({
              sid: 'TagWhatItCreatesOnly',
              actions: ['ec2:CreateTags'],
              resources: [ebs, volumes],
              conditions: {
                StringEquals: { 'ec2:CreateAction': ['CopySnapshot', 'CreateVolume'] },
                Null: { [`aws:RequestTag/${TAGS.restoredFrom}`]: 'false' },
              },
            }),
            new iam.PolicyStatement({
              sid: 'UseRestoreKey',
              actions: [
                'kms:DescribeKey',
                'kms:CreateGrant',
                'kms:Encrypt',
                'kms:Decrypt',
                'kms:ReEncrypt*',
                'kms:GenerateDataKey*',
              ],
              resources: [restoreKey.keyArn],
            }),
            new iam.PolicyStatement({
              sid: 'DecryptVaultCopiesThroughServices',
              actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:CreateGrant', 'kms:ReEncryptFrom'],
              resources: [`arn:aws:kms:${region}:${vault}:key/*`],
              conditions: {
                StringEquals: {
                  'kms:ViaService': [`rds.${region}.amazonaws.com`, `ec2.${region}.amazonaws.com`],
                },
              },
            }),
          ],
        }),
      },
    });
    acknowledge(
      this.role,
      'Describe calls have no resource scope (bounded by region); shared vault copies are airgap-*, restore copies airgap-restore-*, restored DBs, clusters and volumes get their names at restore time, with the defaults RDS picks; EBS snapshot ARNs carry no account; the vault key only through RDS and EC2 (its grant decides which).',
      nag.wildcard('Resource::*'),
      ...[...sharedCopies, ...restoreCopies, ...restored, ...defaults, ebs, volumes].map((r) =>
        nag.wildcard(`Resource::${r}`),
      ),
      nag.wildcard('Action::kms:ReEncrypt*'),
      nag.wildcard('Action::kms:GenerateDataKey*'),
      nag.wildcard(`Resource::arn:aws:kms:${region}:${vault}:key/*`),
    );
  }
}
