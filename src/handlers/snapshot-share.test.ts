import type { Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { handlerEnvironment, settingsAndMetrics } from '../../test/support/handler-settings.js';
import { keysOf } from '../../test/support/emitted-metrics.js';
import type { ShareOutcome } from '../protect/snapshots/share.js';
import type { ShareSettings } from './snapshot-share.js';

handlerEnvironment('airgap-snapshot-share', '/airgap/quickstart/snapshot-share/settings');

// The share step is tested on the sandbox and with client mocks (src/protect/snapshots/share.test.ts): here it
// returns a fixed outcome, so the test pins the handler's metric.
const shareWithVault = vi.hoisted(() => vi.fn<() => Promise<ShareOutcome>>());
vi.mock('../protect/snapshots/share.js', () => ({ shareWithVault }));
const { handler } = await import('./snapshot-share.js');

const settings: ShareSettings = {
  deployment: 'quickstart',
  homeAccount: '100000000002',
  region: 'us-east-1',
  vaultAccount: '200000000002',
  sourceRegions: ['us-east-1'],
  protect: {},
};
const event = {
  'detail-type': 'RDS DB Snapshot Event',
  account: '100000000002',
  region: 'us-east-1',
  detail: { SourceArn: 'arn:aws:rds:us-east-1:100000000002:snapshot:orders-1' },
};

describe('snapshot share handler metric (client mock: SSM settings; the share step is stubbed)', () => {
  const metrics = settingsAndMetrics(settings);

  it('publishes SnapshotShares per deployment and action, exactly those dimensions, once per run', async () => {
    const context = { functionName: 'share', awsRequestId: 'r' } as Context;
    shareWithVault.mockResolvedValueOnce({ action: 'refused', snapshot: 's', notes: ['AWS-managed key'] });
    await handler(event, context);
    shareWithVault.mockResolvedValueOnce({ action: 'shared', snapshot: 's', notes: [] });
    await handler(event, context);
    const docs = metrics.documents();
    expect(docs.map(keysOf)).toEqual([
      ['Action', 'Deployment', 'SnapshotShares'],
      ['Action', 'Deployment', 'SnapshotShares'],
    ]);
    expect(docs.map((d) => [d['Action'], d._aws.CloudWatchMetrics[0]?.Dimensions])).toEqual([
      ['refused', [['Deployment', 'Action']]],
      ['shared', [['Deployment', 'Action']]],
    ]);
  });
});
