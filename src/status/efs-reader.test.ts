import {
  DescribeFileSystemsCommand,
  DescribeReplicationConfigurationsCommand,
  EFSClient,
} from '@aws-sdk/client-efs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { quickstart } from '../../test/support/config.js';
import { replicaDescription } from '../../test/support/efs-fixtures.js';
import { AwsClients } from '../aws/clients.js';
import { efsReader } from './efs-reader.js';
import { evaluate } from './evaluate.js';

const W = '100000000002';
const VAULT = '200000000002';
const ids = ['fs-0000000000000001', 'fs-0000000000000002', 'fs-0000000000000003'];
const config = quickstart([[['protect', 'efs'], [{ account: W, names: ids }]]]);
const source = (id: string) => `arn:aws:elasticfilesystem:us-east-1:${W}:file-system/${id}`;
const now = new Date('2026-11-23T12:00:00Z');

describe('EFS in airgap status (client mock: moto lacks EFS replication)', () => {
  it("each file system by its replica's last sync, read in the vault: within the RPO, not replicating, replicating another file system, no replica, then stale", async () => {
    const efs = mockClient(EFSClient);
    // Replicas of the first two file systems; the third has none deployed.
    efs.on(DescribeFileSystemsCommand).resolves({
      FileSystems: ids
        .slice(0, 2)
        .map((id, i) =>
          replicaDescription(
            `fs-replica${i}`,
            `arn:aws:elasticfilesystem:us-east-1:${VAULT}:file-system/fs-replica${i}`,
            source(id),
          ),
        ),
    });
    efs
      .on(DescribeReplicationConfigurationsCommand, { FileSystemId: 'fs-replica0' })
      .resolves({
        Replications: [
          {
            SourceFileSystemId: ids[0],
            SourceFileSystemRegion: 'us-east-1',
            SourceFileSystemArn: source(ids[0]!),
            OriginalSourceFileSystemArn: source(ids[0]!),
            CreationTime: now,
            Destinations: [
              {
                Status: 'ENABLED',
                FileSystemId: 'fs-replica0',
                Region: 'us-east-1',
                LastReplicatedTimestamp: new Date(now.getTime() - 20 * 60_000),
              },
            ],
          },
        ],
      })
      .on(DescribeReplicationConfigurationsCommand, { FileSystemId: 'fs-replica1' })
      .rejectsOnce(Object.assign(new Error('none'), { name: 'ReplicationNotFound' }))
      // Then the source account replicates another (empty) file system of its own into the replica.
      .resolves({
        Replications: [
          {
            SourceFileSystemId: 'fs-0000000000000009',
            SourceFileSystemRegion: 'us-east-1',
            SourceFileSystemArn: source('fs-0000000000000009'),
            OriginalSourceFileSystemArn: source('fs-0000000000000009'),
            CreationTime: now,
            Destinations: [
              {
                Status: 'ENABLED',
                FileSystemId: 'fs-replica1',
                Region: 'us-east-1',
                LastReplicatedTimestamp: now,
              },
            ],
          },
        ],
      });
    const clients = new AwsClients({
      region: 'us-east-1',
      roleName: 'r',
      baseCredentials: { accessKeyId: 'a', secretAccessKey: 's' },
    });
    const report = evaluate(config, await efsReader(clients, config), now, ['efs-replication']);
    const rows = Object.fromEntries(report.resources.map((r) => [r.resource.split('/').pop(), r]));
    expect(rows[ids[0]!]).toMatchObject({ state: 'within-rpo', ageMinutes: 20, rpoMinutes: 60 });
    expect(rows[ids[0]!]!.detail.join(' ')).toContain('replica fs-replica0, replication ENABLED');
    expect(rows[ids[0]!]!.detail.join(' ')).toContain('a mirror');
    expect(rows[ids[1]!]).toMatchObject({ state: 'never-reached' });
    expect(rows[ids[1]!]!.detail[0]).toContain('NOT REPLICATING');
    expect(rows[ids[2]!]!.detail[0]).toContain('no replica in the vault account');
    expect(
      evaluate(config, await efsReader(clients, config), new Date(now.getTime() + 3_600_000), [
        'efs-replication',
      ]).resources.find((r) => r.resource === source(ids[0]!)),
    ).toMatchObject({ state: 'outside-rpo', ageMinutes: 80 });
    efs.restore();
  });
});
