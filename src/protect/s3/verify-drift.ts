import type { Finding } from '../../audit/model.js';
import { readBucket } from '../../audit/read-bucket.js';
import { bucketRules } from '../../audit/rules/s3.js';
import type { AwsClients } from '../../aws/clients.js';
import type { Config, ProtectedBucket } from '../../config/index.js';

/** A bucket control of the audit that fails, as verify reports it. */
export interface DriftFinding {
  control: string;
  resource: string;
  /** `fail` fails verify; `warn` is reported and leaves the exit code to the rest. */
  severity: 'fail' | 'warn';
  /** What the configuration is against what it should be. */
  detail: string;
}

export interface VerifyDrift {
  /** No finding of severity `fail`. */
  ok: boolean;
  findings: DriftFinding[];
  /** The bucket controls that pass. */
  passed: string[];
}

/**
 * Failed controls that leave the vault's data as it is, so verify warns of them: a source lifecycle expiry removes
 * source versions, not their locked copies (threat #3); replicated delete markers hide no locked version
 * (threat #5); SSE-C unblocked lets ransomed versions arrive as new ones beside the locked clean ones (threat #2).
 * Every other failed control fails verify: the vault stops receiving data (the replication rule, threat #4) or
 * stops locking what it receives (the vault's Object Lock default), and a control added later fails until it is
 * judged here.
 */
const WARNS: ReadonlySet<string> = new Set([
  'SOURCE_LIFECYCLE_EXPIRY',
  'SOURCE_DELETE_MARKER_REPLICATION',
  'SOURCE_SSE_C_BLOCKED',
  'VAULT_SSE_C_BLOCKED',
]);

/** Pure: the bucket controls' verdicts as verify's drift, failures before warnings. */
export function judgeDrift(findings: Finding[]): VerifyDrift {
  const drift = findings
    .filter((f) => f.status === 'fail')
    .map((f): DriftFinding => ({
      control: f.control,
      resource: f.resource,
      severity: WARNS.has(f.control) ? 'warn' : 'fail',
      detail: f.reason,
    }))
    .sort((a, b) => Number(a.severity === 'warn') - Number(b.severity === 'warn'));
  return {
    ok: drift.every((f) => f.severity === 'warn'),
    findings: drift,
    passed: findings.filter((f) => f.status === 'pass').map((f) => f.control),
  };
}

/**
 * Drift of one protected bucket, read and judged as `airgap audit` does for that bucket alone: the source bucket's
 * replication rule, lifecycle and encryption (as its account), the vault bucket's Object Lock and encryption (as
 * the vault account). A few configuration reads, whatever the bucket's size.
 */
export async function readDrift(
  clients: AwsClients,
  config: Config,
  bucket: ProtectedBucket,
): Promise<VerifyDrift> {
  return judgeDrift(bucketRules(await readBucket(clients, config, bucket), config));
}
