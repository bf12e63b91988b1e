import type { Config } from '../../config/index.js';
import { REPLICATION_RULE_ID } from '../../protect/s3/replication.js';
import { fail, pass, type BucketState, type Finding, type RuleFamily } from '../model.js';

/**
 * S3 path: the vault buckets stay locked and SSE-C-proof; the source buckets keep replicating into them
 * and keep no rule that silently expires what has not reached the vault yet (threats #3, #4, #5).
 */
export const s3Rules: RuleFamily = (state, config) => state.buckets.flatMap((b) => bucketRules(b, config));

/** The controls of one protected bucket and its vault bucket: the audit's, and `airgap s3 verify`'s drift check. */
export function bucketRules(b: BucketState, config: Config): Finding[] {
  const vault = b.bucket.vaultBucket;
  const source = b.bucket.bucket;
  const out: Finding[] = [];
  const lock = b.vaultObjectLock;
  const retention = lock?.Rule?.DefaultRetention;
  const want = config.vault.retention;
  if (!b.vaultExists) out.push(fail('VAULT_OBJECT_LOCK', vault, 'vault bucket does not exist'));
  else if (lock?.ObjectLockEnabled !== 'Enabled')
    out.push(fail('VAULT_OBJECT_LOCK', vault, 'Object Lock is not enabled'));
  else if (retention?.Mode !== want.mode || (retention.Days ?? 0) < want.days)
    out.push(
      fail(
        'VAULT_OBJECT_LOCK',
        vault,
        `default retention is ${retention?.Mode ?? 'none'} ${retention?.Days ?? 0} days; config wants ${want.mode} ${want.days} days`,
      ),
    );
  else out.push(pass('VAULT_OBJECT_LOCK', vault, `${retention.Mode} ${retention.Days} days by default`));

  out.push(
    sseCBlocked(b.vaultEncryption)
      ? pass('VAULT_SSE_C_BLOCKED', vault, 'SSE-C writes are blocked')
      : fail('VAULT_SSE_C_BLOCKED', vault, 'SSE-C writes are not blocked'),
  );
  if (config.replication.blockSseCOnSource)
    out.push(
      sseCBlocked(b.sourceEncryption)
        ? pass('SOURCE_SSE_C_BLOCKED', source, 'SSE-C writes are blocked')
        : fail('SOURCE_SSE_C_BLOCKED', source, 'SSE-C writes are not blocked'),
    );

  // Each failure says what the rule is against what it should be: the diff an operator acts on (threat #4).
  const rules = b.sourceReplication?.Rules ?? [];
  const rule = rules.find((r) => r.ID === REPLICATION_RULE_ID);
  const destination = `arn:aws:s3:::${vault}`;
  const wanted = `it should replicate everything to ${destination}`;
  if (!rule) {
    const present = rules.length
      ? `the bucket's rules: ${rules.map((r) => r.ID ?? '(unnamed)').join(', ')}`
      : 'the bucket has no replication rule';
    out.push(
      fail(
        'SOURCE_REPLICATION',
        source,
        `replication rule ${REPLICATION_RULE_ID} is missing (${present}); ${wanted}`,
      ),
    );
  } else if (rule.Status !== 'Enabled')
    out.push(
      fail(
        'SOURCE_REPLICATION',
        source,
        `replication rule ${REPLICATION_RULE_ID} is ${rule.Status ?? 'without a status'}, not Enabled; ${wanted}`,
      ),
    );
  else if (rule.Destination?.Bucket !== destination)
    out.push(
      fail(
        'SOURCE_REPLICATION',
        source,
        `replicates to ${rule.Destination?.Bucket ?? 'nowhere'}, not ${destination}`,
      ),
    );
  // A V1 rule narrows by its own Prefix; a V2 rule by its Filter.
  else if (rule.Prefix || rule.Filter?.Prefix || rule.Filter?.And || rule.Filter?.Tag)
    out.push(
      fail(
        'SOURCE_REPLICATION',
        source,
        `replication rule ${REPLICATION_RULE_ID} is narrowed by the filter ${JSON.stringify(rule.Filter ?? { Prefix: rule.Prefix })}; ${wanted}`,
      ),
    );
  else out.push(pass('SOURCE_REPLICATION', source, `replicates everything to ${vault}`));

  const markers = rule?.DeleteMarkerReplication?.Status === 'Enabled';
  out.push(
    markers && !config.replication.deleteMarkerReplication
      ? fail(
          'SOURCE_DELETE_MARKER_REPLICATION',
          source,
          'delete markers replicate although the config says not to',
        )
      : pass(
          'SOURCE_DELETE_MARKER_REPLICATION',
          source,
          markers ? 'delete markers replicate, as configured' : 'delete markers do not replicate',
        ),
  );

  const expiring = b.sourceLifecycle.filter(
    (r) => r.Status === 'Enabled' && (r.Expiration?.Days !== undefined || r.Expiration?.Date !== undefined),
  );
  out.push(
    expiring.length > 0
      ? fail(
          'SOURCE_LIFECYCLE_EXPIRY',
          source,
          `lifecycle rule ${expiring.map((r) => r.ID ?? '(unnamed)').join(', ')} expires current versions`,
        )
      : pass('SOURCE_LIFECYCLE_EXPIRY', source, 'no lifecycle rule expires current versions'),
  );
  return out;
}

function sseCBlocked(rules: { BlockedEncryptionTypes?: { EncryptionType?: string[] } }[]): boolean {
  return rules.length > 0 && rules.every((r) => r.BlockedEncryptionTypes?.EncryptionType?.includes('SSE-C'));
}
