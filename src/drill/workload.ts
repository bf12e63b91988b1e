import { createHash, randomBytes } from 'node:crypto';
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** One write of the seeded workload, as the manifest records it. */
export interface ManifestEntry {
  bucket: string;
  key: string;
  versionId: string | null;
  sha256: string | null;
  bytes: number;
  writtenAt: string;
  deleted: boolean;
}

export const sha256 = (body: Uint8Array | string) => createHash('sha256').update(body).digest('base64');

/**
 * A workload with history: every key written, a third overwritten, a sixth deleted, so a restore to a point
 * in time has to pick older versions and leave deleted keys out. Returns the manifest of every write.
 */
export async function seedWorkload(
  s3: S3Client,
  bucket: string,
  keys: number,
  phase: 'initial' | 'changes',
  scope: { prefix: string; tagging: string },
): Promise<ManifestEntry[]> {
  const out: ManifestEntry[] = [];
  for (let i = 0; i < keys; i++) {
    const key = `${scope.prefix}invoices/${String(i).padStart(4, '0')}.json`;
    if (phase === 'initial' || i % 3 === 0) {
      const body = JSON.stringify({
        invoice: i,
        phase,
        amount: (i * 37) % 1000,
        pad: randomBytes(64).toString('hex'),
      });
      const put = await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ChecksumAlgorithm: 'SHA256',
          Tagging: scope.tagging,
        }),
      );
      out.push({
        bucket,
        key,
        versionId: put.VersionId ?? null,
        sha256: sha256(body),
        bytes: body.length,
        writtenAt: new Date().toISOString(),
        deleted: false,
      });
    } else if (i % 6 === 1) {
      const del = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      out.push({
        bucket,
        key,
        versionId: del.VersionId ?? null,
        sha256: null,
        bytes: 0,
        writtenAt: new Date().toISOString(),
        deleted: true,
      });
    }
  }
  return out;
}

/**
 * The state a restore at `at` must produce: each key's newest version written by then. A delete removes the
 * key only when delete markers reach the vault; otherwise the vault, by design, still holds the key.
 */
export function expectedStateAt(
  manifest: ManifestEntry[],
  at: Date,
  deletesReachVault: boolean,
): Map<string, ManifestEntry> {
  const state = new Map<string, ManifestEntry>();
  for (const entry of [...manifest].sort((a, b) => a.writtenAt.localeCompare(b.writtenAt))) {
    if (new Date(entry.writtenAt) > at) continue;
    if (entry.deleted) {
      if (deletesReachVault) state.delete(entry.key);
    } else state.set(entry.key, entry);
  }
  return state;
}
