import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { outDir } from '../../../test/support/outdir.js';
import { quickstart, vaultElsewhere } from '../../../test/support/config.js';
import {
  detectionPlaces,
  ROLE_NAMES,
  VAULT_SERVICE_ROLES,
  type AccountRole,
  type Config,
} from '../../config/index.js';
import { buildApp, TEMPLATES_ONLY, type RoleStack } from '../app.js';

// Synthesized once (without cdk-nag, which test/synth.test.ts runs): synth is the slow part.
let stacks: RoleStack[];
const template = (list: RoleStack[], name: string): Template => {
  const found = list.find((s) => s.stack.stackName === `quickstart-airgap-${name}`);
  if (!found) throw new Error(`no stack ${name}`);
  return Template.fromStack(found.stack);
};
const build = (config: Config, dir: string) =>
  buildApp(config, outDir(`governance-${dir}`), TEMPLATES_ONLY).stacks;

beforeAll(() => {
  stacks = build(quickstart(), 'default');
});

const VAULT_ORGANIZATION: AccountRole[] = ['vault-management', 'vault', 'restore', 'log-archive'];
const TRAIL = 'arn:aws:cloudtrail:us-east-1:200000000001:trail/quickstart-airgap-organization';
const LOG_BUCKET = 'quickstart-airgap-logs-200000000005-us-east-1';
const CONFIG_BUCKET = 'quickstart-airgap-config-200000000005-us-east-1';
const VAULT_BUS = 'arn:aws:events:us-east-1:200000000002:event-bus/quickstart-airgap-vault';

/** The vault's copies in a second region: the vault-key and restore-key stacks there record Config too. */
const MULTI_REGION: Parameters<typeof quickstart>[0] = [
  [
    ['organizations', 'source', 'regions'],
    ['us-east-1', 'eu-west-1'],
  ],
  [['protect', 'rds', 0, 'region'], 'eu-west-1'],
  [['paths', 'backup'], false],
  [['backup', 'airGappedVault'], false],
];

interface BucketProps {
  BucketName?: string;
  ObjectLockConfiguration?: unknown;
}
interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action?: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

/** The statements of the policy of the bucket whose logical id starts with `prefix`. */
function bucketPolicy(t: Template, prefix: string): PolicyStatement[] {
  const policies = Object.values(t.findResources('AWS::S3::BucketPolicy')) as {
    Properties: { Bucket: { Ref: string }; PolicyDocument: { Statement: PolicyStatement[] } };
  }[];
  const found = policies.find((p) => p.Properties.Bucket.Ref.startsWith(prefix));
  if (!found) throw new Error(`no policy of a bucket ${prefix}`);
  return found.Properties.PolicyDocument.Statement;
}

const allows = (t: Template, prefix: string) =>
  bucketPolicy(t, prefix)
    .filter((s) => s.Effect === 'Allow')
    .map((s) => [s.Principal, s.Condition]);

