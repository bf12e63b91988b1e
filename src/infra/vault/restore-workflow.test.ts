import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { quickstart } from '../../../test/support/config.js';
import { outDir } from '../../../test/support/outdir.js';
import { VAULT_SERVICE_ROLES, ROLE_NAMES } from '../../config/names.js';
import { buildApp, TEMPLATES_ONLY } from '../app.js';

const config = quickstart();
const { vaultAccount: VAULT, restoreAccount: RESTORE } = config.organizations.vault;
let vault: Template;
let restore: Template;

beforeAll(() => {
  const { stacks } = buildApp(config, outDir('restore-workflow-test'), TEMPLATES_ONLY);
  const of = (name: string) => Template.fromStack(stacks.find((s) => s.stack.stackName === name)!.stack);
  vault = of('quickstart-airgap-vault');
  restore = of('quickstart-airgap-restore');
});

interface Statement {
  Sid: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}
interface RoleProps {
  AssumeRolePolicyDocument: { Statement: { Principal: unknown; Condition?: unknown }[] };
  Policies: { PolicyDocument: { Statement: Statement[] } }[];
}

function role(t: Template, name: string): RoleProps {
  const found = Object.values(t.findResources('AWS::IAM::Role', { Properties: { RoleName: name } }));
  expect(found, name).toHaveLength(1);
  return (found[0] as { Properties: RoleProps }).Properties;
}

/** Sid -> actions of a role's inline policy (the construct's own, not the log and X-Ray statements CDK adds). */
const actionsBySid = (r: RoleProps) =>
  Object.fromEntries(r.Policies[0]!.PolicyDocument.Statement.map((s) => [s.Sid, [s.Action].flat().sort()]));

type State = {
  Type: string;
  Next?: string;
  SecondsPath?: string;
  Retry?: { ErrorEquals: string[] }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  ErrorPath?: string;
  CausePath?: string;
  Error?: string;
  Choices?: unknown[];
  Default?: string;
};

function definition(): { States: Record<string, State>; StartAt: string } {
  const machines = vault.findResources('AWS::StepFunctions::StateMachine', {
    Properties: { StateMachineName: 'quickstart-airgap-restore' },
  });
  const sm = Object.values(machines)[0] as {
    Properties: { DefinitionString: { 'Fn::Join': [string, unknown[]] } };
  };
  const text = sm.Properties.DefinitionString['Fn::Join'][1]
    .map((p) => (typeof p === 'string' ? p : 'ARN'))
    .join('');
  return JSON.parse(text) as ReturnType<typeof definition>;
}

