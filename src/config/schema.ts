import { z } from 'zod';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Access } from './access-schema.js';
import { Governance } from './governance-schema.js';

/**
 * The airgap.yaml schema. Structure only: cross-field rules live in `semantics.ts`, so that
 * every problem of a file is reported at once. Descriptions feed `airgap schema` (editor completion)
 * and the config reference in the README.
 */

// The region list comes from aws-cdk-lib's region-info, which AWS keeps current, rather than a list of ours.
export const KNOWN_REGIONS: readonly string[] = RegionInfo.regions.map((r) => r.name).sort();

export const AccountId = z
  .string()
  .regex(/^\d{12}$/, { error: 'must be an AWS account id: exactly 12 digits, quoted in YAML' })
  .describe('An AWS account id: 12 digits, quoted ("123456789012") so YAML keeps leading zeros.');

export const Region = z
  .string()
  .refine((r) => KNOWN_REGIONS.includes(r), {
    error: (issue) => `unknown region ${JSON.stringify(issue.input)}`,
  })
  .describe('An AWS region name, e.g. us-east-1.');

const OrgId = z.string().regex(/^o-[a-z0-9]{10,32}$/, {
  error: 'must be an AWS Organizations id: "o-" then 10 to 32 lowercase letters or digits',
});

const WorkloadAccount = z.strictObject({
  id: AccountId,
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,30}$/, { error: 'must be 1-31 lowercase letters, digits or hyphens' })
    .describe('A short name, used in resource names and reports.'),
});

const SourceOrganization = z
  .strictObject({
    id: OrgId.describe('The source (production) organization id.'),
    managementAccount: AccountId.describe('Management account of the source organization.'),
    regions: z.array(Region).min(1).describe('Regions the protected workloads run in.'),
    workloadAccounts: z
      .array(WorkloadAccount)
      .min(1)
      .describe('Production accounts whose data is protected.'),
    backupAccount: AccountId.optional().describe(
      'Backup account inside the source organization (AWS Backup path, second layer). Optional.',
    ),
    airGapAccount: AccountId.optional().describe(
      'Holds the logically air-gapped AWS Backup vault (third layer). In the source organization: AWS Backup copies only between accounts of one organization. The restore account reaches it through AWS RAM and multi-party approval. Required when backup.airGappedVault is on.',
    ),
  })
  .describe('The production organization: everything in it is assumed compromisable.');

/**
 * AWS Backup copies recovery points only between accounts of one AWS Organization, so an air-gap account in the
 * vault organization could never receive the workload accounts' copies.
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html
 */
export const VAULT_ORG_AIR_GAP_ACCOUNT =
  'is not allowed in the vault organization: AWS Backup copies recovery points only between accounts of the same AWS Organization (docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html), so the workload accounts could not copy into it; allowed: organizations.source.airGapAccount, which the restore account reaches through the AWS RAM share and multi-party approval';

const VaultOrganization = z
  .strictObject(
    {
      id: OrgId.describe('The vault organization id: a separate AWS Organization.'),
      managementAccount: AccountId.describe(
        'Management account of the vault organization (guardrail policies only).',
      ),
      vaultAccount: AccountId.describe(
        'Holds the Object Lock vault buckets, vault snapshot copies and the catalog.',
      ),
      restoreAccount: AccountId.describe('Clean account that restores land in.'),
      logArchiveAccount: AccountId.optional().describe(
        'Receives the organization trail and Config files of the vault organization (Control Tower: its Log Archive account). Required unless governance.controlTower.',
      ),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys' && issue.keys.length === 1 && issue.keys[0] === 'airGapAccount'
          ? VAULT_ORG_AIR_GAP_ACCOUNT
          : undefined,
    },
  )
  .describe('The isolated organization that holds the vault.');

const Tags = z.record(z.string().min(1).max(128), z.string().max(256));

const Selector = z
  .strictObject({
    account: AccountId.describe('The workload account the resources live in.'),
    region: Region.optional().describe('Region of the resources; default: the first source region.'),
    names: z
      .array(z.string().min(1))
      .optional()
      .describe('Explicit names: bucket names, DB instance or cluster ids, volume ids, file system ids.'),
    arns: z.array(z.string().startsWith('arn:')).optional().describe('Explicit ARNs.'),
    tags: Tags.optional().describe('Select every resource carrying all of these tags.'),
  })
  .describe('Which resources of one account to protect: by name, ARN and/or tag.');

export { SERVICES, type Service } from './services.js';

