import { GetKeyRotationStatusCommand, KMSClient, ListAliasesCommand } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { ensureKey } from '../src/sandbox/keys.js';
import { useMoto } from './support/moto.js';

describe('sandbox keys (moto)', () => {
  const moto = useMoto();

  it('two provisioners asking for the same key at once get one key under the alias, and neither fails (moto)', async () => {
    const kms = moto.clients.for(KMSClient, '200000000002', 'us-east-1');
    const alias = 'alias/race-airgap-vault';
    const key = () => ensureKey(moto.clients, '200000000002', 'us-east-1', alias);
    const [a, b] = await Promise.all([key(), key()]);
    expect(a.arn).toBe(b.arn);
    const aliases = await kms.send(new ListAliasesCommand({}));
    expect(aliases.Aliases?.filter((x) => x.AliasName === alias)).toHaveLength(1);
    expect(await key()).toEqual({ arn: a.arn, created: false });
  });

  it("a key it creates rotates yearly, as the templates' keys do and the audit asks (moto)", async () => {
    const kms = moto.clients.for(KMSClient, '200000000002', 'eu-west-1');
    const { arn } = await ensureKey(moto.clients, '200000000002', 'eu-west-1', 'alias/rotating-airgap-vault');
    const status = await kms.send(new GetKeyRotationStatusCommand({ KeyId: arn.split('/').pop()! }));
    expect(status.KeyRotationEnabled).toBe(true);
  });
});
