import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { RestoredItem, S3RestoreReport } from '../protect/s3/restore.js';
import { sha256, type ManifestEntry } from './workload.js';

export interface Verification {
  resource: string;
  expected: number;
  restored: number;
  matched: number;
  problems: string[];
}

/**
 * Reads back every object a restore must have produced and compares its SHA-256 with the manifest's: a key
 * missing, different (bit rot, tampering), restored though the manifest's state lacks it, or failed in the
 * restore is a problem named with its key, never a success with warnings.
 */
export async function verifyRestoredObjects(
  s3: S3Client,
  report: Pick<S3RestoreReport, 'source' | 'target'> & {
    items: Pick<RestoredItem, 'key'>[];
    failed: S3RestoreReport['failed'];
  },
  expected: Map<string, ManifestEntry>,
): Promise<Verification> {
  const problems: string[] = [];
  let matched = 0;
  for (const [key, entry] of expected) {
    const got = await s3
      .send(new GetObjectCommand({ Bucket: report.target, Key: key }))
      .catch(() => undefined);
    if (!got) {
      problems.push(`${key}: missing from the restore`);
      continue;
    }
    const digest = sha256(await got.Body!.transformToByteArray());
    if (digest === entry.sha256) matched++;
    else problems.push(`${key}: SHA-256 ${digest} differs from the manifest's ${entry.sha256}`);
  }
  for (const item of report.items)
    if (!expected.has(item.key)) problems.push(`${item.key}: restored but not in the manifest's state`);
  problems.push(...report.failed.map((f) => `${f.key}: restore failed: ${f.reason}`));
  return {
    resource: `s3://${report.source}`,
    expected: expected.size,
    restored: report.items.length,
    matched,
    problems,
  };
}
