import { CreateSnapshotCommand, CreateVolumeCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateDBClusterCommand, CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { randomBytes } from 'node:crypto';
import type { AwsClients } from '../aws/clients.js';
import { catalogId, type Catalog } from '../catalog/catalog.js';
import { RESOURCE_NAMES, TAGS, type Config, type Selector } from '../config/index.js';
import { ebsSnapshotArn } from '../protect/ebs/snapshot-api.js';
import { CLUSTER, INSTANCE, tagList, type Kind } from '../protect/rds/kinds.js';
import { runCopier } from '../protect/snapshots/copier.js';
import { shareWithVault } from '../protect/snapshots/share.js';
import { SNAPSHOT_SERVICES, type SnapshotApi, type SnapshotService } from '../protect/snapshots/model.js';

/** One database or volume the drill created and snapshotted, as the manifest records it. */
export interface SnapshotSeed {
  service: SnapshotService;
  account: string;
  region: string;
  /** DB instance id, DB cluster id or volume id. */
  resourceId: string;
  snapshotId: string;
  snapshotArn: string;
  engine?: string;
  sizeGiB: number;
  takenAt: string;
}

/** A seeded snapshot once it is safe in the vault: its vault copy, and when the drill saw it locked there. */
export interface VaultedSnapshot extends SnapshotSeed {
  vaultCopyId: string;
  vaultCopyArn: string;
  safeAt: string;
}

// Nobody logs in to a drill database: the password is random and never kept.
const password = () => randomBytes(18).toString('base64url');

/**
 * What the config protects by snapshot, created and snapshotted once each, encrypted with the source share key,
 * then handed to the share step as a snapshot event would be: a resource per name, and one carrying the tags of a
 * tag selector. `name` chooses the identifiers (the config's names on the sandbox; drill-only names elsewhere, which
 * the drill protects for its own duration), and every resource and snapshot carries the drill tag, which is what
 * clean-up looks for.
 */
export async function seedSnapshots(
  clients: AwsClients,
  config: Config,
  apis: Record<SnapshotService, SnapshotApi>,
  drill: {
    id: string;
    name: (service: SnapshotService, configured: string | undefined, n: number) => string;
  },
): Promise<{ seeds: SnapshotSeed[]; problems: string[] }> {
  const seeds: SnapshotSeed[] = [];
  for (const service of SNAPSHOT_SERVICES) {
    let n = 0;
    for (const sel of config.protect[service]) {
      const region = sel.region ?? config.organizations.source.regions[0]!;
      const key = await shareKeyArn(clients, config, sel.account, region);
      const tags = { ...sel.tags, [TAGS.drill]: drill.id };
      const configured = [...(sel.names ?? []), ...(sel.arns ?? []).map((a) => a.split(/[:/]/).pop()!)];
      const wanted = configured.length ? configured : [undefined];
      for (const name of wanted)
        seeds.push(
          await SEEDERS[service](clients, sel, region, key, drill.name(service, name, n++), {
            tags,
            stamp: drill.id,
          }),
        );
    }
  }
  const ctx = { clients, config: protecting(config, seeds), apis };
  const problems: string[] = [];
  for (const s of seeds) {
    const outcome = await shareWithVault(ctx, {
      service: s.service,
      account: s.account,
      region: s.region,
      snapshotId: s.snapshotId,
    });
    if (outcome.action !== 'shared' && outcome.action !== 'already-shared')
      problems.push(
        `${s.snapshotArn}: not shared with the vault (${outcome.action}): ${outcome.notes.join('; ')}`,
      );
  }
  return { seeds, problems };
}

/** The config with the drill's own databases and volumes among what it protects, by identifier. */
function protecting(config: Config, seeds: SnapshotSeed[]): Config {
  const protect = { ...config.protect };
  for (const s of seeds)
    protect[s.service] = [
      ...protect[s.service],
      { account: s.account, region: s.region, names: [s.resourceId] },
    ];
  return { ...config, protect };
}

async function shareKeyArn(clients: AwsClients, config: Config, account: string, region: string) {
  const out = await clients
    .for(KMSClient, account, region)
    .send(new DescribeKeyCommand({ KeyId: RESOURCE_NAMES.sourceKeyAlias(config) }));
  return out.KeyMetadata!.Arn!;
}

type Seeder = (
  clients: AwsClients,
  sel: Selector,
  region: string,
  keyArn: string,
  id: string,
  opts: { tags: Record<string, string>; stamp: string },
) => Promise<SnapshotSeed>;

/**
 * A database seeder: the instance or cluster created by `create` (which returns its engine), then snapshotted with
 * its kind's own call. Instances and clusters differ in nothing else the drill needs.
 */
const dbSeeder =
  (
    kind: Kind,
    create: (rds: RDSClient, id: string, keyArn: string, tags: Record<string, string>) => Promise<string>,
  ): Seeder =>
  async (clients, sel, region, keyArn, id, { tags, stamp }) => {
    const rds = clients.for(RDSClient, sel.account, region);
    const engine = await create(rds, id, keyArn, tags);
    const snap = await kind.snapshot(rds, id, `${id}-${stamp}`, tags);
    return {
      service: kind.service,
      account: sel.account,
      region,
      resourceId: id,
      snapshotId: snap.id,
      snapshotArn: snap.arn,
      engine,
      sizeGiB: snap.sizeGiB,
      takenAt: new Date().toISOString(),
    };
  };

/** What every drill database has: encrypted under the share key, tagged, a master password nobody keeps. */
const underShareKey = (keyArn: string, tags: Record<string, string>) => ({
  MasterUsername: 'drill',
  MasterUserPassword: password(),
  StorageEncrypted: true,
  KmsKeyId: keyArn,
  Tags: tagList(tags),
});

// The smallest of each kind: the drill proves the path, not the engine; sizes are what verification compares.
const SEEDERS: Record<SnapshotService, Seeder> = {
  rds: dbSeeder(INSTANCE, async (rds, id, keyArn, tags) => {
    const db = await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: id,
        Engine: 'postgres',
        DBInstanceClass: 'db.t4g.micro',
        AllocatedStorage: 20,
        ...underShareKey(keyArn, tags),
      }),
    );
    return db.DBInstance?.Engine ?? 'postgres';
  }),
  aurora: dbSeeder(CLUSTER, async (rds, id, keyArn, tags) => {
    const cluster = await rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: id,
        Engine: 'aurora-postgresql',
        ...underShareKey(keyArn, tags),
      }),
    );
    return cluster.DBCluster?.Engine ?? 'aurora-postgresql';
  }),
  async ebs(clients, sel, region, keyArn, id, { tags }) {
    const ec2 = clients.for(EC2Client, sel.account, region);
    const named = { ...tags, Name: id };
    const volume = await ec2.send(
      new CreateVolumeCommand({
        AvailabilityZone: `${region}a`,
        Size: 1,
        Encrypted: true,
        KmsKeyId: keyArn,
        TagSpecifications: [{ ResourceType: 'volume', Tags: tagList(named) }],
      }),
    );
    const snap = await ec2.send(
      new CreateSnapshotCommand({
        VolumeId: volume.VolumeId!,
        Description: `airgap drill ${id}`,
        TagSpecifications: [{ ResourceType: 'snapshot', Tags: tagList(named) }],
      }),
    );
    return {
      service: 'ebs',
      account: sel.account,
      region,
      resourceId: volume.VolumeId!,
      snapshotId: snap.SnapshotId!,
      snapshotArn: ebsSnapshotArn(region, sel.account, snap.SnapshotId!),
      sizeGiB: snap.VolumeSize ?? volume.Size ?? 1,
      takenAt: new Date().toISOString(),
    };
  },
};

