import type { AwsClients } from '../../aws/clients.js';
import { ROLE_NAMES, TAGS } from '../../config/names.js';
import type { SnapshotApi } from './model.js';
import { parseRetainUntil } from './retention.js';

export interface SweepReport {
  deleted: string[];
  kept: string[];
  /** Copies kept because their retain-until tag is missing or malformed: a person must look. */
  malformed: { id: string; value: string | undefined }[];
}

/**
 * Deletes vault copies whose retain-until has passed, and nothing else: a missing, malformed or future tag keeps
 * the copy. Runs only as the one role the SCPs exempt, so any other caller fails before touching anything.
 */
export async function sweepRetention(
  clients: AwsClients,
  api: SnapshotApi,
  account: string,
  region: string,
  now: Date,
): Promise<SweepReport> {
  if (clients.options.roleName !== ROLE_NAMES.retention)
    throw new Error(
      `the retention sweeper runs only as ${ROLE_NAMES.retention}, not ${clients.options.roleName}`,
    );
  const report: SweepReport = { deleted: [], kept: [], malformed: [] };
  for (const copy of await api.listCopies(account, region)) {
    const value = copy.tags[TAGS.retainUntil];
    const until = parseRetainUntil(value);
    if (!until) report.malformed.push({ id: copy.id, value });
    else if (until.getTime() < now.getTime()) {
      await api.deleteCopy(account, region, copy.id);
      report.deleted.push(copy.id);
    } else report.kept.push(copy.id);
  }
  return report;
}
