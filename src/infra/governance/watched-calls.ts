import { GOVERNANCE_REGION, RESOURCE_NAMES, type Config } from '../../config/index.js';

export function organizationTrailArn(config: Config): string {
  return `arn:aws:cloudtrail:${GOVERNANCE_REGION}:${config.organizations.vault.managementAccount}:trail/${RESOURCE_NAMES.organizationTrail(config)}`;
}

/**
 * The calls an attacker makes to blind or outlast the vault, as CloudTrail names them (S3's
 * PutBucketLifecycleConfiguration is logged as PutBucketLifecycle). Attempts the SCPs refuse are alerted too:
 * EventBridge delivers failed calls with their errorCode, and a refused attempt is news.
 */
export const WATCHED_CALLS = {
  /** In source accounts, on protected buckets: forwarded to the vault bus by the source template. */
  protectedBucketChanges: {
    source: 'aws.s3',
    eventNames: ['PutBucketReplication', 'DeleteBucketReplication', 'PutBucketLifecycle'],
  },
  /** In the vault account, on any key: every key there is a vault key. */
  keyDestruction: { source: 'aws.kms', eventNames: ['ScheduleKeyDeletion', 'DisableKey'] },
  /** In the vault management account: forwarded to the vault bus by the governance stack. */
  guardrailChanges: {
    source: 'aws.organizations',
    eventNames: ['DetachPolicy', 'UpdatePolicy', 'DeletePolicy', 'DisablePolicyType'],
  },
  /** In the vault account: every use of the break-glass path. */
  breakGlassUse: { source: 'aws.sts', eventNames: ['AssumeRole'] },
} as const;

export const API_CALL = 'AWS API Call via CloudTrail';

/** The EventBridge pattern of one watched family, optionally narrowed on the request's parameters. */
export function callPattern(
  family: keyof typeof WATCHED_CALLS,
  requestParameters?: Record<string, unknown>,
): { source: string[]; detailType: string[]; detail: Record<string, unknown> } {
  const { source, eventNames } = WATCHED_CALLS[family];
  return {
    source: [source],
    detailType: [API_CALL],
    detail: { eventName: [...eventNames], ...(requestParameters ? { requestParameters } : {}) },
  };
}
