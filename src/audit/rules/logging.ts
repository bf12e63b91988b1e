import { fail, pass, type Finding, type LoggingState, type RuleFamily } from '../model.js';

/**
 * Every vault-organization account logs and watches itself in every region where it holds vault data
 * (`detectionPlaces`): CloudTrail, Config, GuardDuty (threats #20, #25). Detectors and recorders are regional, so a
 * region turned dark goes unnoticed by the others; a multi-region trail logs every region.
 */
export const loggingRules: RuleFamily = (state) =>
  state.logging.flatMap((l): Finding[] => {
    const at = `${l.account} (${l.region})`;
    return [
      l.trailsLogging.length > 0
        ? pass('CLOUDTRAIL_LOGGING', at, `logging: ${l.trailsLogging.join(', ')}`)
        : fail('CLOUDTRAIL_LOGGING', at, 'no trail is logging this region'),
      l.configRecording
        ? pass('CONFIG_RECORDING', at, 'a configuration recorder is recording')
        : fail('CONFIG_RECORDING', at, 'no configuration recorder is recording'),
      l.guardDutyEnabled
        ? pass('GUARDDUTY_ENABLED', at, 'a detector is enabled')
        : fail('GUARDDUTY_ENABLED', at, 'no GuardDuty detector is enabled'),
      ...(state.logArchive ? [logDelivery(l, at, state.logArchive)] : []),
    ];
  });

/**
 * The trail and Config files of every vault-organization account land in the log archive account (Control Tower's
 * or ours), where the vault SCP keeps them: a bucket elsewhere is one its owner can empty.
 */
function logDelivery(l: LoggingState, at: string, archive: { account: string; buckets: string[] }): Finding {
  if (l.deliveryBuckets.length === 0)
    return fail(
      'LOG_DELIVERY_TO_LOG_ARCHIVE',
      at,
      'no logging trail or Config delivery channel delivers anywhere',
    );
  const elsewhere = l.deliveryBuckets.filter((b) => !archive.buckets.includes(b));
  return elsewhere.length === 0
    ? pass(
        'LOG_DELIVERY_TO_LOG_ARCHIVE',
        at,
        `delivers to ${l.deliveryBuckets.join(', ')} in log archive ${archive.account}`,
      )
    : fail(
        'LOG_DELIVERY_TO_LOG_ARCHIVE',
        at,
        `delivers to ${elsewhere.join(', ')}, not a bucket of log archive ${archive.account}`,
      );
}
