import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { AwsClients, emulation, observeCommands, type SentCommand } from '../src/aws/clients.js';
import { SANDBOX_BASE_CREDENTIALS, SANDBOX_ROLE } from '../src/sandbox/session.js';
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

  it('reaches the home account with the base credentials, without assuming a role (moto)', async () => {
    const home = (await moto.clients.base(STSClient).send(new GetCallerIdentityCommand({}))).Account!;
    const clients = new AwsClients({
      endpoint: moto.clients.endpoint,
      region: 'us-east-1',
      roleName: SANDBOX_ROLE,
      baseCredentials: SANDBOX_BASE_CREDENTIALS,
      homeAccount: home,
    });
    const who = await clients.for(STSClient, home).send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe(home);
    expect(who.Arn).not.toContain('assumed-role');
  });

  it('tells observers every command sent, with the account and role that sign it; an emulation shows the call it stands for (moto)', async () => {
    const sent: SentCommand[] = [];
    const stop = observeCommands((s) => sent.push(s));
    await moto.clients.for(S3Client, '310000000002').send(new ListBucketsCommand({}));
    await moto.clients.as('AirGapRestore').for(S3Client, '310000000004').send(new ListBucketsCommand({}));
    const standsFor: SentCommand = {
      account: '310000000004',
      role: 'AirGapRestore',
      region: 'us-east-1',
      client: 'RDSClient',
      command: 'CopyDBSnapshot',
      input: {},
    };
    await emulation(standsFor, () =>
      moto.clients.for(S3Client, '310000000003').send(new ListBucketsCommand({})),
    );
    stop();
    await moto.clients.for(S3Client, '310000000002').send(new ListBucketsCommand({}));
    expect(sent.map((s) => [s.account, s.role, s.client, s.command, s.input])).toEqual([
      ['310000000002', SANDBOX_ROLE, 'S3Client', 'ListBuckets', {}],
      ['310000000004', 'AirGapRestore', 'S3Client', 'ListBuckets', {}],
      ['310000000004', 'AirGapRestore', 'RDSClient', 'CopyDBSnapshot', {}],
    ]);
  });

  it('tells observers the commands a client mock of the class answers too, which never reach the SDK’s middleware (client mock)', async () => {
    const client = moto.clients.for(S3Client, '310000000005');
    const s3 = mockClient(S3Client);
    s3.on(ListBucketsCommand).resolves({ Buckets: [{ Name: 'mocked' }] });
    const sent: SentCommand[] = [];
    const stop = observeCommands((s) => sent.push(s));
    try {
      expect((await client.send(new ListBucketsCommand({ MaxBuckets: 5 }))).Buckets).toEqual([
        { Name: 'mocked' },
      ]);
    } finally {
      stop();
      s3.restore();
    }
    expect(s3.commandCalls(ListBucketsCommand)).toHaveLength(1);
    expect(sent.map((s) => [s.account, s.role, s.client, s.command, s.input])).toEqual([
      ['310000000005', SANDBOX_ROLE, 'S3Client', 'ListBuckets', { MaxBuckets: 5 }],
    ]);
  });
});
