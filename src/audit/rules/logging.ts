import { fail, pass, type Finding, type RuleFamily } from '../model.js';

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
  ]);