describe('snapshot restore workflow (Step Functions, vault account)', () => {
  it('is a Standard state machine, traced, logging every execution, in the vault account', () => {
    vault.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'quickstart-airgap-restore',
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('RestoreWorkflowStateMachineRole'), 'Arn'] },
    });
  });

  it('runs the restore function, waits with the backoff it returns, and runs again pinned to the copy it chose', () => {
    const { States, StartAt } = definition();
    const task = 'Share, grant, copy and restore';
    expect(States[StartAt]).toMatchObject({ Type: 'Pass', Next: task });
    expect(States[task]?.Type).toBe('Task');
    expect(States['Outcome']?.Type).toBe('Choice');
    expect(States['Next run (pinned to the chosen copy)']).toMatchObject({
      Parameters: { 'request.$': '$.run.summary.next', 'attempt.$': 'States.MathAdd($.attempt, 1)' },
    });
    expect(States['Wait for copy or restore (backoff)']).toMatchObject({
      SecondsPath: '$.run.summary.waitSeconds',
      Next: task,
    });
    expect(States['Restored']?.Type).toBe('Succeed');
  });

  it('retries throttled and timed-out runs with backoff, never a failed one', () => {
    const retry = definition().States['Share, grant, copy and restore']!.Retry!;
    const errors = retry.flatMap((r) => r.ErrorEquals);
    expect(errors).toEqual(
      expect.arrayContaining([
        'Lambda.TooManyRequestsException',
        'States.Timeout',
        'Lambda.ServiceException',
      ]),
    );
    expect(errors).not.toContain('States.TaskFailed');
    expect(errors).not.toContain('States.ALL');
    expect(retry).toContainEqual(
      expect.objectContaining({ BackoffRate: 2, MaxDelaySeconds: 600, JitterStrategy: 'FULL' }),
    );
  });

  it('fails with the cause: bad input apart from other failures, and unfinished after the last run', () => {
    const { States } = definition();
    expect(States['Share, grant, copy and restore']!.Catch).toEqual([
      { ErrorEquals: ['InputError'], ResultPath: '$.error', Next: 'Bad restore request' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Restore failed' },
    ]);
    for (const name of ['Bad restore request', 'Restore failed'])
      expect(States[name]).toEqual({ Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' });
    expect(States['Restore unfinished']).toMatchObject({ Type: 'Fail', Error: 'SnapshotRestoreUnfinished' });
  });

  it('alarms on failed and timed-out executions through the vault alert topic', () => {
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut'])
      vault.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        Namespace: 'AWS/States',
        Threshold: 0,
        Dimensions: [
          { Name: 'StateMachineArn', Value: { Ref: Match.stringLikeRegexp('RestoreWorkflowStateMachine') } },
        ],
        AlarmActions: [{ Ref: Match.stringLikeRegexp('AlertsTopic') }],
        TreatMissingData: 'notBreaching',
      });
  });

  it('the state machine role, trusted by Step Functions only, invokes the restore function and nothing else', () => {
    const r = role(vault, 'AirGapRestoreFlowStates');
    expect(r.AssumeRolePolicyDocument.Statement.map((s) => s.Principal)).toEqual([
      { Service: 'states.amazonaws.com' },
    ]);
    const policies = vault.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('RestoreWorkflowStateMachineRole') }] },
    });
    const actions = Object.values(policies).flatMap((p) =>
      (
        p as { Properties: { PolicyDocument: { Statement: Statement[] } } }
      ).Properties.PolicyDocument.Statement.flatMap((s) => [s.Action].flat()),
    );
    expect(actions.filter((a) => !/^(logs|xray):/.test(a))).toEqual(['lambda:InvokeFunction']);
  });

  it("the function's role AirGapRestoreFlow, trusted by Lambda only, shares, grants and assumes its namesake: exactly these actions", () => {
    const r = role(vault, ROLE_NAMES.restoreWorkflow);
    expect(r.AssumeRolePolicyDocument.Statement.map((s) => s.Principal)).toEqual([
      { Service: 'lambda.amazonaws.com' },
    ]);
    expect(actionsBySid(r)).toEqual({
      ResolveCopiesInCatalog: ['dynamodb:Scan'],
      ReadCatalogThroughDynamoDb: ['kms:Decrypt'],
      ShareRdsVaultCopies: [
        'rds:DescribeDBClusterSnapshotAttributes',
        'rds:DescribeDBSnapshotAttributes',
        'rds:ModifyDBClusterSnapshotAttribute',
        'rds:ModifyDBSnapshotAttribute',
      ],
      ReadEbsSnapshotSharing: ['ec2:DescribeSnapshotAttribute'],
      ShareEbsVaultCopiesWithRestoreAccountOnly: ['ec2:ModifySnapshotAttribute'],
      FindVaultKeyAndGrants: ['kms:DescribeKey', 'kms:ListGrants'],
      GrantVaultKeyToRestoreFlowForCopiesOnly: ['kms:CreateGrant'],
      CopyAndRestoreInRestoreAccount: ['sts:AssumeRole'],
    });
    const sid = (name: string) => r.Policies[0]!.PolicyDocument.Statement.find((s) => s.Sid === name)!;
    expect(sid('ShareRdsVaultCopies').Resource).toEqual([
      `arn:aws:rds:us-east-1:${VAULT}:snapshot:airgap-*`,
      `arn:aws:rds:us-east-1:${VAULT}:cluster-snapshot:airgap-*`,
    ]);
    expect(sid('ShareEbsVaultCopiesWithRestoreAccountOnly').Condition).toEqual({
      'ForAllValues:StringEquals': { 'ec2:Add/userId': [RESTORE] },
      Null: { 'ec2:Add/group': 'true', 'aws:ResourceTag/airgap:source-arn': 'false' },
    });
    expect(sid('GrantVaultKeyToRestoreFlowForCopiesOnly').Condition).toEqual({
      StringEquals: { 'kms:GranteePrincipal': `arn:aws:iam::${RESTORE}:role/AirGapRestoreFlow` },
      'ForAllValues:StringEquals': {
        'kms:GrantOperations': ['Decrypt', 'DescribeKey', 'CreateGrant', 'ReEncryptFrom'],
      },
    });
    expect(sid('CopyAndRestoreInRestoreAccount').Resource).toBe(
      `arn:aws:iam::${RESTORE}:role/AirGapRestoreFlow`,
    );
  });

  it('the restore function reads its settings from SSM: the vault and restore accounts and the catalog', () => {
    vault.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/airgap/quickstart/snapshot-restore/settings/000',
      Value: JSON.stringify({
        deployment: 'quickstart',
        vaultAccount: VAULT,
        restoreAccount: RESTORE,
        region: 'us-east-1',
        catalogTable: 'quickstart-airgap-catalog',
      }),
    });
  });

  it('every role of the workflow is a vault-organization service role (exempt from the MFA rule by name)', () => {
    expect(VAULT_SERVICE_ROLES).toEqual(expect.arrayContaining(['restoreWorkflow', 'restoreWorkflowStates']));
  });
});

