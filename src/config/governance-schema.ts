import { z } from 'zod';

/** Logging and detection in the vault organization, and where its logs are kept. */
export const Governance = z
  .strictObject({
    controlTower: z
      .boolean()
      .default(false)
      .describe(
        'The vault organization runs AWS Control Tower: its organization trail, Config recorders and aggregation (into its Log Archive account) are reused, and no trail, recorder or aggregator of ours is deployed. Said here, not detected at synth, so the templates depend on the file alone.',
      ),
    guardDuty: z
      .boolean()
      .default(true)
      .describe(
        'A GuardDuty detector in each vault-organization account and region a template deploys to. Off when a GuardDuty delegated administrator already enables every account (the audit checks it either way).',
      ),
    logRetentionDays: z
      .number({ error: 'must be a whole number of days' })
      .int({ error: 'must be a whole number of days' })
      .min(1, { error: 'must be at least 1 day' })
      .max(36_500, { error: 'must be at most 36500 days (the Object Lock maximum)' })
      .default(365)
      .describe(
        'How long the log archive keeps each trail and Config file under Object Lock COMPLIANCE, in days.',
      ),
  })
  .describe(
    'Governance of the vault organization: organization trail, Config aggregation, GuardDuty and alerts on the calls an attacker would make.',
  );
