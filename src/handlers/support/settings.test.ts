import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { describe, expect, it, vi } from 'vitest';
import { useMoto } from '../../../test/support/moto.js';
import { settingsPartName, splitSettings } from '../../config/settings.js';
import { fromSettings, readSettings } from './settings.js';

const ACCOUNT = '200000000002';
const tracer = new Tracer({ enabled: false });

describe('function settings in SSM Parameter Store (moto)', () => {
  const moto = useMoto();
  const ssm = () => moto.clients.for(SSMClient, ACCOUNT);
  const store = async (path: string, settings: unknown) => {
    const parts = splitSettings(JSON.stringify(settings));
    for (const [i, Value] of parts.entries())
      await ssm().send(new PutParameterCommand({ Name: settingsPartName(path, i), Value, Type: 'String' }));
    return parts.length;
  };

  it('reads back a settings document stored in many 4 KB parts, multi-byte text included', async () => {
    const settings = {
      accounts: Array.from({ length: 400 }, (_, i) => ({
        id: String(300000000000 + i),
        name: `wörkload-${i}`,
      })),
    };
    expect(await store('/airgap/big/audit/settings', settings)).toBeGreaterThan(3);
    expect(await readSettings(tracer, { path: '/airgap/big/audit/settings', client: ssm() })).toEqual(
      settings,
    );
  });

  it('builds once from the settings, and a failed read is tried again on the next call', async () => {
    const make = vi.fn((s: { vaultAccount: string }) => ({ vault: s.vaultAccount }));
    const context = fromSettings(tracer, make, { path: '/airgap/late/copier/settings', client: ssm() });
    await expect(context()).rejects.toThrow(/no settings parameters found/);
    await store('/airgap/late/copier/settings', { vaultAccount: ACCOUNT });
    expect(await context()).toEqual({ vault: ACCOUNT });
    expect(await context()).toEqual({ vault: ACCOUNT });
    expect(make).toHaveBeenCalledTimes(1);
  });
});
