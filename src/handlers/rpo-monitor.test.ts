import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { settingsParameters } from '../../test/support/handler-settings.js';
import { useMoto } from '../../test/support/moto.js';
import { Catalog, type CatalogEntry } from '../catalog/catalog.js';
import { settingsPath } from '../config/settings.js';
import { rpoScope } from '../status/evaluate.js';
import { quickstart } from '../../test/support/config.js';
import type { RpoMonitorSettings } from './rpo-monitor.js';

// moto maps credentials it did not issue to this account: the function's own (home) account here.
const VAULT = '123456789012';
const W = '100000000002';
const config = quickstart([
  [
    ['protect'],
    { rds: [{ account: W, names: ['orders', 'ledger-db'] }], ebs: [{ account: W, tags: { a: 'b' } }] },
  ],
  [['rpoMinutes', 'rds'], 60],
]);
const region = config.vault.region;
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const copy = (id: string, db: string, createdAt: string): CatalogEntry => ({
  id,
  service: 'rds',
  sourceArn: `arn:aws:rds:${region}:${W}:snapshot:${id}`,
  sourceAccount: W,
  sourceResource: `arn:aws:rds:${region}:${W}:db:${db}`,
  region,
  vaultCopyId: `airgap-${id}`,
  vaultCopyArn: `arn:aws:rds:${region}:${VAULT}:snapshot:airgap-${id}`,
  createdAt,
  retainUntil: '2099-01-01T00:00:00.000Z',
  state: 'available',
});

interface Emf {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [k: string]: unknown;
}

describe('RPO monitor function (moto: DynamoDB catalog, SSM settings)', () => {
  const moto = useMoto(region);
  const emitted: Emf[] = [];
  let handler: (event: unknown, context: Context) => Promise<unknown>;

  beforeAll(async () => {
    const catalog = new Catalog({
      clients: moto.clients,
      account: VAULT,
      region,
      table: `${config.name}-airgap-catalog`,
    });
    await catalog.createForSandbox();
    // orders: copied 3 hours ago against a 60-minute RPO (stale); ledger-db: 10 minutes ago (fresh).
    await catalog.record(copy('old', 'orders', hoursAgo(3)));
    await catalog.record(copy('new', 'ledger-db', hoursAgo(1 / 6)));
    // The settings as the stack stores them (src/infra/vault/rpo-monitor.ts), in the function's own account.
    const path = settingsPath(config.name, 'rpo-monitor');
    const settings: RpoMonitorSettings = {
      vaultAccount: VAULT,
      region,
      catalogTable: `${config.name}-airgap-catalog`,
      scope: rpoScope(config),
    };
    for (const { Name, Value } of settingsParameters(path, settings))
      await moto.clients.for(SSMClient, VAULT).send(new PutParameterCommand({ Name, Value, Type: 'String' }));
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: moto.server.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIAAIRGAPTEST000000',
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_REGION: region,
      AIRGAP_SETTINGS: path,
      POWERTOOLS_METRICS_NAMESPACE: 'AirGapRecover',
      POWERTOOLS_SERVICE_NAME: 'airgap-rpo-monitor',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      // Metrics to the global console (spied on), and on although POWERTOOLS_DEV would turn them off.
      POWERTOOLS_DEV: 'true',
      POWERTOOLS_METRICS_DISABLED: 'false',
    });
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
      if (typeof line === 'string' && line.includes('"_aws"')) emitted.push(JSON.parse(line) as Emf);
    });
    ({ handler } = await import('./rpo-monitor.js'));
  });
  afterAll(() => {
    vi.restoreAllMocks();
    for (const k of ['AWS_ENDPOINT_URL', 'POWERTOOLS_DEV', 'POWERTOOLS_METRICS_DISABLED'])
      delete process.env[k];
  });

  it('threat #24: a resource whose newest vault copy is older than its RPO is an RPO breach, a fresh one is not; each published with exactly the dimensions the alarm queries', async () => {
    // The scheduled event as EventBridge sends it: the scope comes from the settings, not from the event.
    const scheduled = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
    const result = await handler(scheduled, { functionName: 'rpo-monitor' } as Context);
    expect(result).toMatchObject({ outsideRpo: 1, neverReached: 0 });
    const breaches = emitted.filter((e) => e._aws.CloudWatchMetrics[0]!.Metrics[0]!.Name === 'RpoBreaches');
    // Exactly [Service]: the alarm's SCHEMA("AirGapRecover", Service) query sees nothing with any other set.
    expect(breaches.map((e) => e._aws.CloudWatchMetrics[0]!.Dimensions)).toEqual([
      [['Service']],
      [['Service']],
      [['Service']],
    ]);
    expect(Object.fromEntries(breaches.map((e) => [e['Service'], e['RpoBreaches']]))).toEqual({
      rds: 1,
      aurora: 0,
      ebs: 0,
    });
    const ages = emitted.filter(
      (e) => e._aws.CloudWatchMetrics[0]!.Metrics[0]!.Name === 'RecoveryPointAgeMinutes',
    );
    expect(ages.map((e) => e._aws.CloudWatchMetrics[0]!.Dimensions)).toEqual([
      [['Service', 'ProtectedResource']],
      [['Service', 'ProtectedResource']],
    ]);
    const age = (db: string) =>
      ages.find((e) => e['ProtectedResource'] === `arn:aws:rds:${region}:${W}:db:${db}`)?.[
        'RecoveryPointAgeMinutes'
      ];
    expect(age('orders')).toBeGreaterThanOrEqual(179);
    expect(age('ledger-db')).toBeLessThan(60);
  }, 120_000);
});
