import type { Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { handlerEnvironment, settingsAndMetrics } from '../../test/support/handler-settings.js';
import { keysOf } from '../../test/support/emitted-metrics.js';
import type { SweepReport } from '../protect/snapshots/retention-sweeper.js';
import type { SweeperSettings } from './retention-sweeper.js';

handlerEnvironment('airgap-retention-sweeper', '/airgap/quickstart/retention-sweeper/settings');

// The sweep itself is tested with unexpired, expiring and malformed tags (src/protect/snapshots/retention-sweeper
// .test.ts): here it returns a fixed report per service and region, so the test pins the handler's metrics.
const sweepRetention = vi.hoisted(() => vi.fn<() => Promise<SweepReport>>());
vi.mock('../protect/snapshots/retention-sweeper.js', () => ({ sweepRetention }));
const { handler } = await import('./retention-sweeper.js');

const settings: SweeperSettings = {
  deployment: 'quickstart',
  vaultAccount: '200000000002',
  region: 'us-east-1',
  sourceRegions: ['us-east-1', 'eu-west-1'],
};

describe('retention sweeper handler metrics (client mock: SSM settings; the sweep is stubbed)', () => {
  const metrics = settingsAndMetrics(settings);

  it('sums every service and region and publishes deleted and malformed per deployment, without the default service dimension', async () => {
    sweepRetention.mockResolvedValue({
      deleted: ['airgap-a'],
      kept: ['airgap-b'],
      malformed: [{ id: 'airgap-c', value: 'soon' }],
    });
    const summary = await handler({}, { functionName: 'sweeper', awsRequestId: 'r' } as Context);
    // Three services in two regions.
    expect(summary).toEqual({ deleted: 6, kept: 6, malformed: 6 });
    const docs = metrics.documents();
    expect(docs.map(keysOf)).toEqual([
      ['Deployment', 'VaultCopiesExpiredDeleted'],
      ['Deployment', 'VaultCopiesMalformedRetention'],
    ]);
    expect(docs.map((d) => [d['Deployment'], d._aws.CloudWatchMetrics[0]?.Dimensions])).toEqual([
      ['quickstart', [['Deployment']]],
      ['quickstart', [['Deployment']]],
    ]);
  });
});