const Protect = z
  .strictObject({
    s3: z.array(Selector).default([]).describe('S3 buckets.'),
    rds: z.array(Selector).default([]).describe('RDS DB instances.'),
    aurora: z.array(Selector).default([]).describe('Aurora DB clusters.'),
    ebs: z.array(Selector).default([]).describe('EBS volumes.'),
    efs: z
      .array(Selector)
      .default([])
      .describe(
        'EFS file systems. Vault path: each, named by id (fs-...) or ARN, replicates into its own replica in the vault account, backed up there into a locked vault.',
      ),
    fsx: z
      .array(Selector)
      .default([])
      .describe('FSx file systems: protected on the AWS Backup path only (needs paths.backup: true).'),
  })
  .describe('What to protect, per service.');

const Minutes = z.number().int().min(1).max(525_600);

const RpoMinutes = z
  .strictObject({
    s3: Minutes.default(15),
    rds: Minutes.default(240),
    aurora: Minutes.default(240),
    ebs: Minutes.default(240),
    efs: Minutes.default(60),
    fsx: Minutes.default(1440),
  })
  .describe('Recovery point objective per service, in minutes: the oldest the newest vault copy may be.');

const Retention = z
  .strictObject({
    days: z
      .number({ error: 'must be a whole number of days' })
      .int({ error: 'must be a whole number of days' })
      .min(1, { error: 'must be at least 1 day' })
      .max(36_500, { error: 'must be at most 36500 days (100 years, the Object Lock maximum)' })
      .describe('How long every vault copy is locked, in days (1 to 36500).'),
    mode: z
      .enum(['COMPLIANCE', 'GOVERNANCE'])
      .default('COMPLIANCE')
      .describe(
        'COMPLIANCE: nobody, root included, can shorten or remove the lock. GOVERNANCE is not an air gap.',
      ),
    allowGovernance: z
      .boolean()
      .default(false)
      .describe(
        'Must be true to accept GOVERNANCE mode, which anyone with the bypass permission can remove.',
      ),
  })
  .describe('Retention of vault copies.');

const Vault = z
  .strictObject({
    region: Region.describe(
      'Region of the vault; a region other than the source regions makes copies cross-region. With the AWS Backup air-gapped vault and RDS or Aurora protected, the first source region: AWS Backup copies those across an account or a Region, never both at once.',
    ),
    bucketPrefix: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{2,19}$/, { error: 'must be 3-20 lowercase letters, digits or hyphens' })
      .default('airgap-vault')
      .describe('Prefix of vault bucket names.'),
    retention: Retention,
    encryption: z
      .strictObject({
        keyRotation: z
          .boolean()
          .default(true)
          .describe('Yearly automatic rotation of the vault-owned KMS keys.'),
      })
      .prefault({})
      .describe('Vault-owned customer managed KMS keys.'),
  })
  .describe('The vault: where copies land and how long they are kept.');

const Paths = z
  .strictObject({
    vault: z
      .boolean()
      .default(true)
      .describe('Vault path: S3 replication and snapshot copies into the vault organization.'),
    backup: z
      .boolean()
      .default(false)
      .describe('AWS Backup path: local vault, backup account, logically air-gapped vault.'),
  })
  .describe('Which protection paths are on.');

const Replication = z
  .strictObject({
    replicationTimeControl: z
      .boolean()
      .default(true)
      .describe('S3 Replication Time Control (15-minute SLA) and metrics.'),
    deleteMarkerReplication: z
      .boolean()
      .default(false)
      .describe(
        'Replicate delete markers into the vault. Off: a delete in the source never shows in the vault.',
      ),
    blockSseCOnSource: z
      .boolean()
      .default(true)
      .describe(
        'Block SSE-C writes on protected source buckets (the 2025 SSE-C ransomware). Always blocked on vault buckets.',
      ),
  })
  .describe('S3 replication options.');

const Schedules = z
  .strictObject({
    snapshots: z
      .string()
      .default('rate(4 hours)')
      .describe('EventBridge schedule expression of the snapshot sweep that catches copies events missed.'),
    retentionSweep: z.string().default('rate(1 day)').describe('Schedule of the retention sweeper.'),
    audit: z.string().default('rate(1 day)').describe('Schedule of the drift audit.'),
  })
  .describe('Schedules, as EventBridge schedule expressions: rate(...) or cron(...).');

