import {
  CopyObjectCommand,
  CreateBucketCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { mockSts, sentAs } from '../../../test/support/assumed-role.js';
import { quickstart } from '../../../test/support/config.js';
import { AwsClients } from '../../aws/clients.js';
import { protectedBuckets, ROLE_NAMES } from '../../config/index.js';
import { InputError } from '../../errors.js';
import { checkRestoreTarget, restoreBucket } from './restore.js';

const config = quickstart();
const bucket = protectedBuckets(config)[0]!;
const { vaultAccount, restoreAccount } = config.organizations.vault;
const etag = '"9e107d9d372bb6826bd81d3542a419d6"';

const mocks: { restore: () => void }[] = [];
afterEach(() => mocks.splice(0).forEach((m) => m.restore()));

describe('S3 restore across accounts (client mock: the role that signs each call)', () => {
  it('lists the vault as the operator, and creates and writes the restore target as AirGapRestore', async () => {
    const sts = mockSts();
    const s3 = mockClient(S3Client);
    mocks.push(sts, s3);
    s3.on(ListObjectVersionsCommand).resolves({
      Versions: [
        {
          Key: 'orders.csv',
          VersionId: 'v1',
          IsLatest: true,
          LastModified: new Date('2026-11-23T05:00:00Z'),
          Size: 10,
          ETag: etag,
        },
      ],
    });
    s3.on(HeadBucketCommand).rejects(Object.assign(new Error('not found'), { name: 'NotFound' }));
    // An SSE-KMS copy (its ETag is not its source's), checked by reading the vault version's checksum.
    s3.on(CopyObjectCommand).resolves({
      CopyObjectResult: { ETag: '"ffffffffffffffffffffffffffffffff"', ChecksumSHA256: 'sha' },
    });
    s3.on(HeadObjectCommand).resolves({ ContentLength: 10, ChecksumSHA256: 'sha' });
    const clients = new AwsClients({
      region: config.vault.region,
      roleName: ROLE_NAMES.operator,
      baseCredentials: { accessKeyId: 'a', secretAccessKey: 's' },
    });
    const report = await restoreBucket(clients, config, bucket, {
      at: new Date('2026-11-23T06:00:00Z'),
      to: 'airgap-restore-orders',
    });
    expect(report.failed).toEqual([]);
    expect(report.restored).toBe(1);
    const operator = `${vaultAccount}/${ROLE_NAMES.operator}`;
    expect(await sentAs(s3.commandCalls(ListObjectVersionsCommand))).toEqual([operator]);
    expect(await sentAs(s3.commandCalls(HeadObjectCommand))).toEqual([operator]);
    const restoreRole = `${restoreAccount}/${ROLE_NAMES.restore}`;
    expect(await sentAs(s3.commandCalls(CreateBucketCommand))).toEqual([restoreRole]);
    expect(await sentAs(s3.commandCalls(CopyObjectCommand))).toEqual([restoreRole]);
  });
});

describe('restore target names', () => {
  const lines = (name: string, drill?: string) => {
    try {
      checkRestoreTarget(name, drill);
      return [];
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as InputError).lines;
    }
  };

  it('refuses the drill’s bucket names to a real restore, in one line: the operator may delete those', () => {
    expect(lines('airgap-drill-20261123t130000000z-s3-0')).toEqual([
      "--to airgap-drill-20261123t130000000z-s3-0: airgap-drill-… buckets are the drill's own, which its clean-up deletes; restore targets are named airgap-restore-…, e.g. airgap-restore-20261123t130000000z-s3-0",
    ]);
    expect(lines('airgap-restore-orders')).toEqual([]);
    expect(lines('orders')).toHaveLength(1);
  });

  it('lets a drill restore into its own names only', () => {
    expect(lines('airgap-drill-20261123t130000000z-s3-0', '20261123t130000000z')).toEqual([]);
    expect(lines('airgap-drill-20261123t130000000z-s3-0', '20261122t090000000z')).toHaveLength(1);
  });
});
