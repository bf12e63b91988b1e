import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { verifyRestoredObjects } from './restored-objects.js';
import { sha256, type ManifestEntry } from './workload.js';

const s3 = mockClient(S3Client);
const entry = (key: string, body: string): [string, ManifestEntry] => [
  key,
  {
    bucket: 'data',
    key,
    versionId: 'v',
    sha256: sha256(body),
    bytes: body.length,
    writtenAt: '2026-11-23T13:00:00Z',
    deleted: false,
  },
];
const body = (text: string) => ({ transformToByteArray: async () => new TextEncoder().encode(text) });
const restored = (...keys: string[]) => ({
  source: 'data',
  target: 'airgap-restore-t',
  items: keys.map((key) => ({ key })),
  failed: [],
});

describe('drill verification of restored objects (client mock: moto never rots or tampers a byte)', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('threat #30: a restored object whose bytes differ from the manifest fails, named with both digests', async () => {
    s3.on(GetObjectCommand, { Key: 'good' }).resolves({ Body: body('invoice 1') } as never);
    s3.on(GetObjectCommand, { Key: 'rotten' }).resolves({ Body: body('invoice 2, one bit off') } as never);
    const expected = new Map([entry('good', 'invoice 1'), entry('rotten', 'invoice 2')]);
    const v = await verifyRestoredObjects(new S3Client({}), restored('good', 'rotten'), expected);
    expect(v).toEqual({
      resource: 's3://data',
      expected: 2,
      restored: 2,
      matched: 1,
      problems: [
        `rotten: SHA-256 ${sha256('invoice 2, one bit off')} differs from the manifest's ${sha256('invoice 2')}`,
      ],
    });
  });

  it('threat #30: a key missing from the restore, one the manifest lacks and one the restore failed are each a problem', async () => {
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('gone'), { name: 'NoSuchKey' }));
    const v = await verifyRestoredObjects(
      new S3Client({}),
      {
        ...restored('stray'),
        failed: [{ key: 'broken', versionId: 'v9', reason: 'checksum mismatch after copy' }],
      },
      new Map([entry('lost', 'x')]),
    );
    expect(v.matched).toBe(0);
    expect(v.problems).toEqual([
      'lost: missing from the restore',
      "stray: restored but not in the manifest's state",
      'broken: restore failed: checksum mismatch after copy',
    ]);
  });
});
