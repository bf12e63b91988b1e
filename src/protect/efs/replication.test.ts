import {
  CreateReplicationConfigurationCommand,
  DescribeFileSystemsCommand,
  DescribeReplicationConfigurationsCommand,
  EFSClient,
} from '@aws-sdk/client-efs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { quickstart } from '../../../test/support/config.js';
import { replicaDescription } from '../../../test/support/efs-fixtures.js';
import { AwsClients } from '../../aws/clients.js';
import { protectedFileSystems } from '../../config/index.js';
import { applyEfsReplicationPlan, efsReplicationPlan } from './replication.js';

const W = '100000000002';
const VAULT = '200000000002';
const config = quickstart([
  [['protect', 'efs'], [{ account: W, names: ['fs-0123456789abcdef0', 'fs-0aaaabbbbccccdddd'] }]],
]);
const [home, other] = protectedFileSystems(config);
const replicaArn = (n: number) =>
  `arn:aws:elasticfilesystem:us-east-1:${VAULT}:file-system/fs-0000000000000000${n}`;
const notFound = () => Object.assign(new Error('no replication'), { name: 'ReplicationNotFound' });
const clients = () =>
  new AwsClients({
    region: 'us-east-1',
    roleName: 'r',
    baseCredentials: { accessKeyId: 'a', secretAccessKey: 's' },
  });

/** An EFS answering like AWS: the vault account's replicas tagged with their sources, and what replicates where. */
function efsMock(replicas: { n: number; source: string }[], replicating = new Map<string, string>()) {
  const efs = mockClient(EFSClient);
  efs.on(DescribeFileSystemsCommand).resolves({
    FileSystems: replicas.map(({ n, source }) =>
      replicaDescription(`fs-0000000000000000${n}`, replicaArn(n), source),
    ),
  });
  efs.on(DescribeReplicationConfigurationsCommand).callsFake(async (input: { FileSystemId: string }) => {
    const destination = replicating.get(input.FileSystemId);
    if (!destination) throw notFound();
    return {
      Replications: [
        {
          SourceFileSystemId: input.FileSystemId,
          SourceFileSystemRegion: 'us-east-1',
          SourceFileSystemArn: `arn:aws:elasticfilesystem:us-east-1:${W}:file-system/${input.FileSystemId}`,
          OriginalSourceFileSystemArn: `arn:aws:elasticfilesystem:us-east-1:${W}:file-system/${input.FileSystemId}`,
          CreationTime: new Date(),
          Destinations: [{ Status: 'ENABLED', FileSystemId: destination, Region: 'us-east-1' }],
        },
      ],
    };
  });
  efs
    .on(CreateReplicationConfigurationCommand)
    .callsFake(async (input: { SourceFileSystemId: string; Destinations: { FileSystemId: string }[] }) => {
      replicating.set(input.SourceFileSystemId, input.Destinations[0]!.FileSystemId);
      return {};
    });
  return efs;
}

let efs: ReturnType<typeof mockClient> | undefined;
afterEach(() => efs?.restore());

describe('EFS replication into the vault (client mock: moto lacks EFS replication)', () => {
  it('points each protected file system at its own vault replica, as its account with AirGapEfsReplication; a re-run creates nothing', async () => {
    efs = efsMock([
      { n: 1, source: home!.arn },
      { n: 2, source: other!.arn },
    ]);
    const c = clients();
    const steps = await efsReplicationPlan(c, config, [home!, other!]);
    expect(steps.map((s) => s.action)).toEqual(['create', 'create']);
    await applyEfsReplicationPlan(c, [home!, other!], steps);
    expect(efs.commandCalls(CreateReplicationConfigurationCommand).map((call) => call.args[0].input)).toEqual(
      [
        {
          SourceFileSystemId: 'fs-0123456789abcdef0',
          Destinations: [
            {
              Region: 'us-east-1',
              FileSystemId: replicaArn(1),
              RoleArn: `arn:aws:iam::${W}:role/AirGapEfsReplication`,
            },
          ],
        },
        {
          SourceFileSystemId: 'fs-0aaaabbbbccccdddd',
          Destinations: [
            {
              Region: 'us-east-1',
              FileSystemId: replicaArn(2),
              RoleArn: `arn:aws:iam::${W}:role/AirGapEfsReplication`,
            },
          ],
        },
      ],
    );
    const again = await efsReplicationPlan(c, config, [home!, other!]);
    expect(again.map((s) => s.action)).toEqual(['in-place', 'in-place']);
    await applyEfsReplicationPlan(c, [home!, other!], again);
    expect(efs.commandCalls(CreateReplicationConfigurationCommand)).toHaveLength(2);
  });

  it('threat #31: planning (--dry-run) makes no mutating call', async () => {
    efs = efsMock([{ n: 1, source: home!.arn }]);
    const steps = await efsReplicationPlan(clients(), config, [home!]);
    expect(steps[0]).toMatchObject({ action: 'create', destination: replicaArn(1) });
    expect(efs.commandCalls(CreateReplicationConfigurationCommand)).toHaveLength(0);
  });

  it('a file system replicating elsewhere is blocked with the command that frees it, never re-pointed', async () => {
    efs = efsMock([{ n: 1, source: home!.arn }], new Map([['fs-0123456789abcdef0', 'fs-0dddd0000eeee1111']]));
    const c = clients();
    const steps = await efsReplicationPlan(c, config, [home!]);
    expect(steps[0]).toMatchObject({
      action: 'blocked',
      reason: expect.stringContaining(
        'already replicates into fs-0dddd0000eeee1111, and a file system takes part in one replication configuration only',
      ),
    });
    await applyEfsReplicationPlan(c, [home!], steps);
    expect(efs.commandCalls(CreateReplicationConfigurationCommand)).toHaveLength(0);
  });

  it('a file system without a deployed replica is blocked, naming the stack to deploy', async () => {
    efs = efsMock([]);
    const steps = await efsReplicationPlan(clients(), config, [home!]);
    expect(steps[0]).toMatchObject({
      action: 'blocked',
      reason: expect.stringContaining('deploy quickstart-airgap-vault-efs first'),
    });
  });
});