describe('restore workflow role in the restore account', () => {
  it("is trusted by the vault account's AirGapRestoreFlow only, and creates and tags: no delete, modify or share", () => {
    const r = role(restore, ROLE_NAMES.restoreWorkflow);
    expect(r.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${VAULT}:root`]] } },
        Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${VAULT}:role/AirGapRestoreFlow` } },
      }),
    ]);
    expect(actionsBySid(r)).toEqual({
      FindCopiesAndRestoredResources: [
        'ec2:DescribeSnapshots',
        'ec2:DescribeVolumes',
        'rds:DescribeDBClusterSnapshots',
        'rds:DescribeDBClusters',
        'rds:DescribeDBInstances',
        'rds:DescribeDBSnapshots',
      ],
      CopySharedRdsVaultCopies: ['rds:AddTagsToResource', 'rds:CopyDBClusterSnapshot', 'rds:CopyDBSnapshot'],
      RestoreDbInstancesAndClusters: [
        'rds:AddTagsToResource',
        'rds:CreateDBInstance',
        'rds:RestoreDBClusterFromSnapshot',
        'rds:RestoreDBInstanceFromDBSnapshot',
      ],
      CopySharedEbsVaultCopies: ['ec2:CopySnapshot'],
      RestoreEbsVolumes: ['ec2:CreateVolume'],
      TagWhatItCreatesOnly: ['ec2:CreateTags'],
      UseRestoreKey: [
        'kms:CreateGrant',
        'kms:Decrypt',
        'kms:DescribeKey',
        'kms:Encrypt',
        'kms:GenerateDataKey*',
        'kms:ReEncrypt*',
      ],
      DecryptVaultCopiesThroughServices: [
        'kms:CreateGrant',
        'kms:Decrypt',
        'kms:DescribeKey',
        'kms:ReEncryptFrom',
      ],
    });
    const sid = (name: string) => r.Policies[0]!.PolicyDocument.Statement.find((s) => s.Sid === name)!;
    expect(sid('TagWhatItCreatesOnly').Condition).toEqual({
      StringEquals: { 'ec2:CreateAction': ['CopySnapshot', 'CreateVolume'] },
      Null: { 'aws:RequestTag/airgap:restored-from': 'false' },
    });
  });
});
