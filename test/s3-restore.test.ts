import { GetObjectCommand, HeadObjectCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { protectedBuckets } from '../src/config/index.js';
import { emulateReplication } from '../src/sandbox/replication-emulator.js';
import { provisionSandbox } from '../src/sandbox/provision.js';
import { quickstart } from './support/config.js';
import { useMoto } from './support/moto.js';
import { expectUndeletable, nextSecond, put, remove, sha256 } from './support/s3.js';
import { restoreWithItems } from './support/restore.js';

// Accounts of this file only (moto state is per server, but ids stay unique across files anyway).
const config = quickstart([
  [['organizations', 'source', 'managementAccount'], '410000000001'],
  [['organizations', 'source', 'workloadAccounts', 0, 'id'], '410000000002'],
  [['organizations', 'source', 'backupAccount'], '410000000003'],
  [['organizations', 'vault', 'managementAccount'], '420000000001'],
  [['organizations', 'vault', 'vaultAccount'], '420000000002'],
  [['organizations', 'source', 'airGapAccount'], '410000000009'],
  [['organizations', 'vault', 'restoreAccount'], '420000000004'],
  [['protect'], { s3: [{ account: '410000000002', names: ['restore-src'] }] }],
  [['replication', 'deleteMarkerReplication'], true],
]);
const bucket = protectedBuckets(config)[0]!;

describe('S3 restore to a point in time (moto, replication emulated)', () => {
  const moto = useMoto();
  let source: S3Client;
  let vault: S3Client;
  let at: Date;
  let early: Date;

  beforeAll(async () => {
    await provisionSandbox(moto.clients, config);
    source = moto.clients.for(S3Client, bucket.account);
    vault = moto.clients.for(S3Client, config.organizations.vault.vaultAccount);
    await put(source, bucket.bucket, 'keep.txt', 'v1');
    await put(source, bucket.bucket, 'overwritten.txt', 'before');
    await put(source, bucket.bucket, 'deleted-before.txt', 'gone');
    await put(source, bucket.bucket, 'deleted-after.txt', 'still here at T');
    await emulateReplication(moto.clients, config);
    early = await nextSecond();
    await remove(source, bucket.bucket, 'deleted-before.txt');
    await emulateReplication(moto.clients, config);
    at = await nextSecond();
    await put(source, bucket.bucket, 'overwritten.txt', 'ransomed');
    await put(source, bucket.bucket, 'created-after.txt', 'new');
    await remove(source, bucket.bucket, 'deleted-after.txt');
    await emulateReplication(moto.clients, config);
  });

  it('threat #1/#2: restores exactly the state at T: older versions, no later writes, deleted keys absent', async () => {
    const report = await restoreWithItems(moto.clients, config, bucket, { at, to: 'airgap-restore-t1' });
    expect(report.failed).toEqual([]);
    expect(report.items.map((i) => i.key)).toEqual(['deleted-after.txt', 'keep.txt', 'overwritten.txt']);
    const restore = moto.clients.for(S3Client, config.organizations.vault.restoreAccount);
    const body = await restore.send(
      new GetObjectCommand({ Bucket: 'airgap-restore-t1', Key: 'overwritten.txt' }),
    );
    expect(await body.Body!.transformToString()).toBe('before');
    const head = await restore.send(
      new HeadObjectCommand({ Bucket: 'airgap-restore-t1', Key: 'keep.txt', ChecksumMode: 'ENABLED' }),
    );
    expect(head.ChecksumSHA256).toBe(sha256('v1'));
    expect(report.items.find((i) => i.key === 'keep.txt')?.checksum).toMatch(/^(etag|ChecksumSHA256):/);
  });

  it('restores an earlier time to its own state: the key deleted later is back, later writes absent', async () => {
    const report = await restoreWithItems(moto.clients, config, bucket, {
      at: early,
      to: 'airgap-restore-t0',
    });
    expect(report.items.map((i) => i.key)).toEqual([
      'deleted-after.txt',
      'deleted-before.txt',
      'keep.txt',
      'overwritten.txt',
    ]);
    const restore = moto.clients.for(S3Client, config.organizations.vault.restoreAccount);
    const body = await restore.send(
      new GetObjectCommand({ Bucket: 'airgap-restore-t0', Key: 'deleted-before.txt' }),
    );
    expect(await body.Body!.transformToString()).toBe('gone');
  });

  it('threat #32: refuses a target holding keys of another restore, unless forced', async () => {
    await expect(
      restoreWithItems(moto.clients, config, bucket, { at, to: 'airgap-restore-t0' }),
    ).rejects.toThrow(
      /already holds 1 keys this restore would not write \(e.g. "deleted-before.txt"\).*--force/,
    );
    const forced = await restoreWithItems(moto.clients, config, bucket, {
      at,
      to: 'airgap-restore-t0',
      force: true,
    });
    expect(forced).toMatchObject({ foreignKeys: 1, failed: [] });
  });

  it('threat #32: a re-run resumes without copying again', async () => {
    const again = await restoreWithItems(moto.clients, config, bucket, { at, to: 'airgap-restore-t1' });
    expect(again.restored).toBe(0);
    expect(again.skippedAlreadyRestored).toBe(3);
  });

  it('threat #32: with --prefix, the target outside the prefix is neither listed nor touched; a re-run resumes under the prefix and refuses a key there it would not write (moto)', async () => {
    const to = 'airgap-restore-p1';
    const options = { to, prefix: 'deleted-' };
    const first = await restoreWithItems(moto.clients, config, bucket, { ...options, at: early });
    expect(first.items.map((i) => i.key)).toEqual(['deleted-after.txt', 'deleted-before.txt']);
    const restore = moto.clients.for(S3Client, config.organizations.vault.restoreAccount);
    await put(restore, to, 'other/notes.txt', 'written by someone else');
    const again = await restoreWithItems(moto.clients, config, bucket, { ...options, at: early });
    expect(again).toMatchObject({ restored: 0, skippedAlreadyRestored: 2, foreignKeys: 0, failed: [] });
    // At T deleted-before.txt was gone: the target holds it under the prefix, so a restore of T is refused.
    await expect(restoreWithItems(moto.clients, config, bucket, { ...options, at })).rejects.toThrow(
      /already holds 1 keys this restore would not write \(e.g. "deleted-before.txt"\)/,
    );
  });

  it('threat #31: --dry-run plans keys and bytes and writes nothing', async () => {
    const plan = await restoreWithItems(moto.clients, config, bucket, {
      at,
      to: 'airgap-restore-dry',
      dryRun: true,
    });
    expect(plan.planned).toEqual({
      keys: 3,
      bytes: 'v1'.length + 'before'.length + 'still here at T'.length,
    });
    const restore = moto.clients.for(S3Client, config.organizations.vault.restoreAccount);
    await expect(
      restore.send(new ListObjectVersionsCommand({ Bucket: 'airgap-restore-dry' })),
    ).rejects.toThrow();
  });

  it('threat #6: a restored-from vault version cannot be deleted by the vault account, with or without the bypass header: 403 AccessDenied both times, the version, its lock and its bytes unchanged (moto)', async () => {
    await expectUndeletable(vault, bucket.vaultBucket, 'keep.txt');
  });

  it('replication emulation is idempotent: a second pass copies nothing', async () => {
    const [pass] = await emulateReplication(moto.clients, config);
    expect(pass?.replicated).toEqual([]);
    expect(pass?.deleteMarkers).toBe(0);
  });

  it('refuses a target the restore role may not write, in one line', async () => {
    await expect(restoreWithItems(moto.clients, config, bucket, { at, to: 'prod-bucket' })).rejects.toThrow(
      /restore targets are named airgap-restore-/,
    );
  });
});
