import {
  CopyObjectCommand,
  CreateBucketCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/nested-clients/sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { quickstart } from '../../../test/support/config.js';
import { AwsClients } from '../../aws/clients.js';
import { protectedBuckets, ROLE_NAMES } from '../../config/index.js';
import { restoreBucket } from './restore.js';

const config = quickstart();
const bucket = protectedBuckets(config)[0]!;
const { vaultAccount, restoreAccount } = config.organizations.vault;
const etag = '"9e107d9d372bb6826bd81d3542a419d6"';

/** STS hands out keys that name the role assumed, so a call's credentials say which role sent it. */
function mockSts() {
  const sts = mockClient(STSClient);
  sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) =>
    Promise.resolve({
      Credentials: {
        AccessKeyId: `key-of:${input.RoleArn}`,
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    }),
  );
  return sts;
}

/** The role whose credentials signed each call of a command class (`account/role`). */
async function sentAs(calls: { thisValue: unknown }[]): Promise<string[]> {
  return Promise.all(
    calls.map(async (c) => {
      const cfg = (c.thisValue as { config: { credentials: () => Promise<{ accessKeyId: string }> } }).config;
      const arn = (await cfg.credentials()).accessKeyId.replace('key-of:', '');
      return arn.replace(/^arn:aws:iam::(\d+):role\/(.+)$/, '$1/$2');
    }),
  );
}

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
    s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: etag } });
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
    expect(await sentAs(s3.commandCalls(ListObjectVersionsCommand))).toEqual([
      `${vaultAccount}/${ROLE_NAMES.operator}`,
    ]);
    const restoreRole = `${restoreAccount}/${ROLE_NAMES.restore}`;
    expect(await sentAs(s3.commandCalls(CreateBucketCommand))).toEqual([restoreRole]);
    expect(await sentAs(s3.commandCalls(CopyObjectCommand))).toEqual([restoreRole]);
  });
});
