import { fail, pass, type Finding, type LoggingState, type RuleFamily } from '../model.js';

/** Every vault-organization account logs and watches itself: CloudTrail, Config, GuardDuty (threat #25). */
export const loggingRules: RuleFamily = (state) =>
  state.logging.flatMap((l): Finding[] => [
    l.trailsLogging.length > 0
      ? pass('CLOUDTRAIL_LOGGING', l.account, `logging: ${l.trailsLogging.join(', ')}`)
      : fail('CLOUDTRAIL_LOGGING', l.account, 'no trail is logging'),
    l.configRecording
      ? pass('CONFIG_RECORDING', l.account, 'a configuration recorder is recording')
      : fail('CONFIG_RECORDING', l.account, 'no configuration recorder is recording'),
    l.guardDutyEnabled
      ? pass('GUARDDUTY_ENABLED', l.account, 'a detector is enabled')
      : fail('GUARDDUTY_ENABLED', l.account, 'no GuardDuty detector is enabled'),
    ...(state.logArchive ? [logDelivery(l, state.logArchive)] : []),
  ]);

/**
 * The trail and Config files of every vault-organization account land in the log archive account (Control Tower's
 * or ours), where the vault SCP keeps them: a bucket elsewhere is one its owner can empty.
 */
function logDelivery(l: LoggingState, archive: { account: string; buckets: string[] }): Finding {
  if (l.deliveryBuckets.length === 0)
    return fail(
      'LOG_DELIVERY_TO_LOG_ARCHIVE',
      l.account,
      'no logging trail or Config delivery channel delivers anywhere',
    );
  const elsewhere = l.deliveryBuckets.filter((b) => !archive.buckets.includes(b));
  return elsewhere.length === 0
    ? pass(
        'LOG_DELIVERY_TO_LOG_ARCHIVE',
        l.account,
        `delivers to ${l.deliveryBuckets.join(', ')} in log archive ${archive.account}`,
      )
    : fail(
        'LOG_DELIVERY_TO_LOG_ARCHIVE',
        l.account,
        `delivers to ${elsewhere.join(', ')}, not a bucket of log archive ${archive.account}`,
      );
}
