/** The S3 key prefix of one drill's objects on AWS: it carries the drill id, so it never names production keys. */
export const drillPrefix = (id: string) => `airgap-drill/${id}/`;

/**
 * The names of what the drill creates on AWS (databases, volumes' Name tags, restores, restore buckets), and only
 * of that: no real restore may take one (`restore s3|rds|aurora|ebs --to airgap-drill-…` is refused), so the
 * operator's clean-up grants in the restore account, bounded by this prefix, never reach restored data.
 */
export const DRILL_NAME_PREFIX = 'airgap-drill-';

/** One drill's resource name, e.g. `airgap-drill-<id>-rds-0`; every one carries the drill id. */
export const drillName = (id: string, what: string) => `${DRILL_NAME_PREFIX}${id}-${what}`;

/** Whether `name` is one of drill `drill`'s own names (never, outside a drill). */
export const isDrillsOwn = (name: string, drill: string | undefined) =>
  drill !== undefined && name.startsWith(drillName(drill, ''));