const Days = (what: string) =>
  z
    .number({ error: 'must be a whole number of days' })
    .int({ error: 'must be a whole number of days' })
    .min(1, { error: 'must be at least 1 day' })
    .max(36_500, { error: 'must be at most 36500 days (the AWS Backup maximum)' })
    .describe(what);

const BackupVaultLock = z
  .strictObject({
    minRetentionDays: Days(
      'Vault Lock minimum retention: a recovery point with a shorter lifecycle is refused (the copy job fails).',
    ).default(7),
    maxRetentionDays: Days(
      'Vault Lock maximum retention: bounds the cost of data nobody can delete.',
    ).default(3650),
    changeableForDays: z
      .number({ error: 'must be a whole number of days' })
      .int({ error: 'must be a whole number of days' })
      .min(3, {
        error:
          'must be at least 3: AWS Backup enforces a 72-hour cooling-off before a compliance lock becomes immutable',
      })
      .max(36_500)
      .default(3)
      .describe(
        'Grace time in days before the compliance lock becomes immutable (at least 3, the 72-hour cooling-off).',
      ),
  })
  .describe('Vault Lock (compliance mode) of the local and backup-account vaults.');

const Backup = z
  .strictObject({
    airGappedVault: z
      .boolean()
      .default(false)
      .describe('Copy recovery points into a logically air-gapped vault in the air-gap account.'),
    localRetentionDays: Days('Retention in the local vault of each workload account.').default(7),
    backupAccountRetentionDays: Days(
      'Retention of the copy in the backup account vault (when organizations.source.backupAccount is set).',
    ).default(35),
    airGapRetentionDays: Days(
      'Retention of the copy in the logically air-gapped vault (its minimum retention is at least 7 days).',
    ).default(90),
    airGapMinRetentionDays: z
      .number({ error: 'must be a whole number of days' })
      .int({ error: 'must be a whole number of days' })
      .min(7, { error: 'must be at least 7 days: the logically air-gapped vault minimum' })
      .max(36_500)
      .default(7)
      .describe('Minimum retention of the logically air-gapped vault (at least 7 days).'),
    airGapMaxRetentionDays: Days('Maximum retention of the logically air-gapped vault.').default(3650),
    vaultLock: BackupVaultLock.prefault({}),
    schedule: z.string().default('cron(0 5 ? * * *)').describe('Backup plan schedule expression.'),
    continuousS3: z
      .boolean()
      .default(false)
      .describe('S3 continuous backup (point-in-time restore within the local retention, at most 35 days).'),
    primaryToAirGap: z
      .boolean()
      .default(false)
      .describe(
        'Write the primary backup straight into the logically air-gapped vault (needs MPA onboarding) instead of copying it there.',
      ),
    mpaApprovalTeamArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:mpa:[a-z0-9-]*:\d{12}:approval-team\/.+$/, {
        error: 'must be a multi-party approval team ARN: arn:aws:mpa::<account>:approval-team/<id>',
      })
      .optional()
      .describe(
        'Multi-party approval team associated with the logically air-gapped vault: lets the restore account recover even when the air-gap account is inaccessible.',
      ),
    restoreTimeTargetMinutes: Minutes.default(240).describe(
      'Restore time objective: Backup Audit Manager and `airgap audit` flag restore jobs that take longer.',
    ),
    restoreTesting: z
      .boolean()
      .default(true)
      .describe('A restore testing plan in the restore account, with a validation function.'),
  })
  .describe('AWS Backup path options.');

const Alerts = z
  .strictObject({
    emails: z
      .array(z.email({ error: 'must be an e-mail address' }))
      .default([])
      .describe('Who receives alerts.'),
  })
  .describe('Alerting.');

export const ConfigSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,20}$/, { error: 'must be 1-21 lowercase letters, digits or hyphens' })
      .describe('Name of this deployment; prefixes stack names.'),
    organizations: z.strictObject({ source: SourceOrganization, vault: VaultOrganization }),
    vault: Vault,
    paths: Paths.prefault({}),
    protect: Protect,
    rpoMinutes: RpoMinutes.prefault({}),
    replication: Replication.prefault({}),
    schedules: Schedules.prefault({}),
    backup: Backup.prefault({}),
    alerts: Alerts.prefault({}),
    access: Access.prefault({}),
    governance: Governance.prefault({}),
  })
  .describe('Air Gap Recover configuration (airgap.yaml).');

/** A config after defaults: what every other module consumes. */
export type Config = z.output<typeof ConfigSchema>;
export type Selector = z.output<typeof Selector>;