describe('logging of the vault organization', () => {
  it('deploys the log archive first (after the asset buckets), then the governance stack in the vault management account, us-east-1', () => {
    const logging = stacks.filter((s) => !s.stack.stackName.includes('-airgap-assets-'));
    expect(logging.slice(0, 2).map((s) => [s.role, s.instances])).toEqual([
      ['log-archive', [{ account: '200000000005', region: 'us-east-1', parameters: {} }]],
      ['vault-management', [{ account: '200000000001', region: 'us-east-1', parameters: {} }]],
    ]);
  });

  it('an organization trail: every region, global events, file validation, into the log archive under its key', () => {
    template(stacks, 'governance').hasResourceProperties('AWS::CloudTrail::Trail', {
      TrailName: 'quickstart-airgap-organization',
      IsOrganizationTrail: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      IsLogging: true,
      S3BucketName: LOG_BUCKET,
      KMSKeyId: 'arn:aws:kms:us-east-1:200000000005:alias/quickstart-airgap-logs',
    });
  });

  it('Config aggregates every account and region of the organization', () => {
    template(stacks, 'governance').hasResourceProperties('AWS::Config::ConfigurationAggregator', {
      OrganizationAggregationSource: { AllAwsRegions: true, RoleArn: Match.anyValue() },
    });
  });

  it('the log archive keeps logs under Object Lock COMPLIANCE for governance.logRetentionDays, SSE-KMS', () => {
    template(stacks, 'log-archive').hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketName: LOG_BUCKET,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } },
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({
              ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }),
            }),
          ],
        },
      }),
    });
  });

  it('only the organization trail writes to the log archive bucket, only Config of the vault organization to its delivery bucket', () => {
    const t = template(stacks, 'log-archive');
    expect(allows(t, 'Logs')).toEqual([
      [{ Service: 'cloudtrail.amazonaws.com' }, { StringEquals: { 'aws:SourceArn': TRAIL } }],
      [
        { Service: 'cloudtrail.amazonaws.com' },
        { StringEquals: { 'aws:SourceArn': TRAIL, 's3:x-amz-acl': 'bucket-owner-full-control' } },
      ],
    ]);
    expect(allows(t, 'ConfigDelivery')).toEqual([
      [{ Service: 'config.amazonaws.com' }, { StringEquals: { 'aws:SourceOrgID': 'o-vault00001' } }],
      [
        { Service: 'config.amazonaws.com' },
        { StringEquals: { 'aws:SourceOrgID': 'o-vault00001', 's3:x-amz-acl': 'bucket-owner-full-control' } },
      ],
    ]);
  });

  it('threat #20: Config files reach Object Lock through replication: every delivery channel targets the log archive bucket without Object Lock, which replicates each new object (no deletes) into the locked bucket', () => {
    const multi = build(quickstart(MULTI_REGION), 'config-delivery');
    const archive = template(multi, 'log-archive');
    const buckets = archive.findResources('AWS::S3::Bucket') as Record<string, { Properties: BucketProps }>;
    const named = (name: string) => Object.entries(buckets).find(([, b]) => b.Properties.BucketName === name);
    const channels = multi
      .filter((s) => VAULT_ORGANIZATION.includes(s.role))
      .flatMap((s) =>
        Object.values(Template.fromStack(s.stack).findResources('AWS::Config::DeliveryChannel')),
      )
      .map((c) => (c as { Properties: { S3BucketName: string } }).Properties.S3BucketName);
    // The vault, restore and log archive accounts' baselines, vault management's, and eu-west-1's two regional ones.
    expect(channels).toHaveLength(6);
    expect(new Set(channels)).toEqual(new Set([CONFIG_BUCKET]));
    const [lockedId, locked] = named(LOG_BUCKET)!;
    expect(locked.Properties.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } },
    });
    archive.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: CONFIG_BUCKET,
      ObjectLockEnabled: Match.absent(),
      ObjectLockConfiguration: Match.absent(),
      VersioningConfiguration: { Status: 'Enabled' },
      ReplicationConfiguration: {
        Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ConfigDeliveryReplicationRole'), 'Arn'] },
        Rules: [
          Match.objectLike({
            Status: 'Enabled',
            Filter: { Prefix: '' },
            DeleteMarkerReplication: { Status: 'Disabled' },
            SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
            Destination: {
              Bucket: { 'Fn::GetAtt': [lockedId, 'Arn'] },
              EncryptionConfiguration: { ReplicaKmsKeyID: Match.anyValue() },
            },
          }),
        ],
      },
    });
    expect(
      JSON.stringify(archive.findResources('AWS::IAM::Role'))
        .match(/s3:Replicate\w+/g)
        ?.sort(),
    ).toEqual(['s3:ReplicateObject', 's3:ReplicateTags']);
  });

  it("nobody but break-glass and CloudFormation changes the Config delivery bucket's replication, versioning, lifecycle or policy, or deletes a version before it is copied", () => {
    const policy = bucketPolicy(template(stacks, 'log-archive'), 'ConfigDelivery');
    // Besides PRIVATE_BUCKET's TLS-only denies (on s3:*).
    expect(policy.filter((s) => s.Effect === 'Deny' && s.Action !== 's3:*')).toEqual([
      {
        Sid: 'DenyReplicationTamperingExceptBreakGlass',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: [
          's3:PutReplicationConfiguration',
          's3:PutBucketVersioning',
          's3:PutBucketPolicy',
          's3:DeleteBucketPolicy',
          's3:PutLifecycleConfiguration',
          's3:DeleteObjectVersion',
        ],
        Resource: [`arn:aws:s3:::${CONFIG_BUCKET}`, `arn:aws:s3:::${CONFIG_BUCKET}/*`],
        Condition: {
          ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/AirGapBreakGlass' },
          'ForAllValues:StringNotEquals': { 'aws:CalledVia': ['cloudformation.amazonaws.com'] },
        },
      },
    ]);
  });

  it('threat #25: GuardDuty and a Config recorder delivering to the log archive in every vault-organization stack', () => {
    for (const name of ['vault', 'restore', 'log-archive', 'governance']) {
      const t = template(stacks, name);
      t.hasResourceProperties('AWS::GuardDuty::Detector', { Enable: true });
      t.hasResourceProperties('AWS::Config::ConfigurationRecorder', {
        RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: true },
      });
      t.hasResourceProperties('AWS::Config::DeliveryChannel', { S3BucketName: CONFIG_BUCKET });
    }
    template(stacks, 'vault-buckets-1').resourceCountIs('AWS::GuardDuty::Detector', 0);
  });

  it('threat #25: GuardDuty in each other region where the vault and restore accounts hold a key, one detector per account and region; none with governance.guardDuty off', () => {
    const multi = build(quickstart(MULTI_REGION), 'gd-regions');
    for (const name of ['vault-key-eu-west-1', 'restore-key-eu-west-1'])
      template(multi, name).resourcePropertiesCountIs(
        'AWS::GuardDuty::Detector',
        { Enable: true, FindingPublishingFrequency: 'FIFTEEN_MINUTES' },
        1,
      );
    // Every vault-organization account and region a template goes to has exactly one detector.
    const detectors = new Map<string, number>();
    for (const s of multi.filter((x) => x.role !== 'workload'))
      for (const at of s.instances) {
        const key = `${at.account}/${at.region}`;
        const n = Object.keys(Template.fromStack(s.stack).findResources('AWS::GuardDuty::Detector')).length;
        detectors.set(key, (detectors.get(key) ?? 0) + n);
      }
    expect([...detectors].filter(([, n]) => n > 1)).toEqual([]);
    expect(detectors.get('200000000002/eu-west-1')).toBe(1);
    expect(detectors.get('200000000004/eu-west-1')).toBe(1);
    const off = build(quickstart([...MULTI_REGION, [['governance', 'guardDuty'], false]]), 'gd-regions-off');
    for (const name of ['vault-key-eu-west-1', 'restore-key-eu-west-1'])
      template(off, name).resourceCountIs('AWS::GuardDuty::Detector', 0);
  });

  it('threat #25: a detector and a recorder in exactly the accounts and regions the audit looks in (detectionPlaces), global resource types recorded once per account, delivering to the log archive', () => {
    // The vault elsewhere than the management account's governance region, and copies in a third region.
    const config = quickstart([
      [['vault', 'region'], 'eu-central-1'],
      [
        ['organizations', 'source', 'regions'],
        ['us-east-1', 'eu-west-1'],
      ],
      [['protect', 'rds', 0, 'region'], 'eu-west-1'],
      [['paths', 'backup'], false],
      [['backup', 'airGappedVault'], false],
    ]);
    const places = detectionPlaces(config).map((p) => `${p.account}/${p.region}`);
    expect(places).toEqual(
      expect.arrayContaining(['200000000001/us-east-1', '200000000002/eu-west-1', '200000000004/eu-west-1']),
    );
    const where = (list: RoleStack[], type: string, props: object = {}) => {
      const out: string[] = [];
      for (const s of list.filter((x) => VAULT_ORGANIZATION.includes(x.role)))
        for (const at of s.instances)
          for (const _ of Object.keys(Template.fromStack(s.stack).findResources(type, { Properties: props })))
            out.push(`${at.account}/${at.region}`);
      return out.sort();
    };
    const multi = build(config, 'detection-places');
    expect(where(multi, 'AWS::GuardDuty::Detector')).toEqual([...places].sort());
    expect(where(multi, 'AWS::Config::ConfigurationRecorder')).toEqual([...places].sort());
    expect(
      where(multi, 'AWS::Config::DeliveryChannel', {
        S3BucketName: CONFIG_BUCKET.replace('us-east-1', 'eu-central-1'),
      }),
    ).toEqual([...places].sort());
    const global = where(multi, 'AWS::Config::ConfigurationRecorder', {
      RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: true },
    });
    expect(global.map((p) => p.split('/')[0])).toEqual(
      [...new Set(places.map((p) => p.split('/')[0]))].sort(),
    );
    // With Control Tower, its recorders are reused: GuardDuty alone is ours, at the same places.
    const ct = build(
      { ...config, governance: { ...config.governance, controlTower: true } },
      'detection-places-ct',
    );
    expect(where(ct, 'AWS::GuardDuty::Detector')).toEqual([...places].sort());
    expect(where(ct, 'AWS::Config::ConfigurationRecorder')).toEqual([]);
    // The vault in eu-west-1 with no copies elsewhere: the vault account's only us-east-1 stack is vault-global,
    // where IAM and global STS events arrive, and GuardDuty analyses them there.
    const euConfig = quickstart([
      ...vaultElsewhere('eu-west-1'),
      [['organizations', 'source', 'regions'], ['eu-west-1']],
    ]);
    const eu = build(euConfig, 'detection-places-eu');
    const euPlaces = detectionPlaces(euConfig).map((p) => `${p.account}/${p.region}`);
    expect(euPlaces).toContain('200000000002/us-east-1');
    expect(euPlaces).not.toContain('200000000004/us-east-1');
    expect(where(eu, 'AWS::GuardDuty::Detector')).toEqual([...euPlaces].sort());
    expect(where(eu, 'AWS::Config::ConfigurationRecorder')).toEqual([...euPlaces].sort());
    const euGlobal = where(eu, 'AWS::Config::ConfigurationRecorder', {
      RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: true },
    });
    expect(euGlobal.map((p) => p.split('/')[0])).toEqual(
      [...new Set(euPlaces.map((p) => p.split('/')[0]))].sort(),
    );
    expect(euGlobal).not.toContain('200000000002/us-east-1');
  });

  it('with Control Tower: its trail, recorders and aggregator are reused, only GuardDuty and the alerts are ours', () => {
    const ct = build(quickstart([[['governance', 'controlTower'], true]]), 'ct');
    expect(ct.map((s) => s.stack.stackName)).not.toContain('quickstart-airgap-log-archive');
    for (const s of ct.filter((x) => x.role !== 'workload')) {
      const t = Template.fromStack(s.stack);
      t.resourceCountIs('AWS::CloudTrail::Trail', 0);
      t.resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
      t.resourceCountIs('AWS::Config::ConfigurationAggregator', 0);
    }
    template(ct, 'vault').hasResourceProperties('AWS::GuardDuty::Detector', { Enable: true });
    template(ct, 'governance').resourceCountIs('AWS::Events::Rule', 1);
  });

  it("with Control Tower: its Log Archive account gets the audit's read role, trusted by the audit function's role only, and no bucket", () => {
    const ct = build(quickstart([[['governance', 'controlTower'], true]]), 'ct-audit');
    const archive = ct.find((s) => s.stack.stackName === 'quickstart-airgap-log-archive-audit')!;
    expect(archive.role).toBe('log-archive');
    expect(archive.instances).toEqual([{ account: '200000000005', region: 'us-east-1', parameters: {} }]);
    const t = Template.fromStack(archive.stack);
    t.resourceCountIs('AWS::S3::Bucket', 0);
    t.resourceCountIs('AWS::IAM::Role', 1);
    t.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'AirGapAuditor',
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { AWS: Match.anyValue() },
            Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::200000000002:role/AirGapAuditor' } },
          }),
        ],
      },
      Policies: [
        {
          PolicyName: 'read',
          PolicyDocument: {
            Statement: [
              Match.objectLike({
                Sid: 'ReadLoggingStatus',
                Action: Match.arrayWith(['cloudtrail:DescribeTrails', 'config:DescribeDeliveryChannels']),
              }),
              Match.objectLike({ Sid: 'ListLogArchiveBuckets', Action: 's3:ListAllMyBuckets' }),
            ],
          },
        },
      ],
    });
  });

  it('without GuardDuty when a delegated administrator enables it', () => {
    const off = build(quickstart([[['governance', 'guardDuty'], false]]), 'nogd');
    for (const s of off) Template.fromStack(s.stack).resourceCountIs('AWS::GuardDuty::Detector', 0);
  });

  it('every vault-organization role an AWS service assumes is exempt from the human-access SCP by name', () => {
    const exempt = VAULT_SERVICE_ROLES.map((k) => ROLE_NAMES[k]);
    // SCPs do not bind the management account, so its roles need no exemption.
    for (const s of stacks.filter((x) => ['vault', 'restore', 'log-archive', 'air-gap'].includes(x.role))) {
      const roles = Template.fromStack(s.stack).findResources('AWS::IAM::Role');
      for (const [id, r] of Object.entries(roles)) {
        const props = (r as { Properties: { RoleName?: string; AssumeRolePolicyDocument: object } })
          .Properties;
        if (!JSON.stringify(props.AssumeRolePolicyDocument).includes('"Service"')) continue;
        expect(exempt, `${s.stack.stackName}/${id}`).toContain(props.RoleName);
      }
    }
  });
});

