import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketReplicationCommand,
  S3Client,
  type ObjectVersion,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../src/cli/main.js';
import { protectedBuckets } from '../src/config/index.js';
import { bucketExists } from '../src/protect/s3/bucket-exists.js';
import { replicationConfiguration } from '../src/protect/s3/replication.js';
import { emulateReplication } from '../src/sandbox/replication-emulator.js';
import { provisionSandbox } from '../src/sandbox/provision.js';
import { ownAccounts, quickstart, quickstartYaml } from './support/config.js';
import { useMoto } from './support/moto.js';
import { nextSecond, put, remove, sha256 } from './support/s3.js';

const accounts = ownAccounts('83', '84');
const edits = [
  ...accounts.edits,
  [['protect'], { s3: [{ account: accounts.workload, names: ['marked-src', 'wiped-src'] }] }],
] satisfies Parameters<typeof quickstart>[0];
const config = quickstart(edits);
const marked = protectedBuckets(config)[0]!;
const wiped = protectedBuckets(config)[1]!;

/** The same config as a file, for the CLI. */
function configFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'airgap-attacks-')), 'airgap.yaml');
  writeFileSync(file, quickstartYaml(edits));
  return file;
}

interface RestoreOutput {
  restored: number;
  failed: unknown[];
  items: { key: string; versionId: string }[];
}

