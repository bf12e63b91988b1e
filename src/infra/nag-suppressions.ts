import { Validations } from 'aws-cdk-lib/core';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag findings with the reason a reviewer needs. Every acknowledgement names its
 * evidence (the exact wildcard), so a new wildcard elsewhere still fails synth.
 */
export function acknowledge(scope: IConstruct, reason: string, ...ids: string[]): void {
  for (const id of ids) Validations.of(scope).acknowledge({ id, reason });
}

export const nag = {
  wildcard: (evidence: string) => `AwsSolutions::AwsSolutions-IAM5[${evidence}]`,
  managedPolicy: (name: string) =>
    `AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`,
  inlinePolicy: 'NIST.800.53.R5::NIST.800.53.R5-IAMNoInlinePolicy',
  replication: 'NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled',
  kmsDefault: 'NIST.800.53.R5::NIST.800.53.R5-S3DefaultEncryptionKMS',
  accessLogs: 'AwsSolutions::AwsSolutions-S1',
  bucketLogging: 'NIST.800.53.R5::NIST.800.53.R5-S3BucketLoggingEnabled',
  lambdaVpc: 'NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC',
  lambdaRuntime: 'AwsSolutions::AwsSolutions-L1',
  lambdaDlq: 'NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ',
} as const;

/** Stack-wide acknowledgements: choices that hold for every stack of the project. */
export function acknowledgeProjectChoices(scope: IConstruct): void {
  acknowledge(
    scope,
    'Inline policies keep each role and its permissions in one reviewable unit that the isolation proof reads.',
    nag.inlinePolicy,
  );
  acknowledge(
    scope,
    'Vault buckets are replication destinations; replicating the vault onwards would widen its trust boundary.',
    nag.replication,
  );
}
