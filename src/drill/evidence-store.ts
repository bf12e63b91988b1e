import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws/clients.js';
import type { Config } from '../config/index.js';
import { retainUntil } from '../protect/snapshots/retention.js';
import type { WrittenReport } from '../report/drill-report.js';
import { evidenceBucketName } from './preflight.js';

/**
 * Keeps a drill's report in the vault account's evidence bucket, each file locked in COMPLIANCE mode for the
 * vault's retention: an auditor's copy that nobody, production administrators included, can rewrite.
 */
export async function keepEvidence(
  clients: AwsClients,
  config: Config,
  report: WrittenReport,
): Promise<string[]> {
  const s3 = clients.for(S3Client, config.organizations.vault.vaultAccount, config.vault.region);
  const bucket = evidenceBucketName(config);
  const until = retainUntil(new Date(), config.vault.retention.days);
  const kept: string[] = [];
  for (const { file } of report.files) {
    const key = `${basename(report.dir)}/${file}`;
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: readFileSync(join(report.dir, file)),
        ChecksumAlgorithm: 'SHA256',
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: until,
      }),
    );
    kept.push(`s3://${bucket}/${key}`);
  }
  return kept;
}