describe('S3 source attacks against a replicated vault (moto, replication emulated)', () => {
  const moto = useMoto();
  const file = configFile();
  let source: S3Client;
  let vault: S3Client;
  let restore: S3Client;

  /** `airgap restore s3 --output json` in process against moto: its exit code and report. */
  async function restoreCli(bucket: string, at: Date, to: string) {
    let printed = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((text) => {
      printed += String(text);
      return true;
    });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const argv = [
        'restore',
        's3',
        '--config',
        file,
        '--endpoint',
        moto.server.endpoint,
        '--bucket',
        bucket,
      ];
      const code = await run([
        'node',
        'airgap',
        ...argv,
        '--at',
        at.toISOString(),
        '--to',
        to,
        '--output',
        'json',
      ]);
      return { code, report: JSON.parse(printed) as RestoreOutput };
    } finally {
      write.mockRestore();
      errors.mockRestore();
    }
  }

  const listVault = async (bucket: string) => {
    const listed = await vault.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    return { versions: listed.Versions ?? [], markers: listed.DeleteMarkers ?? [] };
  };
  const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : 1);

  beforeAll(async () => {
    await provisionSandbox(moto.clients, config);
    source = moto.clients.for(S3Client, accounts.workload);
    vault = moto.clients.for(S3Client, accounts.vault);
    restore = moto.clients.for(S3Client, accounts.restore);
  });

  it('threat #5: after the source account turns delete-marker replication on, a mass delete in the source leaves one delete marker per key in the vault and every version locked; restore --at before it copies exactly the version ids current then (moto)', async () => {
    const keys = ['a.txt', 'b.txt', 'c/d.txt'];
    await put(source, marked.bucket, 'a.txt', 'a1');
    for (const key of keys) await put(source, marked.bucket, key, `${key} before the attack`);
    await emulateReplication(moto.clients, config);
    const recorded = await listVault(marked.vaultBucket);
    expect(recorded.versions).toHaveLength(4);
    expect(recorded.markers).toEqual([]);
    const before = await nextSecond();

    // The attack, as the source account: delete-marker replication turned on in the vault rule, then a mass delete.
    const markersOn = replicationConfiguration(config, marked);
    markersOn.Rules![0]!.DeleteMarkerReplication = { Status: 'Enabled' };
    await source.send(
      new PutBucketReplicationCommand({ Bucket: marked.bucket, ReplicationConfiguration: markersOn }),
    );
    for (const key of keys) await remove(source, marked.bucket, key);
    const [pass] = await emulateReplication(moto.clients, config);
    expect(pass).toMatchObject({ bucket: marked.bucket, deleteMarkers: keys.length, replicated: [] });

    const after = await listVault(marked.vaultBucket);
    expect(after.markers.map((m) => [m.Key, m.IsLatest]).sort()).toEqual(keys.map((k) => [k, true]));
    // A "latest" listing of the vault looks empty: only the versions say what it holds.
    const latest = await vault.send(new ListObjectsV2Command({ Bucket: marked.vaultBucket }));
    expect(latest.KeyCount).toBe(0);
    const ids = (versions: ObjectVersion[]) => versions.map((v) => v.VersionId).sort();
    expect(ids(after.versions)).toEqual(ids(recorded.versions));
    for (const v of recorded.versions) {
      const head = await vault.send(
        new HeadObjectCommand({ Bucket: marked.vaultBucket, Key: v.Key, VersionId: v.VersionId }),
      );
      expect(head.ObjectLockMode).toBe('COMPLIANCE');
      expect(head.ObjectLockRetainUntilDate!.getTime()).toBeGreaterThan(Date.now());
    }

    const { code, report } = await restoreCli(marked.bucket, before, 'airgap-restore-marked');
    expect(code).toBe(0);
    expect(report).toMatchObject({ restored: keys.length, failed: [] });
    const currentThen = recorded.versions
      .filter((v) => v.IsLatest)
      .map((v) => ({ key: v.Key!, versionId: v.VersionId! }))
      .sort(byKey);
    expect(report.items.map(({ key, versionId }) => ({ key, versionId })).sort(byKey)).toEqual(currentThen);
  });

  it('threat #1: the source account deletes every version and the bucket itself; the vault keeps every version, and restore --at before the attack brings back every key with the SHA-256 of the manifest (moto)', async () => {
    const bodies: Record<string, string> = {
      'orders/2026-11-01.csv': 'id,total\n1,10\n2,20\n',
      'orders/2026-11-02.csv': 'id,total\n3,30\n',
      'images/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
      'README.txt': 'first draft',
    };
    await put(source, wiped.bucket, 'README.txt', 'an older draft');
    for (const [key, body] of Object.entries(bodies)) await put(source, wiped.bucket, key, body);
    await emulateReplication(moto.clients, config);
    const manifest = new Map(Object.entries(bodies).map(([key, body]) => [key, sha256(body)]));
    const recorded = await listVault(wiped.vaultBucket);
    expect(recorded.versions).toHaveLength(5);
    const before = await nextSecond();

    // The attack, as the source account: every version and delete marker, then the bucket.
    const listed = await source.send(new ListObjectVersionsCommand({ Bucket: wiped.bucket }));
    for (const v of [...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])])
      await source.send(
        new DeleteObjectCommand({ Bucket: wiped.bucket, Key: v.Key, VersionId: v.VersionId }),
      );
    await source.send(new DeleteBucketCommand({ Bucket: wiped.bucket }));
    expect(await bucketExists(source, wiped.bucket)).toBe(false);
    const passes = await emulateReplication(moto.clients, config);
    expect(passes.find((p) => p.bucket === wiped.bucket)?.skipped).toBe('no-rule');

    expect(await listVault(wiped.vaultBucket)).toEqual(recorded);

    const to = 'airgap-restore-wiped';
    const { code, report } = await restoreCli(wiped.bucket, before, to);
    expect(code).toBe(0);
    expect(report).toMatchObject({ restored: manifest.size, failed: [] });
    const restored = await restore.send(new ListObjectsV2Command({ Bucket: to }));
    expect(restored.Contents?.map((o) => o.Key).sort()).toEqual([...manifest.keys()].sort());
    for (const [key, digest] of manifest) {
      const got = await restore.send(new GetObjectCommand({ Bucket: to, Key: key }));
      expect(sha256(await got.Body!.transformToByteArray()), key).toBe(digest);
    }
  });
});