describe('alerts on the calls an attacker makes', () => {
  const rule = (t: Template, name: string) => {
    const rules = t.findResources('AWS::Events::Rule', { Properties: { Name: name } });
    const found = Object.values(rules)[0] as { Properties: Record<string, unknown> } | undefined;
    if (!found) throw new Error(`no rule ${name}`);
    return found.Properties;
  };
  const topicTarget = [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('AlertsTopic') } })];

  it('threat #11: a vault key scheduled for deletion or disabled alerts, from the vault account’s own events', () => {
    const r = rule(template(stacks, 'vault'), 'quickstart-airgap-key-destruction');
    expect(r['EventPattern']).toEqual({
      source: ['aws.kms'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventName: ['ScheduleKeyDeletion', 'DisableKey'] },
    });
    expect(r['EventBusName']).toBeUndefined();
    template(stacks, 'vault').hasResourceProperties('AWS::Events::Rule', {
      Name: 'quickstart-airgap-key-destruction',
      Targets: topicTarget,
    });
  });

  it('every use of the break-glass role alerts', () => {
    expect(
      rule(template(stacks, 'vault'), 'quickstart-airgap-break-glass-use')['EventPattern'],
    ).toMatchObject({
      source: ['aws.sts'],
      detail: {
        eventName: ['AssumeRole'],
        requestParameters: { roleArn: [{ suffix: ':role/AirGapBreakGlass' }] },
      },
    });
  });

  it('break-glass use through the global STS endpoint (delivered in us-east-1 only) alerts when the vault is in another region', () => {
    const elsewhere = build(quickstart(vaultElsewhere('eu-west-1')), 'vault-eu');
    const global = elsewhere.find((s) => s.stack.stackName === 'quickstart-airgap-vault-global');
    expect(global?.instances).toEqual([{ account: '200000000002', region: 'us-east-1', parameters: {} }]);
    const t = Template.fromStack(global!.stack);
    expect(rule(t, 'quickstart-airgap-break-glass-use')['EventPattern']).toMatchObject({
      source: ['aws.sts'],
      detail: {
        eventName: ['AssumeRole'],
        requestParameters: { roleArn: [{ suffix: ':role/AirGapBreakGlass' }] },
      },
    });
    t.hasResourceProperties('AWS::Events::Rule', {
      Name: 'quickstart-airgap-break-glass-use',
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('Topic') } })],
    });
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email' });
    // The vault region's own rule stays for the regional STS endpoints; with the vault in us-east-1 it sees both.
    expect(rule(template(elsewhere, 'vault'), 'quickstart-airgap-break-glass-use')).toBeDefined();
    expect(stacks.map((s) => s.stack.stackName)).not.toContain('quickstart-airgap-vault-global');
  });

  it('threat #3/#4: replication or lifecycle changes of protected buckets are forwarded by each source account and alert in the vault', () => {
    const source = template(stacks, 'source-regional');
    const forward = rule(source, 'quickstart-airgap-protected-bucket-changes');
    expect(forward['EventPattern']).toEqual({
      source: ['aws.s3'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        eventName: ['PutBucketReplication', 'DeleteBucketReplication', 'PutBucketLifecycle'],
        requestParameters: { bucketName: { Ref: 'ProtectedBuckets' } },
      },
    });
    expect(forward['Targets']).toEqual([expect.objectContaining({ Arn: VAULT_BUS })]);
    source.hasResource('AWS::Events::Rule', {
      Properties: Match.objectLike({ Name: 'quickstart-airgap-protected-bucket-changes' }),
      Condition: 'HasProtectedBuckets',
    });
    template(stacks, 'vault').hasResourceProperties('AWS::Events::Rule', {
      Name: 'quickstart-airgap-protected-bucket-changes',
      EventBusName: Match.anyValue(),
      Targets: topicTarget,
    });
  });

  it('threat #25: guardrail detachments and edits are forwarded from the vault management account and alert', () => {
    template(stacks, 'governance').hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.organizations'],
        detail: { eventName: ['DetachPolicy', 'UpdatePolicy', 'DeletePolicy', 'DisablePolicyType'] },
      },
      Targets: [Match.objectLike({ Arn: VAULT_BUS })],
    });
    const alert = rule(template(stacks, 'vault'), 'quickstart-airgap-guardrail-changes');
    expect(alert['EventPattern']).toMatchObject({ account: ['200000000001'], source: ['aws.organizations'] });
    const busPolicies = template(stacks, 'vault').findResources('AWS::Events::EventBusPolicy', {
      Properties: { Statement: { Sid: 'cdk-VaultManagementForwardsGuardrailChanges' } },
    });
    expect(JSON.stringify(busPolicies)).toContain(':iam::200000000001:root');
  });

  it('CloudWatch and EventBridge may use the vault key, so they can publish to the encrypted alert topic', () => {
    template(stacks, 'vault').hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AlarmsAndRulesPublishToEncryptedTopic',
            Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
            Condition: { StringEquals: { 'aws:SourceAccount': '200000000002' } },
          }),
        ]),
      },
    });
  });
});
