import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib/core';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import type { Config } from '../../config/index.js';
import { dependOnRolePolicyOnly } from '../depends-on.js';
import { acknowledge, nag } from '../nag-suppressions.js';
import { METRIC_NAMESPACE } from '../../config/index.js';
import { settingsPartName, settingsPath, splitSettings } from '../../config/settings.js';
import { handlerAsset } from './bundle.js';

export interface AirgapFunctionProps {
  config: Config;
  /** The handler's file name in `src/handlers/`, without extension; also the Powertools service name. */
  handler: string;
  description: string;
  /**
   * The function's least-privilege role, made by the caller (who knows what the handler touches). This construct
   * adds only writing to its own log group and X-Ray traces (into a policy of this stack when the role is imported).
   */
  role: iam.IRole;
  /**
   * The function's settings (accounts, regions, table names, the config): stored in SSM Parameter Store under
   * `settingsPath`, read by the handler with Powertools Parameters (`src/handlers/support/settings.ts`). An object
   * is stored as JSON; a string is JSON text that may hold CloudFormation references (a StackSet parameter).
   */
  settings?: object | string;
  /** @default Duration.minutes(5) */
  timeout?: Duration;
  /** @default 512 */
  memorySize?: number;
  /**
   * Concurrent executions reserved, which is also the cap. Handlers whose runs must not overlap (the copier reads
   * the copies in flight before starting more) keep 1.
   * @default 1
   */
  reservedConcurrentExecutions?: number;
  /** Encrypts the log group; the construct lets CloudWatch Logs use it for this log group only. */
  logKey: kms.Key;
  /** @default logs.RetentionDays.ONE_YEAR */
  logRetention?: logs.RetentionDays;
}

/** Named, so the key policy can name the deployment's log groups without depending on them (a cycle otherwise). */
export function logGroupName(config: Config, handler: string): string {
  return `/airgap/${config.name}/${handler}`;
}

const keysLogsUse = new WeakSet<kms.Key>();

/** CloudWatch Logs may use the key for this deployment's log groups only; one statement per key. */
function letLogsUse(key: kms.Key, config: Config): void {
  if (keysLogsUse.has(key)) return;
  keysLogsUse.add(key);
  const { region, account } = Stack.of(key);
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchLogsEncryptsAirGapLogGroups',
      principals: [new iam.ServicePrincipal(`logs.${region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${region}:${account}:log-group:${logGroupName(config, '*')}`,
        },
      },
    }),
  );
}

/**
 * Every Lambda function of the project: `src/handlers/<handler>.ts` bundled once per process by local esbuild,
 * Node.js 22 on arm64, X-Ray tracing active (Powertools Tracer), an encrypted log group with a retention,
 * Powertools' service name and metric namespace in the environment.
 */
export class AirgapFunction extends NodejsFunction {
  readonly logs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AirgapFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      logGroupName: logGroupName(props.config, props.handler),
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.logKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    super(scope, id, {
      description: props.description,
      code: lambda.Code.fromAsset(handlerAsset(props.handler, Stack.of(scope).bundlingRequired)),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.minutes(5),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions ?? 1,
      role: props.role,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        POWERTOOLS_SERVICE_NAME: `airgap-${props.handler}`,
        POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
        AIRGAP_DEPLOYMENT: props.config.name,
        ...(props.settings === undefined
          ? {}
          : { AIRGAP_SETTINGS: settingsPath(props.config.name, props.handler) }),
      },
    });
    this.logs = logGroup;
    if (props.settings !== undefined) this.storeSettings(props, props.settings);
    props.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // Per handler: one role may run more than one function (the copier's runs the RPO monitor too).
        sid: `WriteLogsOf${props.handler.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}`,
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    letLogsUse(props.logKey, props.config);
    dependOnRolePolicyOnly(this.node.defaultChild as lambda.CfnFunction, props.role);
    acknowledge(
      props.role,
      'X-Ray PutTraceSegments and PutTelemetryRecords have no resource-level permissions.',
      nag.wildcard('Resource::*'),
    );
    acknowledge(
      this,
      'The functions call AWS APIs only and reach no private network resource; a VPC would add NAT or endpoints and no isolation.',
      nag.lambdaVpc,
    );
    acknowledge(
      this,
      'Runtime pinned to Node.js 22 (the project supports and tests Node 22); moving runtimes is a deliberate change.',
      nag.lambdaRuntime,
    );
  }

  /**
   * One standard parameter per 4 KB of settings, and the role may read exactly that path. JSON holding a
   * CloudFormation reference has no length before deployment, so it goes into one parameter that Parameter Store
   * makes advanced (8 KB) only when it has to.
   */
  private storeSettings(props: AirgapFunctionProps, settings: object | string): void {
    const path = settingsPath(props.config.name, props.handler);
    const text = typeof settings === 'string' ? settings : JSON.stringify(settings);
    const resolved = !Token.isUnresolved(text);
    const parts = resolved ? splitSettings(text) : [text];
    parts.forEach(
      (value, i) =>
        new ssm.StringParameter(this, `Settings${i}`, {
          parameterName: settingsPartName(path, i),
          stringValue: value,
          description: i === 0 ? `Air Gap Recover: settings of the ${props.handler} function` : undefined,
          tier: resolved ? ssm.ParameterTier.STANDARD : ssm.ParameterTier.INTELLIGENT_TIERING,
        }),
    );
    const { region, account } = Stack.of(this);
    props.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadOwnSettings',
        actions: ['ssm:GetParametersByPath'],
        resources: [`arn:aws:ssm:${region}:${account}:parameter${path}`],
      }),
    );
  }
}
