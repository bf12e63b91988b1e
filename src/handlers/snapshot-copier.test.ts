import type { Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { handlerEnvironment, settingsAndMetrics } from '../../test/support/handler-settings.js';
import { keysOf } from '../../test/support/emitted-metrics.js';
import type { CopierReport } from '../protect/snapshots/copier.js';
import type { CopierSettings } from './snapshot-copier.js';

handlerEnvironment('airgap-snapshot-copier', '/airgap/quickstart/snapshot-copier/settings');

// The copier is tested on the sandbox (test/snapshot-copier.test.ts) and with client mocks
// (src/protect/snapshots/copier.test.ts): here it returns a fixed report, so the test pins the metrics.
const runCopier = vi.hoisted(() => vi.fn<() => Promise<CopierReport>>());
vi.mock('../protect/snapshots/copier.js', () => ({ runCopier }));
vi.mock('../protect/snapshots/apis.js', () => {
  const api = { listShared: () => Promise.resolve([]) };
  return { snapshotApis: () => ({ rds: api, aurora: api, ebs: api }) };
});
const { handler } = await import('./snapshot-copier.js');

const settings: CopierSettings = {
  deployment: 'quickstart',
  vaultAccount: '200000000002',
  region: 'us-east-1',
  sourceRegions: ['us-east-1'],
  retentionDays: 30,
  catalogTable: 'quickstart-airgap-catalog',
};
const context = { functionName: 'quickstart-snapshot-copier', awsRequestId: 'r1' } as Context;
const db = 'arn:aws:rds:us-east-1:100000000002:db:orders';

describe('snapshot copier handler metrics (client mock: SSM settings; the copier is stubbed)', () => {
  const metrics = settingsAndMetrics(settings);
  const emitted = metrics.documents;

  it('publishes SnapshotCopyFailures per protected resource (not per snapshot), with exactly the dimensions the alarm and dashboard query', async () => {
    runCopier.mockResolvedValue({
      outcomes: [
        {
          snapshot: `${db}-s1`.replace(':db:', ':snapshot:'),
          result: 'failed',
          cause: 'x',
          service: 'rds',
          resource: db,
        },
      ],
      inFlight: 0,
    });
    await handler({ event: {}, attempt: 0 }, context);
    const failures = emitted().filter((m) => 'SnapshotCopyFailures' in m);
    expect(failures).toEqual([
      expect.objectContaining({
        Service: 'rds',
        ProtectedResource: db,
        SnapshotCopyFailures: 1,
        _aws: expect.objectContaining({
          CloudWatchMetrics: [
            expect.objectContaining({
              Namespace: 'AirGapRecover',
              // Exactly these: SCHEMA("AirGapRecover", Service, ProtectedResource) sees nothing with another set.
              Dimensions: [['Service', 'ProtectedResource']],
            }),
          ],
        }),
      }),
    ]);
    expect(failures[0]).not.toHaveProperty('service');
  });

  it("publishes the per-run counts per deployment, without Powertools' default service dimension", async () => {
    runCopier.mockResolvedValue({ outcomes: [], inFlight: 2 });
    const summary = await handler({ event: {}, attempt: 1 }, context);
    expect(summary).toMatchObject({ copied: 0, inFlight: 2, pending: 2, waitSeconds: 120 });
    const counts = emitted();
    expect(counts.map(keysOf)).toEqual([
      ['Deployment', 'SnapshotCopiesStarted'],
      ['Deployment', 'SnapshotCopiesCompleted'],
      ['Deployment', 'SnapshotCopiesDeferred'],
    ]);
    for (const m of counts)
      expect(m._aws.CloudWatchMetrics).toEqual([expect.objectContaining({ Dimensions: [['Deployment']] })]);
  });
});
