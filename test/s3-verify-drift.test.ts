import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteBucketLifecycleCommand,
  DeleteBucketReplicationCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { observeCommands } from '../src/aws/clients.js';
import { run } from '../src/cli/main.js';
import { protectedBuckets } from '../src/config/index.js';
import { configureReplication, replicationConfiguration } from '../src/protect/s3/replication.js';
import type { VerifyReport } from '../src/protect/s3/verify.js';
import { provisionSandbox } from '../src/sandbox/provision.js';
import { emulateReplication } from '../src/sandbox/replication-emulator.js';
import { ownAccounts, quickstart, quickstartYaml } from './support/config.js';
import { DAY, writeInventory } from './support/inventory.js';
import { useMoto } from './support/moto.js';
import { put } from './support/s3.js';

const accounts = ownAccounts('87', '88');
const edits: Parameters<typeof quickstart>[0] = [
  ...accounts.edits,
  [['protect'], { s3: [{ account: accounts.workload, names: ['drifting'] }] }],
];
const config = quickstart(edits);
const bucket = protectedBuckets(config)[0]!;
const vaultArn = `arn:aws:s3:::${bucket.vaultBucket}`;
const file = join(mkdtempSync(join(tmpdir(), 'airgap-verify-drift-')), 'airgap.yaml');
writeFileSync(file, quickstartYaml(edits));

