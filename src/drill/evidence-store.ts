import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws/clients.js';
import { RESOURCE_NAMES, type Config } from '../config/index.js';
import { CheckFailed } from '../errors.js';
import type { WrittenReport } from '../report/drill-report.js';

/** Each report file in the evidence bucket: `added` by this call, or `already kept` with the same SHA-256. */
export interface KeptEvidence {
  uri: string;
  outcome: 'added' | 'already kept';
}

const isMissing = (e: unknown) => ['NotFound', 'NoSuchKey'].includes((e as Error).name);

/**
 * Keeps a drill's report in the vault account's evidence bucket, where the bucket's default retention locks each
 * file in COMPLIANCE mode: an auditor's copy that nobody, production administrators included, can rewrite. The
 * write sends no lock headers (they would need s3:PutObjectRetention, which nobody holds there). Idempotent: a file
 * already kept with the same SHA-256 is not written again (a second version would be a second copy of the same
 * evidence); one kept with other content is never overwritten, and stops the upload.
 */
export async function keepEvidence(
  clients: AwsClients,
  config: Config,
  report: WrittenReport,
): Promise<KeptEvidence[]> {
  const s3 = clients.for(S3Client, config.organizations.vault.vaultAccount, config.vault.region);
  const bucket = RESOURCE_NAMES.evidenceBucket(config);
  const kept: KeptEvidence[] = [];
  for (const { file } of report.files) {
    const key = `${basename(report.dir)}/${file}`;
    const uri = `s3://${bucket}/${key}`;
    const body = readFileSync(join(report.dir, file));
    const sha256 = createHash('sha256').update(body).digest('base64');
    const there = await s3
      .send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }))
      .catch((e: unknown) => {
        if (isMissing(e)) return undefined;
        throw e;
      });
    if (there) {
      if (there.ChecksumSHA256 !== sha256)
        throw new CheckFailed(
          `${uri} is already kept with SHA-256 ${there.ChecksumSHA256 ?? 'unknown'}, not this report's ${sha256}: evidence is never overwritten`,
        );
      kept.push({ uri, outcome: 'already kept' });
      continue;
    }
    // S3 checks the body against ChecksumSHA256 and refuses a file damaged on the way.
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: sha256,
      }),
    );
    kept.push({ uri, outcome: 'added' });
  }
  return kept;
}
