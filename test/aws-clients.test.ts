import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { useMoto } from './support/moto.js';

describe('client factory against moto_server', () => {
  const moto = useMoto();

  it('reaches each account through STS AssumeRole (moto)', async () => {
    const who = await moto.clients.for(STSClient, '310000000001').send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe('310000000001');
    expect(who.Arn).toContain('assumed-role/OrganizationAccountAccessRole');
  });

  it('keeps accounts apart: a bucket made in one account is listed only there (moto)', async () => {
    await moto.clients.for(S3Client, '310000000002').send(new CreateBucketCommand({ Bucket: 'factory-a' }));
    const inA = await moto.clients.for(S3Client, '310000000002').send(new ListBucketsCommand({}));
    const inB = await moto.clients.for(S3Client, '310000000003').send(new ListBucketsCommand({}));
    expect(inA.Buckets?.map((b) => b.Name)).toContain('factory-a');
    expect(inB.Buckets?.map((b) => b.Name) ?? []).not.toContain('factory-a');
  });
});