/**
 * Waits until each seeded snapshot is locked in the vault, as the recovery catalog records it, or `deadline` passes
 * (copies on AWS take minutes to hours). Where the target runs the vault copier itself (the sandbox, which has no
 * deployed copier) each round first copies what is shared, as the copier's schedule would; on AWS the deployed
 * copier does it as its own role: vault copies and catalog writes are never a person's. Returns what is safe and
 * what is not.
 */
export async function vaultSnapshots(
  ctx: {
    clients: AwsClients;
    config: Config;
    catalog: Catalog;
    apis: Record<SnapshotService, SnapshotApi>;
    runsCopier: boolean;
  },
  seeds: SnapshotSeed[],
  opts: { deadline: number; pollMs: number },
): Promise<{ vaulted: VaultedSnapshot[]; problems: string[] }> {
  const vault = ctx.config.organizations.vault.vaultAccount;
  const pending = new Map(seeds.map((s) => [s.snapshotArn, s]));
  const vaulted: VaultedSnapshot[] = [];
  const problems: string[] = [];
  const regions = [...new Set(seeds.map((s) => s.region))];
  for (;;) {
    if (ctx.runsCopier) {
      const shared = [];
      for (const service of SNAPSHOT_SERVICES)
        for (const region of regions)
          shared.push(
            ...(await ctx.apis[service].listShared(vault, region)).filter((s) => pending.has(s.arn)),
          );
      await runCopier(ctx, shared);
    }
    for (const seed of [...pending.values()]) {
      const entry = await ctx.catalog.get(catalogId(seed.snapshotArn));
      if (entry?.state === 'available') {
        pending.delete(seed.snapshotArn);
        vaulted.push({
          ...seed,
          vaultCopyId: entry.vaultCopyId,
          vaultCopyArn: entry.vaultCopyArn,
          safeAt: new Date().toISOString(),
        });
      } else if (entry?.state === 'failed') {
        pending.delete(seed.snapshotArn);
        problems.push(`${seed.snapshotArn}: vault copy failed: ${entry.cause ?? 'no cause recorded'}`);
      }
    }
    if (pending.size === 0 || Date.now() > opts.deadline) break;
    await new Promise((r) => setTimeout(r, opts.pollMs));
  }
  for (const seed of pending.values())
    problems.push(`${seed.snapshotArn}: not safe in the vault by the drill's deadline`);
  return { vaulted, problems };
}
