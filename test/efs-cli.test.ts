import {
  CreateReplicationConfigurationCommand,
  DescribeFileSystemsCommand,
  DescribeReplicationConfigurationsCommand,
  EFSClient,
} from '@aws-sdk/client-efs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../src/cli/main.js';
import { quickstartYaml } from './support/config.js';
import { replicaDescription } from './support/efs-fixtures.js';

const W = '100000000002';
const source = `arn:aws:elasticfilesystem:us-east-1:${W}:file-system/fs-0123456789abcdef0`;
const replica = 'arn:aws:elasticfilesystem:us-east-1:200000000002:file-system/fs-0000000000000001';
const file = join(mkdtempSync(join(tmpdir(), 'airgap-efs-')), 'airgap.yaml');
writeFileSync(
  file,
  quickstartYaml([[['protect', 'efs'], [{ account: W, names: ['fs-0123456789abcdef0'] }]]]),
);

const configureReplication = (...args: string[]) =>
  run(['node', 'airgap', 'efs', 'configure-replication', '--config', file, ...args]);

let efs: ReturnType<typeof mockClient> | undefined;
afterEach(() => {
  efs?.restore();
  vi.restoreAllMocks();
});

describe('airgap efs configure-replication (in-process CLI; client mock: moto lacks EFS replication)', () => {
  it('exits 2 with one line naming the protected file systems when --file-system is not one, calling nothing', async () => {
    efs = mockClient(EFSClient);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await configureReplication('--file-system', 'fs-99999999')).toBe(2);
    expect(errors.mock.calls.map((c) => String(c[0]))).toEqual([
      `--file-system fs-99999999: not a protected EFS file system of ${file}; protected: fs-0123456789abcdef0`,
    ]);
    expect(efs.calls()).toHaveLength(0);
  });

  it('threat #31: --dry-run --output json prints the replication it would create and creates none', async () => {
    efs = mockClient(EFSClient);
    efs
      .on(DescribeFileSystemsCommand)
      .resolves({ FileSystems: [replicaDescription('fs-0000000000000001', replica, source)] });
    efs
      .on(DescribeReplicationConfigurationsCommand)
      .rejects(Object.assign(new Error('none'), { name: 'ReplicationNotFound' }));
    const out = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await configureReplication('--dry-run', '--output', 'json')).toBe(0);
    expect(JSON.parse(String(out.mock.calls[0]![0]))).toEqual({
      dryRun: true,
      steps: [
        {
          fileSystem: source,
          account: W,
          action: 'create',
          destination: replica,
          region: 'us-east-1',
          role: `arn:aws:iam::${W}:role/AirGapEfsReplication`,
        },
      ],
    });
    expect(efs.commandCalls(CreateReplicationConfigurationCommand)).toHaveLength(0);
  });
});
