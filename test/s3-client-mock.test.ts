import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetBucketEncryptionCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { CreateJobCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../src/cli/main.js';
import { AwsClients } from '../src/aws/clients.js';
import { protectedBuckets } from '../src/config/index.js';
import { backfill } from '../src/protect/s3/backfill.js';
import { configureReplication } from '../src/protect/s3/replication.js';
import { quickstart } from './support/config.js';
import { restoreWithItems } from './support/restore.js';
import { s3Error, slowDown } from './support/s3-errors.js';
import { withoutBackoff } from './support/throttling.js';

const config = quickstart();
const bucket = protectedBuckets(config)[0]!;
const s3 = mockClient(S3Client);
const control = mockClient(S3ControlClient);
const when = new Date('2026-11-23T05:00:00Z');
const noSleep = { sleep: async () => undefined };
/** Names of the S3 commands sent that change something. */
const mutatingCalls = () =>
  s3
    .calls()
    .map((c) => (c.args[0] as object).constructor.name)
    .filter((name) => /^(Put|Copy|Create|Delete|Upload|Complete|Restore)/.test(name));

const onAws = () => new AwsClients({ region: 'us-east-1', roleName: 'AirGapOperator' });
const onSandbox = () =>
  new AwsClients({ region: 'us-east-1', roleName: 'x', endpoint: 'http://127.0.0.1:9' });
const body = (bytes: string) => ({ transformToByteArray: async () => new TextEncoder().encode(bytes) });

function sourceHolds(...versions: [key: string, versionId: string, size: number][]) {
  s3.on(ListObjectVersionsCommand, { Bucket: bucket.bucket }).resolves({
    Versions: versions.map(([Key, VersionId, Size]) => ({ Key, VersionId, Size, LastModified: when })),
  });
  s3.on(ListObjectVersionsCommand, { Bucket: bucket.vaultBucket }).resolves({});
}

describe('S3 runtime behaviours moto lacks (client mock)', () => {
  const endpoint = process.env['AWS_ENDPOINT_URL'];
  beforeEach(() => {
    delete process.env['AWS_ENDPOINT_URL'];
    s3.reset();
    control.reset();
  });
  afterEach(() => {
    if (endpoint !== undefined) process.env['AWS_ENDPOINT_URL'] = endpoint;
  });

  it('on AWS, backfill creates one S3 Batch Replication job for NONE/FAILED objects, idempotent by token (client mock: moto lacks S3 Control CreateJob)', async () => {
    sourceHolds(['a', 'v1', 3], ['b', 'v2', 4]);
    control.on(CreateJobCommand).resolves({ JobId: 'job-1' });
    const first = await backfill(onAws(), config, bucket);
    const second = await backfill(onAws(), config, bucket);
    expect(first).toMatchObject({
      mode: 'batch-replication',
      jobId: 'job-1',
      planned: { versions: 2, bytes: 7 },
    });
    const [a, b] = control.commandCalls(CreateJobCommand).map((c) => c.args[0].input);
    expect(a).toMatchObject({
      AccountId: bucket.account,
      Operation: { S3ReplicateObject: {} },
      RoleArn: `arn:aws:iam::${bucket.account}:role/AirGapBatchReplication`,
      ManifestGenerator: {
        S3JobManifestGenerator: {
          SourceBucket: `arn:aws:s3:::${bucket.bucket}`,
          Filter: { EligibleForReplication: true, ObjectReplicationStatuses: ['NONE', 'FAILED'] },
        },
      },
    });
    expect(b?.ClientRequestToken).toBe(a?.ClientRequestToken);
    expect(second.jobId).toBe('job-1');
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  /** `airgap s3 backfill --output json` in process, in the sandbox's copy mode: its exit code, report and stderr. */
  async function backfillCli(...options: string[]) {
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((text: unknown) => void printed.push(String(text)));
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((text: unknown) => void errors.push(String(text)));
    process.env['AWS_ENDPOINT_URL'] = 'http://127.0.0.1:9'; // the sandbox's copy mode; the mock answers every call
    const argv = ['s3', 'backfill', '--config', 'examples/quickstart.yaml', '--bucket', bucket.bucket];
    try {
      const code = await run(['node', 'airgap', ...argv, ...options, '--output', 'json']);
      return { code, report: JSON.parse(printed.join('\n')) as unknown, errors };
    } finally {
      delete process.env['AWS_ENDPOINT_URL'];
      vi.restoreAllMocks();
    }
  }

  it('threat #16: airgap s3 backfill stops on Ctrl-C as restore s3 does: copies in flight finish, none starts after, exit 130 (in-process CLI, client mock)', async () => {
    sourceHolds(['a', 'v1', 3], ['b', 'v2', 3], ['c', 'v3', 3], ['d', 'v4', 3]);
    s3.on(GetObjectCommand).callsFake(async () => {
      if (s3.commandCalls(GetObjectCommand).length === 2) process.emit('SIGINT', 'SIGINT');
      return { Body: body('abc') };
    });
    s3.on(PutObjectCommand).resolves({ VersionId: 'vault-1' });
    const { code, report, errors } = await backfillCli('--concurrency', '1');
    expect(code).toBe(130);
    expect(report).toMatchObject({ copied: 2, interrupted: true, failed: [] });
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual(['a', 'b']);
    expect(errors).toEqual([
      'SIGINT: stopping once the work in flight has settled (again to stop at once)',
      'interrupted (SIGINT)',
    ]);
  });

  it('on AWS, a backfill interrupted while it lists creates no Batch Replication job sized by part of the plan (client mock)', async () => {
    sourceHolds(['a', 'v1', 3], ['b', 'v2', 4]);
    const abort = new AbortController();
    abort.abort();
    const report = await backfill(onAws(), config, bucket, { signal: abort.signal });
    expect(report).toMatchObject({ mode: 'batch-replication', interrupted: true, planned: { versions: 0 } });
    expect(report.jobId).toBeUndefined();
    expect(control.commandCalls(CreateJobCommand)).toHaveLength(0);
  });

  it('threat #31: backfill --dry-run makes no mutating call, on AWS or the sandbox (client mock)', async () => {
    sourceHolds(['a', 'v1', 3]);
    for (const clients of [onAws(), onSandbox()]) {
      const plan = await backfill(clients, config, bucket, { dryRun: true });
      expect(plan.items).toEqual([{ key: 'a', versionId: 'v1', size: 3 }]);
    }
    expect(mutatingCalls()).toEqual([]);
    expect(control.commandCalls(CreateJobCommand)).toHaveLength(0);
  });

  it('threat #15: backfill retries 503 SlowDown and copies the version once (client mock: moto never throttles)', async () => {
    sourceHolds(['a', 'v1', 3]);
    s3.on(GetObjectCommand)
      .rejectsOnce(slowDown())
      .rejectsOnce(slowDown())
      .resolves({ Body: body('abc') as never });
    s3.on(PutObjectCommand).resolves({ VersionId: 'vault-1' });
    const report = await backfill(onSandbox(), config, bucket, { retry: noSleep });
    expect(report).toMatchObject({ copied: 1, failed: [] });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(3);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  it('threat #15: throttling that outlasts the bounded retries is recorded as a failure, never dropped (client mock)', async () => {
    sourceHolds(['a', 'v1', 3], ['b', 'v2', 3]);
    s3.on(GetObjectCommand, { Key: 'a' }).rejects(slowDown());
    s3.on(GetObjectCommand, { Key: 'b' }).resolves({ Body: body('abc') as never });
    s3.on(PutObjectCommand).resolves({ VersionId: 'vault-1' });
    const report = await backfill(onSandbox(), config, bucket, { retry: { ...noSleep, attempts: 3 } });
    expect(report.copied).toBe(1);
    expect(report.failed).toEqual([
      { key: 'a', versionId: 'v1', reason: expect.stringContaining('SlowDown') },
    ]);
  });

  it('threat #30: backfill fails a copy whose stored SHA-256 differs from the source version (client mock: moto never verifies checksums)', async () => {
    sourceHolds(['a', 'v1', 3]);
    s3.on(GetObjectCommand).resolves({ Body: body('abc') as never, ChecksumSHA256: 'source-sha' });
    s3.on(PutObjectCommand).resolves({ VersionId: 'vault-1', ChecksumSHA256: 'other-sha' });
    const report = await backfill(onSandbox(), config, bucket);
    expect(report.failed[0]?.reason).toMatch(/stored SHA-256 other-sha, the source version has source-sha/);
  });

  it('threat #15: airgap s3 backfill: a version S3 throttles (503 SlowDown) past its bounded retries is FAILED on stderr with its version id, the other copied, exit 1 (in-process CLI, client mock: moto never throttles)', async () => {
    sourceHolds(['a', 'v1', 3], ['b', 'v2', 3]);
    s3.on(GetObjectCommand, { Key: 'a' }).rejects(slowDown());
    s3.on(GetObjectCommand, { Key: 'b' }).resolves({ Body: body('abc') as never });
    s3.on(PutObjectCommand).resolves({ VersionId: 'vault-1' });
    const { code, report, errors } = await withoutBackoff(() => backfillCli());
    expect(code).toBe(1);
    expect(errors).toEqual(['FAILED a (v1): SlowDown: Please reduce your request rate.']);
    expect(report).toMatchObject({ copied: 1, interrupted: false, failed: [{ key: 'a', versionId: 'v1' }] });
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual(['b']);
    // Retried, but a bounded number of times (the default 6 attempts), never forever.
    expect(s3.commandCalls(GetObjectCommand, { Key: 'a' })).toHaveLength(6);
  });

  it('threat #30: airgap s3 backfill: a copy whose stored SHA-256 differs from the source version is FAILED on stderr with its version id, exit 1 (in-process CLI, client mock: moto never verifies checksums)', async () => {
    sourceHolds(['a', 'v1', 3], ['b', 'v2', 3]);
    s3.on(GetObjectCommand).resolves({ Body: body('abc') as never, ChecksumSHA256: 'source-sha' });
    s3.on(PutObjectCommand).resolves({ VersionId: 'vault-1', ChecksumSHA256: 'source-sha' });
    s3.on(PutObjectCommand, { Key: 'a' }).resolves({ VersionId: 'vault-2', ChecksumSHA256: 'other-sha' });
    const { code, report, errors } = await backfillCli();
    expect(code).toBe(1);
    expect(errors).toEqual([
      expect.stringMatching(
        /^FAILED a \(v1\): .*stored SHA-256 other-sha, the source version has source-sha/,
      ),
    ]);
    expect(report).toMatchObject({ copied: 1, failed: [{ key: 'a', versionId: 'v1' }] });
  });

  describe('configure-replication, threat #2: the SSE-C block on the source bucket (client mock: moto drops BlockedEncryptionTypes)', () => {
    const kmsDefault = {
      ApplyServerSideEncryptionByDefault: {
        SSEAlgorithm: 'aws:kms' as const,
        KMSMasterKeyID: `arn:aws:kms:us-east-1:${bucket.account}:key/source-key`,
      },
      BucketKeyEnabled: true,
    };
    const accepted = () => {
      s3.on(PutBucketVersioningCommand).resolves({});
      s3.on(PutBucketReplicationCommand).resolves({});
      s3.on(PutBucketEncryptionCommand).resolves({});
    };
    const encryptionSent = () => s3.commandCalls(PutBucketEncryptionCommand).map((c) => c.args[0].input);

    it('threat #2: blocks SSE-C on the source bucket, keeping its own default encryption (SSE-KMS, its key, the bucket key)', async () => {
      accepted();
      s3.on(GetBucketEncryptionCommand).resolves({
        ServerSideEncryptionConfiguration: { Rules: [kmsDefault] },
      });
      await configureReplication(onAws(), config, bucket);
      expect(encryptionSent()).toEqual([
        {
          Bucket: bucket.bucket,
          ServerSideEncryptionConfiguration: {
            Rules: [{ ...kmsDefault, BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] } }],
          },
        },
      ]);
    });

    it('threat #2: on a bucket with no default encryption, blocks SSE-C beside SSE-S3, the default AWS applies to buckets since 2023', async () => {
      accepted();
      s3.on(GetBucketEncryptionCommand).rejects(
        s3Error(
          'ServerSideEncryptionConfigurationNotFoundError',
          'The server side encryption configuration was not found',
          404,
        ),
      );
      await configureReplication(onAws(), config, bucket);
      expect(encryptionSent()).toEqual([
        {
          Bucket: bucket.bucket,
          ServerSideEncryptionConfiguration: {
            Rules: [
              {
                ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
                BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
              },
            ],
          },
        },
      ]);
    });

    it('threat #2: a bucket whose encryption cannot be read (AccessDenied) is left as it is: the error stops the command, no PUT replaces its SSE-KMS default with SSE-S3', async () => {
      accepted();
      s3.on(GetBucketEncryptionCommand).rejects(s3Error('AccessDenied', 'Access Denied', 403));
      await expect(configureReplication(onAws(), config, bucket)).rejects.toThrow('Access Denied');
      expect(mutatingCalls()).toEqual([]);
    });

    it("threat #2: with replication.blockSseCOnSource off, the source bucket's encryption is neither read nor written", async () => {
      accepted();
      const off = quickstart([[['replication', 'blockSseCOnSource'], false]]);
      const plan = await configureReplication(onAws(), off, protectedBuckets(off)[0]!);
      expect(plan.steps.map((s) => s.call)).toEqual(['PutBucketVersioning', 'PutBucketReplication']);
      expect(mutatingCalls()).toEqual(['PutBucketVersioningCommand', 'PutBucketReplicationCommand']);
      expect(s3.commandCalls(GetBucketEncryptionCommand)).toHaveLength(0);
    });
  });

  describe('restore', () => {
    const vaultHolds = (size: number, etag = '"0123456789abcdef0123456789abcdef"') => {
      s3.on(ListObjectVersionsCommand, { Bucket: bucket.vaultBucket }).resolves({
        Versions: [
          {
            Key: 'k',
            VersionId: 'v1',
            Size: size,
            ETag: etag,
            LastModified: when,
            ChecksumAlgorithm: ['SHA256'],
          },
        ],
      });
      s3.on(HeadBucketCommand).rejects(Object.assign(new Error('NotFound'), { name: 'NotFound' }));
    };
    const at = new Date('2026-11-23T06:00:00Z');
    /** A re-run into a target holding a same-size SSE-KMS copy of k (other ETag), stored SHA-256 `targetSha`. */
    const resumeOfKmsCopy = (targetSha: string) => {
      vaultHolds(3, '"11111111111111111111111111111111"');
      s3.on(HeadBucketCommand).resolves({});
      s3.on(ListObjectVersionsCommand, { Bucket: 'airgap-restore-x' }).resolves({
        Versions: [
          {
            Key: 'k',
            VersionId: 't1',
            Size: 3,
            ETag: '"22222222222222222222222222222222"',
            LastModified: when,
          },
        ],
      });
      s3.on(HeadObjectCommand, { Bucket: bucket.vaultBucket }).resolves({
        ContentLength: 3,
        ChecksumSHA256: 'sha',
      });
      s3.on(HeadObjectCommand, { Bucket: 'airgap-restore-x' }).resolves({
        ContentLength: 3,
        ChecksumSHA256: targetSha,
      });
    };

    it('threat #30: reports FAILED for a key whose checksum after copy differs, never restored (client mock: moto never verifies checksums)', async () => {
      vaultHolds(3);
      s3.on(CopyObjectCommand).resolves({
        CopyObjectResult: { ETag: '"ffffffffffffffffffffffffffffffff"', ChecksumSHA256: 'bad' },
      });
      s3.on(HeadObjectCommand).resolves({ ContentLength: 3, ChecksumSHA256: 'good' });
      const report = await restoreWithItems(onAws(), config, bucket, { at, to: 'airgap-restore-x' });
      expect(report.restored).toBe(0);
      expect(report.failed).toEqual([
        {
          key: 'k',
          versionId: 'v1',
          reason: expect.stringContaining('ChecksumSHA256 after copy bad differs'),
        },
      ]);
    });

    const vaultHoldsKeys = (keys: string[], etag: string) => {
      s3.on(ListObjectVersionsCommand, { Bucket: bucket.vaultBucket }).resolves({
        Versions: keys.map((Key) => ({
          Key,
          VersionId: `v-${Key}`,
          Size: 3,
          ETag: etag,
          LastModified: when,
          ChecksumAlgorithm: ['SHA256' as const],
        })),
      });
      s3.on(HeadBucketCommand).rejects(Object.assign(new Error('NotFound'), { name: 'NotFound' }));
    };

    it('threat #30: on a vault whose ETags are MD5 digests every copy, the first too, is checked by its ETag alone: one CopyObject per key, no HeadObject (client mock)', async () => {
      vaultHoldsKeys(['a', 'b', 'c'], '"0123456789abcdef0123456789abcdef"');
      s3.on(CopyObjectCommand).resolves({
        CopyObjectResult: { ETag: '"0123456789abcdef0123456789abcdef"', ChecksumSHA256: 'sha' },
      });
      s3.on(HeadObjectCommand).resolves({ ContentLength: 3, ChecksumSHA256: 'sha' });
      const report = await restoreWithItems(onAws(), config, bucket, { at, to: 'airgap-restore-x' });
      expect(report).toMatchObject({ restored: 3, failed: [] });
      expect(report.items.map((i) => i.checksum)).toEqual(
        Array(3).fill('etag:"0123456789abcdef0123456789abcdef"'),
      );
      const copies = s3.commandCalls(CopyObjectCommand).map((c) => c.args[0].input);
      // Each asks S3 for a checksum all the same: an ETag that does not settle it must not cost a second copy.
      expect(copies.map((c) => [c.Key, c.ChecksumAlgorithm])).toEqual([
        ['a', 'SHA256'],
        ['b', 'SHA256'],
        ['c', 'SHA256'],
      ]);
      expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(0);
    });

    /**
     * A restore, one copy at a time, of keys a, b, c SSE-S3 (MD5 ETags their copies repeat), then d SSE-KMS (its
     * copy's ETag differs; its vault version's SHA-256 is `sha-d`, its copy's `copiedShaOfD`).
     */
    const restoreMixedVault = (copiedShaOfD: string) => {
      const md5 = '"0123456789abcdef0123456789abcdef"';
      const kms = '"11111111111111111111111111111111"';
      s3.on(ListObjectVersionsCommand, { Bucket: bucket.vaultBucket }).resolves({
        Versions: ['a', 'b', 'c', 'd'].map((Key) => ({
          Key,
          VersionId: `v-${Key}`,
          Size: 3,
          ETag: Key === 'd' ? kms : md5,
          LastModified: when,
          ChecksumAlgorithm: ['SHA256' as const],
        })),
      });
      s3.on(HeadBucketCommand).rejects(Object.assign(new Error('NotFound'), { name: 'NotFound' }));
      s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: md5, ChecksumSHA256: 'sha' } });
      s3.on(CopyObjectCommand, { Key: 'd' }).resolves({
        CopyObjectResult: { ETag: '"22222222222222222222222222222222"', ChecksumSHA256: copiedShaOfD },
      });
      s3.on(HeadObjectCommand).resolves({ ContentLength: 3, ChecksumSHA256: 'sha' });
      s3.on(HeadObjectCommand, { Key: 'd' }).resolves({ ContentLength: 3, ChecksumSHA256: 'sha-d' });
      return restoreWithItems(onAws(), config, bucket, { at, to: 'airgap-restore-x', concurrency: 1 });
    };
    const copiesByKey = () =>
      s3
        .commandCalls(CopyObjectCommand)
        .map((c) => c.args[0].input.Key)
        .sort();

    it('threat #30: on a vault of mixed encryption (an SSE-KMS object after SSE-S3 ones) no object is copied twice: the SSE-KMS one is checked by the SHA-256 its copy asked for, the only one to cost a HeadObject (client mock: moto gives SSE-KMS objects MD5 ETags)', async () => {
      const report = await restoreMixedVault('sha-d');
      expect(report).toMatchObject({ restored: 4, failed: [] });
      expect(copiesByKey()).toEqual(['a', 'b', 'c', 'd']);
      expect(s3.commandCalls(HeadObjectCommand).map((c) => c.args[0].input.VersionId)).toEqual(['v-d']);
      expect(report.items.find((i) => i.key === 'd')?.checksum).toBe('ChecksumSHA256:sha-d');
      expect(report.items.find((i) => i.key === 'c')?.checksum).toMatch(/^etag:/);
    });

    it('threat #30: on a vault of mixed encryption, an SSE-KMS object whose copy has another SHA-256 is FAILED, copied once (client mock)', async () => {
      const report = await restoreMixedVault('bad');
      expect(report.restored).toBe(3);
      expect(report.failed).toEqual([
        {
          key: 'd',
          versionId: 'v-d',
          reason: expect.stringContaining('ChecksumSHA256 after copy bad differs'),
        },
      ]);
      expect(copiesByKey()).toEqual(['a', 'b', 'c', 'd']);
    });

    it('threat #30: on an SSE-KMS vault (ETags not digests) every object is copied once, the first too, and checked by SHA-256 against its vault version (client mock: moto gives SSE-KMS objects MD5 ETags)', async () => {
      const keys = ['a', 'b', 'c', 'd', 'e'];
      vaultHoldsKeys(keys, '"11111111111111111111111111111111"');
      s3.on(CopyObjectCommand).resolves({
        CopyObjectResult: { ETag: '"22222222222222222222222222222222"', ChecksumSHA256: 'sha' },
      });
      s3.on(HeadObjectCommand).resolves({ ContentLength: 3, ChecksumSHA256: 'sha' });
      const report = await restoreWithItems(onAws(), config, bucket, { at, to: 'airgap-restore-x' });
      expect(report).toMatchObject({ restored: 5, failed: [] });
      expect(report.items.every((i) => i.checksum === 'ChecksumSHA256:sha')).toBe(true);
      const copies = s3.commandCalls(CopyObjectCommand).map((c) => c.args[0].input);
      expect(copies.map((c) => [c.Key, c.ChecksumAlgorithm]).sort()).toEqual(keys.map((k) => [k, 'SHA256']));
      expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(5);
    });

    it('threat #30: a copy that fails costs no HeadObject, and the copies after it are checked as usual, none copied twice (client mock)', async () => {
      vaultHoldsKeys(['a', 'b', 'c'], '"11111111111111111111111111111111"');
      s3.on(CopyObjectCommand)
        .rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDenied' }))
        .resolves({
          CopyObjectResult: { ETag: '"22222222222222222222222222222222"', ChecksumSHA256: 'sha' },
        });
      s3.on(HeadObjectCommand).resolves({ ContentLength: 3, ChecksumSHA256: 'sha' });
      const report = await restoreWithItems(onAws(), config, bucket, { at, to: 'airgap-restore-x' });
      expect(report.failed.map((f) => f.key)).toEqual(['a']);
      expect(report.restored).toBe(2);
      const copies = s3.commandCalls(CopyObjectCommand).map((c) => c.args[0].input);
      expect(copies.map((c) => [c.Key, c.ChecksumAlgorithm])).toEqual([
        ['a', 'SHA256'],
        ['b', 'SHA256'],
        ['c', 'SHA256'],
      ]);
      expect(s3.commandCalls(HeadObjectCommand).map((c) => c.args[0].input.VersionId)).toEqual([
        'v-b',
        'v-c',
      ]);
    });

    it('threat #30: once a copy has shown the vault’s ETags are not digests (SSE-KMS), each later copy reads its vault version while it runs, not after it (client mock)', async () => {
      vaultHoldsKeys(['a', 'b', 'c'], '"11111111111111111111111111111111"');
      const headsWhenCopied: number[] = [];
      s3.on(CopyObjectCommand).callsFake(async () => {
        await new Promise((r) => setImmediate(r)); // the copy takes a while: S3 copies the bytes
        headsWhenCopied.push(s3.commandCalls(HeadObjectCommand).length);
        return { CopyObjectResult: { ETag: '"22222222222222222222222222222222"', ChecksumSHA256: 'sha' } };
      });
      s3.on(HeadObjectCommand).resolves({ ContentLength: 3, ChecksumSHA256: 'sha' });
      const report = await restoreWithItems(onAws(), config, bucket, {
        at,
        to: 'airgap-restore-x',
        concurrency: 1,
      });
      expect(report).toMatchObject({ restored: 3, failed: [] });
      // a's HeadObject follows its copy (its ETag could have settled it); b's and c's are sent with theirs.
      expect(headsWhenCopied).toEqual([0, 2, 3]);
      expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(3);
    });

    it('threat #30: an object whose listed ETag is no single-part MD5 (uploaded in parts) is checked by checksum, its HeadObject sent with its copy (client mock)', async () => {
      vaultHolds(3, '"0123456789abcdef0123456789abcdef-2"');
      const headsWhenCopied: number[] = [];
      s3.on(CopyObjectCommand).callsFake(async () => {
        await new Promise((r) => setImmediate(r));
        headsWhenCopied.push(s3.commandCalls(HeadObjectCommand).length);
        return { CopyObjectResult: { ETag: '"0123456789abcdef0123456789abcdef"', ChecksumSHA256: 'bad' } };
      });
      s3.on(HeadObjectCommand).resolves({ ContentLength: 3, ChecksumSHA256: 'sha' });
      const report = await restoreWithItems(onAws(), config, bucket, { at, to: 'airgap-restore-x' });
      expect(headsWhenCopied).toEqual([1]);
      expect(report.restored).toBe(0);
      expect(report.failed[0]?.reason).toContain('ChecksumSHA256 after copy bad differs');
    });

    it('threat #32: a resumed restore of an SSE-KMS vault skips keys already copied, though their ETags differ, by comparing SHA-256 (client mock: moto gives SSE-KMS copies MD5 ETags)', async () => {
      resumeOfKmsCopy('sha');
      const report = await restoreWithItems(onAws(), config, bucket, { at, to: 'airgap-restore-x' });
      expect(report).toMatchObject({ restored: 0, skippedAlreadyRestored: 1, failed: [] });
      expect(report.items[0]?.checksum).toBe('ChecksumSHA256:sha');
      expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
    });

    it('threat #32: a resumed restore copies a key whose SHA-256 in the target differs from the vault version (client mock)', async () => {
      resumeOfKmsCopy('other');
      s3.on(CopyObjectCommand).resolves({
        CopyObjectResult: { ETag: '"33333333333333333333333333333333"', ChecksumSHA256: 'sha' },
      });
      const report = await restoreWithItems(onAws(), config, bucket, { at, to: 'airgap-restore-x' });
      expect(report).toMatchObject({ restored: 1, skippedAlreadyRestored: 0, failed: [] });
    });

    it('threat #15: restore retries 503 SlowDown on a copy and restores the key once (client mock: moto never throttles)', async () => {
      vaultHolds(3);
      s3.on(CopyObjectCommand)
        .rejectsOnce(slowDown())
        .resolves({
          CopyObjectResult: { ETag: '"0123456789abcdef0123456789abcdef"', ChecksumSHA256: 'sha' },
        });
      s3.on(HeadObjectCommand).resolves({ ContentLength: 3, ChecksumSHA256: 'sha' });
      const report = await restoreWithItems(onAws(), config, bucket, {
        at,
        to: 'airgap-restore-x',
        retry: noSleep,
      });
      expect(report).toMatchObject({ restored: 1, failed: [] });
      expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(2);
    });

    it('threat #29: copies an object over 5 GB with multipart UploadPartCopy and checks the result (client mock: moto stores no 5 GB objects)', async () => {
      const size = 6 * 1024 ** 3;
      vaultHolds(size, '"abc-12"');
      s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
      s3.on(UploadPartCopyCommand).resolves({ CopyPartResult: { ETag: '"p"', ChecksumSHA256: 'part' } });
      s3.on(CompleteMultipartUploadCommand).resolves({ ETag: '"x-12"', ChecksumSHA256: 'whole' });
      s3.on(HeadObjectCommand).resolves({ ContentLength: size, ChecksumSHA256: 'whole' });
      const report = await restoreWithItems(onAws(), config, bucket, { at, to: 'airgap-restore-big' });
      expect(report).toMatchObject({ restored: 1, failed: [] });
      const parts = s3.commandCalls(UploadPartCopyCommand).map((c) => c.args[0].input);
      expect(parts).toHaveLength(12);
      expect(parts[0]).toMatchObject({ PartNumber: 1, CopySourceRange: `bytes=0-${512 * 1024 ** 2 - 1}` });
      expect(parts[11]?.CopySourceRange).toBe(`bytes=${11 * 512 * 1024 ** 2}-${size - 1}`);
      expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
    });

    it('threat #31: restore --dry-run makes no mutating call (client mock)', async () => {
      vaultHolds(3);
      const report = await restoreWithItems(onAws(), config, bucket, {
        at,
        to: 'airgap-restore-x',
        dryRun: true,
      });
      expect(report.planned).toEqual({ keys: 1, bytes: 3 });
      expect(mutatingCalls()).toEqual([]);
    });
  });
});
