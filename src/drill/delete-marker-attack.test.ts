import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketReplicationCommand,
  HeadBucketCommand,
  GetObjectLockConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../aws/clients.js';
import { protectedBuckets } from '../config/index.js';
import { replicationConfiguration } from '../protect/s3/replication.js';
import { quickstart } from '../../test/support/config.js';
import type { AttackRecord } from './attacks.js';
import { driftAfterAttack } from './delete-marker-attack.js';

const config = quickstart();
const bucket = protectedBuckets(config)[0]!;
const clients = new AwsClients({ region: 'us-east-1', roleName: 'AirGapOperator' });
const executed = (action: string): AttackRecord => ({
  actor: 'source account payments administrator',
  attack: 'turn on delete-marker replication, the source SCPs detached (threat #5)',
  action,
  resource: `arn:aws:s3:::${bucket.bucket}`,
  target: 'source',
  policy: 'allowed',
  decidedBy: [],
  emulator: 'executed',
  emulatorDetail: '',
  stoppedBy: 'nothing',
  gotThrough: false,
  at: new Date().toISOString(),
});

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

function sourceReplicates(markers: 'Enabled' | 'Disabled') {
  const rules = replicationConfiguration(config, bucket);
  rules.Rules![0]!.DeleteMarkerReplication = { Status: markers };
  s3.on(GetBucketReplicationCommand).resolves({ ReplicationConfiguration: rules });
  s3.on(GetBucketLifecycleConfigurationCommand).resolves({ Rules: [] });
  s3.on(GetBucketEncryptionCommand).resolves({});
  s3.on(HeadBucketCommand).resolves({});
  s3.on(GetObjectLockConfigurationCommand).resolves({});
}

describe('driftAfterAttack (client mock: an attacker change the live state does not show)', () => {
  it('threat #5: flags delete-marker replication turned on, with audit’s own control', async () => {
    sourceReplicates('Enabled');
    const { drift, unflagged } = await driftAfterAttack(clients, config, [
      executed('s3:PutReplicationConfiguration'),
    ]);
    expect(drift.map((f) => f.control)).toContain('SOURCE_DELETE_MARKER_REPLICATION');
    expect(unflagged).toEqual([]);
  });

  it('an executed rule change that no control flags is a problem that names the control', async () => {
    sourceReplicates('Disabled');
    const { unflagged } = await driftAfterAttack(clients, config, [
      executed('s3:PutReplicationConfiguration'),
    ]);
    expect(unflagged).toEqual([
      'drift not flagged: turn on delete-marker replication, the source SCPs detached (threat #5) (s3:PutReplicationConfiguration) left SOURCE_DELETE_MARKER_REPLICATION passing',
    ]);
  });
});
