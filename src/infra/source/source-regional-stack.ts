import { CfnCondition, CfnParameter, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib/core';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { perConfig, protectedBuckets, RESOURCE_NAMES, type Config } from '../../config/index.js';
import { callPattern } from '../governance/watched-calls.js';
import { SNAPSHOT_EVENT_PATTERN } from '../vault/snapshot-copier.js';
import { SnapshotShare, snapshotShareParameters } from './snapshot-share.js';
import { PROTECTED_BUCKETS_PARAMETER } from './source-stack.js';

/**
 * The regions the regional source template goes to in one workload account: the account's home region (the first
 * source region, where the global template and the AWS Backup path are) and every region a protect.s3, rds, aurora
 * or ebs selector of the account names, in the order of `organizations.source.regions`, then any other.
 */
export function sourceRegionsOf(config: Config, account: string): readonly string[] {
  return sourceRegions(config).get(account) ?? [config.organizations.source.regions[0]!];
}

/** `sourceRegionsOf` of every account that a selector names, in one pass over the selectors. */
const sourceRegions = perConfig((config) => {
  const { regions } = config.organizations.source;
  const named = new Map<string, Set<string>>();
  for (const s of [config.protect.s3, config.protect.rds, config.protect.aurora, config.protect.ebs].flat()) {
    let all = named.get(s.account);
    if (!all) named.set(s.account, (all = new Set([regions[0]!])));
    all.add(s.region ?? regions[0]!);
  }
  const out = new Map<string, readonly string[]>();
  for (const [account, all] of named)
    out.set(account, [
      ...regions.filter((r) => all.has(r)),
      ...[...all].filter((r) => !regions.includes(r)).sort(),
    ]);
  return out;
});

/** One account's parameter values of the regional template in one region: only that region's buckets and selectors. */
export function sourceRegionalParameters(
  config: Config,
  account: string,
  region: string,
): Record<string, string> {
  const names = protectedBuckets(config)
    .filter((b) => b.account === account && b.region === region)
    .map((b) => b.bucket);
  return {
    [PROTECTED_BUCKETS_PARAMETER]: names.join(','),
    ...snapshotShareParameters(config, account, region),
  };
}

/**
 * The regional half of the workload StackSet: what exists per region and so is deployed in every region the config
 * protects in an account (`sourceRegionsOf`), beside the global `SourceStack` (the named roles) deployed once in
 * the home region before it. It names no global resource, so the same template deploys in any number of regions,
 * and, its per-account data being instance parameters, in any number of accounts.
 */
export class SourceRegionalStack extends Stack {
  constructor(scope: Construct, id: string, config: Config, props: StackProps) {
    super(scope, id, props);
    const { vault } = config.organizations;
    const names = new CfnParameter(this, PROTECTED_BUCKETS_PARAMETER, {
      type: 'CommaDelimitedList',
      default: '',
      description:
        'Names of the protected S3 buckets of this account in this region (from airgap-manifest.json)',
    }).valueAsList;
    const hasBuckets = new CfnCondition(this, 'HasProtectedBuckets', {
      expression: Fn.conditionNot(Fn.conditionEquals(Fn.join(',', names), '')),
    });

    // The shareable source key (a key is regional): the vault account may use it only through RDS and EC2, to copy
    // shared snapshots.
    const shareKey = new kms.Key(this, 'SnapshotShareKey', {
      alias: RESOURCE_NAMES.sourceKeyAlias(config),
      description: 'Air Gap Recover: encrypts snapshots shared with the vault account',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'AccountAdministersThroughIam',
            principals: [new iam.AccountRootPrincipal()],
            actions: ['kms:*'],
            resources: ['*'],
          }),
          new iam.PolicyStatement({
            sid: 'VaultCopiesSharedSnapshotsThroughServices',
            principals: [new iam.AccountPrincipal(vault.vaultAccount)],
            actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:CreateGrant', 'kms:ReEncryptFrom'],
            resources: ['*'],
            conditions: {
              StringEquals: {
                'kms:ViaService': config.organizations.source.regions.flatMap((r) => [
                  `rds.${r}.amazonaws.com`,
                  `ec2.${r}.amazonaws.com`,
                ]),
              },
            },
          }),
        ],
      }),
    });

    // Snapshot events go to the vault bus, where the copier picks them up; a scheduled sweep catches misses.
    const bus = events.EventBus.fromEventBusArn(
      this,
      'VaultBus',
      `arn:aws:events:${config.vault.region}:${vault.vaultAccount}:event-bus/${RESOURCE_NAMES.eventBus(config)}`,
    );
    new events.Rule(this, 'SnapshotEvents', {
      description: 'Air Gap Recover: forward snapshot completion events to the vault account',
      eventPattern: SNAPSHOT_EVENT_PATTERN,
      targets: [new targets.EventBus(bus)],
    });
    // Replication and lifecycle changes of this account's protected buckets alert in the vault. An attacker who
    // owns the account can delete this rule; the vault's replication-lag alarm does not depend on it.
    const changes = new events.Rule(this, 'ProtectedBucketChanges', {
      ruleName: `${config.name}-airgap-protected-bucket-changes`,
      description:
        'Air Gap Recover: forward replication and lifecycle changes of protected buckets to the vault',
      eventPattern: callPattern('protectedBucketChanges'),
      targets: [new targets.EventBus(bus)],
    });
    const cfnChanges = changes.node.defaultChild as events.CfnRule;
    cfnChanges.cfnOptions.condition = hasBuckets;
    // The bucket list is this instance's parameter: CloudFormation resolves the Ref inside the pattern.
    cfnChanges.addPropertyOverride('EventPattern.detail.requestParameters.bucketName', {
      Ref: PROTECTED_BUCKETS_PARAMETER,
    });
    new SnapshotShare(this, 'SnapshotShare', { config, shareKey });
  }
}