describe('airgap s3 verify reads the buckets’ configuration for drift (moto)', () => {
  const moto = useMoto();
  let source: S3Client;

  /** `airgap s3 verify` on the sandbox: exit code, stdout, stderr and the AWS calls it sent. */
  async function verify(
    ...args: string[]
  ): Promise<{ code: number; out: string; err: string; sent: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const sent: string[] = [];
    const stop = observeCommands((c) => sent.push(c.command));
    const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    const error = vi
      .spyOn(console, 'error')
      .mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    try {
      const code = await run([
        'node',
        'airgap',
        's3',
        'verify',
        '--config',
        file,
        '--bucket',
        bucket.bucket,
        '--endpoint',
        moto.server.endpoint,
        ...args,
      ]);
      return { code, out: out.join('\n'), err: err.join('\n'), sent };
    } finally {
      stop();
      log.mockRestore();
      error.mockRestore();
    }
  }
  /** The report and its drift findings. */
  const verifyJson = async (...args: string[]) => {
    const { code, out, err, sent } = await verify('--output', 'json', ...args);
    const report = JSON.parse(out) as VerifyReport;
    const drift = report.drift?.findings;
    return { code, err, report, drift, sent };
  };

  beforeAll(async () => {
    await provisionSandbox(moto.clients, config);
    source = moto.clients.for(S3Client, bucket.account);
    await put(source, bucket.bucket, 'a.txt', 'a1');
    await put(source, bucket.bucket, 'a.txt', 'a2');
    await put(source, bucket.bucket, 'b.txt', 'b1');
    await emulateReplication(moto.clients, config);
  });
  afterAll(() => vi.restoreAllMocks());

  it('a vault holding every version, buckets as configured (the SSE-C block read back, threat #2): exit 0, no drift', async () => {
    const { code, report, drift } = await verifyJson();
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, verified: 3, drift: { ok: true } });
    expect(drift).toEqual([]);
    expect(report.drift?.passed).toEqual([
      'VAULT_OBJECT_LOCK',
      'VAULT_SSE_C_BLOCKED',
      'SOURCE_SSE_C_BLOCKED',
      'SOURCE_REPLICATION',
      'SOURCE_DELETE_MARKER_REPLICATION',
      'SOURCE_LIFECYCLE_EXPIRY',
    ]);
  });

  it('threat #3: a source lifecycle rule expiring every current version after a day, noncurrent ones too, is a drift warning; the vault is complete, so exit 0', async () => {
    await source.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket.bucket,
        LifecycleConfiguration: {
          Rules: [
            {
              ID: 'expire-all',
              Status: 'Enabled',
              Filter: { Prefix: '' },
              Expiration: { Days: 1 },
              NoncurrentVersionExpiration: { NoncurrentDays: 1 },
            },
          ],
        },
      }),
    );
    try {
      const { code, report, drift } = await verifyJson();
      expect(code).toBe(0);
      expect(report).toMatchObject({ ok: true, verified: 3, drift: { ok: true } });
      expect(drift).toEqual([
        {
          control: 'SOURCE_LIFECYCLE_EXPIRY',
          resource: bucket.bucket,
          severity: 'warn',
          detail: 'lifecycle rule expire-all expires current versions',
        },
      ]);
      const text = await verify();
      expect(text.code).toBe(0);
      expect(text.out).toContain(
        `  DRIFT WARN SOURCE_LIFECYCLE_EXPIRY ${bucket.bucket}: lifecycle rule expire-all expires current versions`,
      );
    } finally {
      await source.send(new DeleteBucketLifecycleCommand({ Bucket: bucket.bucket }));
    }
  });

  it('threat #4: the replication rule deleted fails verify (exit 1) with the rule diff in the text and JSON reports; the vault still holds every version', async () => {
    await source.send(new DeleteBucketReplicationCommand({ Bucket: bucket.bucket }));
    try {
      const detail = `replication rule airgap-vault is missing (the bucket has no replication rule); it should replicate everything to ${vaultArn}`;
      const { code, err, report, drift } = await verifyJson();
      expect(code).toBe(1);
      expect(report).toMatchObject({
        ok: false,
        verified: 3,
        counts: { missing: 0, mismatched: 0, unexpected: 0, retention: 0 },
        drift: { ok: false },
      });
      expect(drift).toEqual([
        { control: 'SOURCE_REPLICATION', resource: bucket.bucket, severity: 'fail', detail },
      ]);
      expect(err).toBe(`configuration drift: SOURCE_REPLICATION ${bucket.bucket}`);
      const text = await verify();
      expect(text.code).toBe(1);
      expect(text.out).toContain(`  DRIFT FAIL SOURCE_REPLICATION ${bucket.bucket}: ${detail}`);
    } finally {
      await configureReplication(moto.clients, config, bucket);
    }
  });

  it('threat #4: the destination changed to another bucket fails verify (exit 1), naming both buckets', async () => {
    const exfil = 'drifting-exfil';
    await source.send(new CreateBucketCommand({ Bucket: exfil }));
    await source.send(
      new PutBucketVersioningCommand({ Bucket: exfil, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const elsewhere = replicationConfiguration(config, bucket);
    elsewhere.Rules![0]!.Destination = { Bucket: `arn:aws:s3:::${exfil}`, Account: bucket.account };
    await source.send(
      new PutBucketReplicationCommand({ Bucket: bucket.bucket, ReplicationConfiguration: elsewhere }),
    );
    try {
      const { code, report, drift } = await verifyJson();
      expect(code).toBe(1);
      expect(drift).toEqual([
        {
          control: 'SOURCE_REPLICATION',
          resource: bucket.bucket,
          severity: 'fail',
          detail: `replicates to arn:aws:s3:::${exfil}, not ${vaultArn}`,
        },
      ]);
      expect(report.counts).toEqual({ missing: 0, mismatched: 0, unexpected: 0, retention: 0 });
    } finally {
      await configureReplication(moto.clients, config, bucket);
    }
  });

  it('threat #4: with both sides read from S3 Inventory the rule is still read from the bucket and fails verify; --no-drift sends no request at all and passes', async () => {
    const at = Date.now() - DAY;
    const row = (until?: number) =>
      ['drifting', 'k', 'v1', 'true', 'false', '10', new Date(at).toISOString(), 'e']
        .concat(until ? [new Date(until).toISOString(), 'COMPLIANCE'] : ['', ''])
        .map((c) => `"${c}"`)
        .join(',') + '\n';
    const sourceInventory = writeInventory(row());
    const vaultInventory = writeInventory(row(at + (config.vault.retention.days + 1) * DAY));
    const inventories = ['--inventory', sourceInventory, '--vault-inventory', vaultInventory];
    await source.send(new DeleteBucketReplicationCommand({ Bucket: bucket.bucket }));
    try {
      const { code, report, drift, sent } = await verifyJson(...inventories);
      expect(code).toBe(1);
      // The buckets' configuration only: no listing, no HEAD of a version.
      expect(sent.sort()).toEqual([
        'GetBucketEncryption',
        'GetBucketEncryption',
        'GetBucketLifecycleConfiguration',
        'GetBucketReplication',
        'GetObjectLockConfiguration',
        'HeadBucket',
      ]);
      expect(report).toMatchObject({
        sources: { source: 'inventory', vault: 'inventory' },
        verified: 1,
        drift: { ok: false },
      });
      expect(drift).toEqual([expect.objectContaining({ control: 'SOURCE_REPLICATION', severity: 'fail' })]);
      const unread = await verifyJson(...inventories, '--no-drift');
      expect(unread.code).toBe(0);
      expect(unread.report).toMatchObject({ ok: true, verified: 1, drift: null });
      expect(unread.sent).toEqual([]);
      expect((await verify(...inventories, '--no-drift')).out).toContain('  drift: not read (--no-drift)');
    } finally {
      await configureReplication(moto.clients, config, bucket);
    }
  });
});
