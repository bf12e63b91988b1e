import { DescribeSnapshotsCommand, DescribeVolumesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { observeCommands, type SentCommand } from '../src/aws/clients.js';
import { run } from '../src/cli/main.js';
import type { Catalog } from '../src/catalog/catalog.js';
import { RESOURCE_NAMES, ROLE_NAMES, TAGS } from '../src/config/index.js';
import { cleanUpDrill } from '../src/drill/cleanup.js';
import { drillName } from '../src/drill/prefix.js';
import { TEMPLATES_ONLY } from '../src/infra/app.js';
import { synthesize } from '../src/infra/synth.js';
import { attackCatalogue } from '../src/proof/attacks.js';
import { authorize } from '../src/proof/evaluate.js';
import { loadModel, type ProofModel } from '../src/proof/model.js';
import { principals } from '../src/proof/principals.js';
import { prove } from '../src/proof/prove.js';
import { keyArnOf } from '../src/protect/kms/key-facts.js';
import { runCopier } from '../src/protect/snapshots/copier.js';
import { restoreSnapshot } from '../src/protect/snapshots/restore.js';
import {
  emulatedSnapshotApis,
  restoreRoleApis,
  snapshotApisFor,
} from '../src/sandbox/snapshot-copy-emulator.js';
import { provisionSnapshotSandbox } from '../src/sandbox/snapshot-provision.js';
import { ownAccounts, quickstart, quickstartYaml } from './support/config.js';
import { deniedCalls, resourceFacts } from './support/denied-calls.js';
import { useMoto } from './support/moto.js';
import { sharedEbsSnapshot } from './support/snapshot-fixtures.js';

// Volumes protected in a second source region (eu-west-1), none in a third (ap-southeast-2); the vault in us-east-1.
const accounts = ownAccounts('75', '76');
const { workload: W, vault: VAULT, restore: RESTORE } = accounts;
const SECOND = 'eu-west-1';
const edits: Parameters<typeof quickstart>[0] = [
  ...accounts.edits,
  [
    ['organizations', 'source', 'regions'],
    ['us-east-1', SECOND, 'ap-southeast-2'],
  ],
  [['protect'], { ebs: [{ account: W, region: SECOND, tags: { airgap: 'protect' } }] }],
  [['paths', 'backup'], false],
  [['backup', 'airGappedVault'], false],
];
const config = quickstart(edits);
const region = config.vault.region;
const alias = RESOURCE_NAMES.restoreKeyAlias(config);

describe('restore of a vault copy outside the vault region, into the restore account there (moto, cross-account copy emulated; each call evaluated against the synthesized policies by iam-simulate, Discovery mode)', () => {
  const moto = useMoto(region);
  const dir = mkdtempSync(join(tmpdir(), 'airgap-restore-regions-'));
  const file = join(dir, 'airgap.yaml');
  let model: ProofModel;
  let catalog: Catalog;
  /** Whether `role` of the restore account may make a call in region `at` (Strict mode, a person with MFA). */
  const mayAs =
    (role: string) =>
    async (action: string, resource: string, at: string, context: Record<string, string> = {}) =>
      (
        await authorize(
          model,
          { ...principals(model).find((p) => p.id === `role:${RESTORE}:${role}`)!, mfa: true },
          {
            action,
            resource,
            resourceAccount: RESTORE,
            context: {
              'aws:ViaAWSService': 'false',
              // On the quickstart's allowed network (access.allowedCidrs).
              'aws:SourceIp': '203.0.113.7',
              'aws:ResourceAccount': RESTORE,
              'aws:RequestedRegion': at,
              ...context,
            },
          },
          'Strict',
        )
      ).allowed;
  /** The restore key of region `at` in the templates (the proof's model). */
  const restoreKeyIn = (at: string) =>
    model.resources.find(
      (r) => r.kind === 'key' && r.alias === alias && r.arn.startsWith(`arn:aws:kms:${at}:${RESTORE}:`),
    );

  beforeAll(async () => {
    writeFileSync(file, quickstartYaml(edits));
    synthesize(config, join(dir, 'templates'), TEMPLATES_ONLY);
    model = loadModel(config, join(dir, 'templates'));
    catalog = await provisionSnapshotSandbox(moto.clients, config);
    await sharedEbsSnapshot(moto.clients, W, SECOND, VAULT);
    const apis = emulatedSnapshotApis(moto.clients, config);
    await runCopier(
      { clients: moto.clients, config, catalog, apis },
      await apis.ebs.listShared(VAULT, SECOND),
    );
  }, 180_000);

  it('the sandbox holds a restore key where the restore stacks put one: the vault region and the second region, not the third (moto)', async () => {
    expect(await keyArnOf(moto.clients, RESTORE, region, alias)).toBeDefined();
    expect(await keyArnOf(moto.clients, RESTORE, SECOND, alias)).toBeDefined();
    expect(await keyArnOf(moto.clients, RESTORE, 'ap-southeast-2', alias)).toBeUndefined();
  });

  it('airgap restore ebs restores the copy in its own region under that region’s restore key, and AirGapRestore and the operator hold every call it sends (moto)', async () => {
    const entry = (await catalog.list()).find((e) => e.service === 'ebs')!;
    expect(entry.region).toBe(SECOND);
    const sent: SentCommand[] = [];
    const out: string[] = [];
    const stop = observeCommands((s) => sent.push(s));
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    const args = ['restore', 'ebs', '--from', entry.id, '--output', 'json', '--wait', '1'];
    let code: number;
    try {
      code = await run(['node', 'airgap', ...args, '--config', file, '--endpoint', moto.server.endpoint]);
    } finally {
      stop();
      log.mockRestore();
    }
    expect(code).toBe(0);
    const report = JSON.parse(out.join('\n')) as {
      complete: boolean;
      target: { account: string; region: string; name: string };
    };
    expect(report).toMatchObject({ complete: true, target: { account: RESTORE, region: SECOND } });
    const volumes = await moto.clients
      .for(EC2Client, RESTORE, SECOND)
      .send(new DescribeVolumesCommand({ Filters: [{ Name: 'tag:Name', Values: [report.target.name] }] }));
    expect(volumes.Volumes).toHaveLength(1);
    expect(volumes.Volumes![0]!.Encrypted).toBe(true);
    // The restore account's steps ran there, as the restore role.
    expect(
      sent.filter((s) => s.region === SECOND && s.role === ROLE_NAMES.restore).map((s) => s.command),
    ).toEqual(expect.arrayContaining(['CopySnapshot', 'CreateVolume']));
    const facts = await resourceFacts(moto.clients, config, model);
    expect((await deniedCalls(model, 'restore ebs', sent, facts)).map((d) => d.line)).toEqual([]);
  });

  it('the drill’s clean-up deletes its restore copy and volume in the second region as the operator, every call granted, and leaves a real restore there (moto, cross-account copy emulated)', async () => {
    const drill = 'd2region';
    const { volumeId } = await sharedEbsSnapshot(moto.clients, W, SECOND, VAULT);
    const apis = emulatedSnapshotApis(moto.clients, config);
    await runCopier(
      { clients: moto.clients, config, catalog, apis },
      await apis.ebs.listShared(VAULT, SECOND),
    );
    const entry = (await catalog.list()).find((e) => e.sourceResource.includes(volumeId))!;
    expect(entry.region).toBe(SECOND);
    // The drill's restore step: `airgap restore`'s own function, tagged with the drill id.
    const restored = await restoreSnapshot(
      {
        clients: moto.clients,
        config,
        catalog,
        apis: snapshotApisFor(moto.clients, config),
        restore: restoreRoleApis(moto.clients, config),
      },
      { service: 'ebs', from: entry.id, to: drillName(drill, 'restore-0'), drill, waitMs: 1000, pollMs: 10 },
    );
    expect(restored).toMatchObject({ complete: true, target: { region: SECOND } });
    const ec2 = moto.clients.for(EC2Client, RESTORE, SECOND);
    const copyId = (
      await ec2.send(
        new DescribeSnapshotsCommand({
          OwnerIds: ['self'],
          Filters: [{ Name: `tag:${TAGS.drill}`, Values: [drill] }],
        }),
      )
    ).Snapshots?.map((s) => s.SnapshotId!);
    expect(copyId).toHaveLength(1);

    const sent: SentCommand[] = [];
    const stop = observeCommands((c) => sent.push(c));
    const done = await cleanUpDrill(moto.clients, config, drill).finally(stop);
    expect(done.failed).toEqual([]);
    expect(done.deleted.sort()).toEqual([restored.restored!.id, copyId![0]!].sort());
    expect(
      sent.filter((c) => c.account === RESTORE && c.region === SECOND && c.command.startsWith('Delete')),
    ).toHaveLength(2);
    const facts = await resourceFacts(moto.clients, config, model);
    expect((await deniedCalls(model, 'drill --target aws', sent, facts)).map((d) => d.line)).toEqual([]);
    // The real restore of the test above stays, with its copy.
    const left = await ec2.send(new DescribeVolumesCommand({}));
    expect(left.Volumes?.map((v) => v.VolumeId)).not.toContain(restored.restored!.id);
    expect(left.Volumes?.some((v) => v.Tags?.some((t) => t.Key === TAGS.restoredFrom))).toBe(true);
  });

  it('the restore account’s operator deletes drill-tagged restores and copies in the regions of the vault copies only, and nothing untagged (Strict mode)', async () => {
    const operator = mayAs(ROLE_NAMES.operator);
    const may = (action: string, resource: string, at: string, drill: boolean) =>
      operator(action, resource, at, drill ? { [`aws:ResourceTag/${TAGS.drill}`]: 'd1' } : {});
    const calls = (at: string): [string, string][] => [
      ['ec2:DeleteVolume', `arn:aws:ec2:${at}:${RESTORE}:volume/vol-1`],
      ['ec2:DeleteSnapshot', `arn:aws:ec2:${at}::snapshot/snap-1`],
      ['rds:DeleteDBSnapshot', `arn:aws:rds:${at}:${RESTORE}:snapshot:airgap-restore-c1`],
      ['rds:DeleteDBClusterSnapshot', `arn:aws:rds:${at}:${RESTORE}:cluster-snapshot:airgap-restore-c1`],
    ];
    for (const at of [region, SECOND])
      for (const [action, resource] of calls(at)) {
        expect(await may(action, resource, at, true), `${action} ${resource}`).toBe(true);
        expect(await may(action, resource, at, false), `${action} ${resource} untagged`).toBe(false);
      }
    for (const [action, resource] of calls('ap-southeast-2'))
      expect(await may(action, resource, 'ap-southeast-2', true), `${action} ${resource}`).toBe(false);
    for (const [at, allowed] of [
      [SECOND, true],
      ['ap-southeast-2', false],
    ] as const)
      expect(
        await may(
          'rds:DeleteDBInstance',
          `arn:aws:rds:${at}:${RESTORE}:db:${drillName('d1', 'restore-0')}`,
          at,
          false,
        ),
      ).toBe(allowed);
  });

  it('the audit reads the state and rotation of each region’s restore key: AirGapOperator and the scheduled audit’s read role may, in the regions of the vault copies only (Strict mode)', async () => {
    const arn = (at: string) => restoreKeyIn(at)?.arn ?? `arn:aws:kms:${at}:${RESTORE}:key/other`;
    for (const role of [ROLE_NAMES.operator, ROLE_NAMES.auditor]) {
      const may = (action: string, at: string) =>
        mayAs(role)(action, arn(at), at, { 'kms:ResourceAliases': alias });
      for (const action of ['kms:DescribeKey', 'kms:GetKeyRotationStatus']) {
        for (const at of [region, SECOND])
          expect(await may(action, at), `${role} ${action} ${at}`).toBe(true);
        expect(await may(action, 'ap-southeast-2'), `${role} ${action} ap-southeast-2`).toBe(false);
      }
    }
  });

  it('AirGapRestore copies, restores and tags in the regions of the vault copies only, and uses the restore key of each (Strict mode, with MFA)', async () => {
    const may = mayAs(ROLE_NAMES.restore);
    for (const at of [region, SECOND]) {
      expect(await may('ec2:CopySnapshot', `arn:aws:ec2:${at}::snapshot/snap-1`, at)).toBe(true);
      expect(await may('ec2:CreateVolume', `arn:aws:ec2:${at}:${RESTORE}:volume/vol-1`, at)).toBe(true);
      expect(
        await may('ec2:CreateTags', `arn:aws:ec2:${at}:${RESTORE}:volume/vol-1`, at, {
          'ec2:CreateAction': 'CreateVolume',
        }),
      ).toBe(true);
      // Each region's restore key is in the templates (the proof's model), and usable by the restore role.
      const arn = restoreKeyIn(at)!.arn;
      expect(
        await may('kms:GenerateDataKeyWithoutPlaintext', arn, at, { 'kms:ResourceAliases': alias }),
      ).toBe(true);
    }
    // Not in a source region where the vault holds nothing, and no other key of the account by the restore alias's grant.
    expect(
      await may('ec2:CopySnapshot', 'arn:aws:ec2:ap-southeast-2::snapshot/snap-1', 'ap-southeast-2'),
    ).toBe(false);
    expect(
      await may('ec2:CreateVolume', `arn:aws:ec2:ap-southeast-2:${RESTORE}:volume/vol-1`, 'ap-southeast-2'),
    ).toBe(false);
    expect(
      await may('kms:Decrypt', `arn:aws:kms:${SECOND}:${RESTORE}:key/other`, SECOND, {
        'kms:ResourceAliases': 'alias/something-else',
      }),
    ).toBe(false);
  });

  it('the proof reads the second region’s restore key template and judges its key policy: every attack on it is denied, and a source principal added to it is caught (RCP layer absent)', async () => {
    const arn = restoreKeyIn(SECOND)!.arn;
    expect((await attackCatalogue(model)).filter((a) => a.resource === arn).map((a) => a.action)).toEqual(
      expect.arrayContaining(['kms:Decrypt', 'kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy']),
    );
    const sourceAdmin = { only: (p: { id: string }) => p.id.startsWith('source-admin:') };
    expect((await prove(model, sourceAdmin)).breaches).toEqual([]);
    const m = loadModel(config, join(dir, 'templates'));
    m.guardrails = m.guardrails.filter((g) => g.kind !== 'RCP');
    m.resources
      .find((r) => r.arn === arn)!
      .policy!.Statement.push({
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${W}:root` },
        Action: 'kms:*',
        Resource: '*',
      });
    const breaches = (await prove(m, sourceAdmin)).breaches.filter((b) => b.resource === arn);
    expect(breaches.map((b) => b.action)).toEqual(
      expect.arrayContaining(['kms:Decrypt', 'kms:ScheduleKeyDeletion']),
    );
  }, 120_000);
});
