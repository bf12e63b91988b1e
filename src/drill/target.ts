import { S3Client } from '@aws-sdk/client-s3';
import { AwsClients } from '../aws/clients.js';
import { Catalog } from '../catalog/catalog.js';
import { protectedBuckets, RESOURCE_NAMES, ROLE_NAMES, type Config } from '../config/index.js';
import { CheckFailed } from '../errors.js';
import { vaultVersionsFromListing } from '../protect/s3/vault-versions.js';
import { snapshotApis } from '../protect/snapshots/apis.js';
import type { SnapshotApi, SnapshotService } from '../protect/snapshots/model.js';
import { startMoto, type MotoServer } from '../sandbox/moto.js';
import { provisionSandbox } from '../sandbox/provision.js';
import { emulateReplication } from '../sandbox/replication-emulator.js';
import { sandboxClients } from '../sandbox/session.js';
import { ensureLockedBucket } from '../sandbox/locked-bucket.js';
import { emulatedSnapshotApis, restoreRoleApis } from '../sandbox/snapshot-copy-emulator.js';
import { provisionSnapshotSandbox } from '../sandbox/snapshot-provision.js';
import { cleanUpDrill, type CleanUpReport } from './cleanup.js';
import { drillName, drillPrefix } from './prefix.js';
import { preflight, type PreflightCheck } from './preflight.js';
import type { ManifestEntry } from './workload.js';

/** A version seen safe in the vault, for the RPO. */
export interface Vaulted {
  bucket: string;
  key: string;
  sourceVersionId: string;
  at: Date;
}

/** Where the drill runs: everything that differs between the sandbox and real accounts, and nothing else. */
export interface DrillTarget {
  kind: 'sandbox' | 'aws';
  clients: AwsClients;
  catalog: Catalog;
  apis: Record<SnapshotService, SnapshotApi>;
  /** The restore account's restore role: copies and restores the shared vault copies (the key's grantee). */
  restore: { clients: AwsClients; apis: Record<SnapshotService, SnapshotApi> };
  /** Key prefix of the drill's objects: all of a sandbox bucket; on AWS, a prefix of its own in production buckets. */
  prefix: string;
  /** Identifiers of the databases and volumes the drill creates. */
  name(service: SnapshotService, configured: string | undefined, n: number): string;
  /** Attempts that would touch production data are sent only where nothing is production (the sandbox). */
  sendsProductionAttacks: boolean;
  /** How long a snapshot copy may take before the drill gives up on it. */
  copyWaitMs: number;
  /**
   * Whether the drill copies shared snapshots into the vault itself (the sandbox deploys no copier) or waits for the
   * deployed copier to record each copy in the catalog (AWS: vault copies belong to the copier's role, not a person's).
   */
  runsCopier: boolean;
  /** Brings the manifest's new versions into the vault (or waits for S3 replication to) and says when each was safe. */
  replicate(manifest: ManifestEntry[]): Promise<Vaulted[]>;
  preflight: PreflightCheck[];
  /** Deletes what the drill created, trying everything; says what it deleted and what it could not. */
  cleanUp(): Promise<CleanUpReport>;
  /** Whether the report goes into the vault account's evidence bucket too (always on AWS). */
  keepsEvidence: boolean;
  /** Ends the target once the evidence is kept (stops the sandbox's moto_server). */
  close(): Promise<void>;
  server?: MotoServer;
}

/**
 * The sandbox: a fresh moto_server provisioned as the stacks would, with the two EMULATIONS moto needs (S3
 * replication, cross-account snapshot copy). The drill's names are the config's own: the sandbox is production.
 */
export async function sandboxTarget(
  config: Config,
  server: MotoServer,
  opts: { evidenceBucket: boolean },
): Promise<DrillTarget> {
  const clients = sandboxClients(server.endpoint, config.vault.region);
  const vaultS3 = clients.for(S3Client, config.organizations.vault.vaultAccount, config.vault.region);
  const [, catalog] = await Promise.all([
    provisionSandbox(clients, config),
    provisionSnapshotSandbox(clients, config),
    // As the vault stack creates it: COMPLIANCE for the vault's retention.
    opts.evidenceBucket &&
      ensureLockedBucket(vaultS3, RESOURCE_NAMES.evidenceBucket(config), {
        mode: 'COMPLIANCE',
        days: config.vault.retention.days,
      }),
  ]).catch(async (e: unknown) => {
    await server.stop();
    throw e;
  });
  return {
    kind: 'sandbox',
    clients,
    catalog,
    apis: emulatedSnapshotApis(clients, config),
    restore: restoreRoleApis(clients, config),
    prefix: '',
    name: (service, configured, n) => configured ?? `drill-${service}-${n}`,
    sendsProductionAttacks: true,
    copyWaitMs: 0,
    runsCopier: true,
    async replicate(manifest) {
      const passes = await emulateReplication(clients, config);
      return passes.flatMap((p) =>
        p.replicated
          .filter((r) => manifest.some((m) => m.versionId === r.sourceVersionId))
          .map((r) => ({ bucket: p.bucket, key: r.key, sourceVersionId: r.sourceVersionId, at: r.at })),
      );
    },
    preflight: [],
    // The whole sandbox goes, once the report is kept.
    cleanUp: () =>
      Promise.resolve({ deleted: [`the sandbox (moto_server ${server.pid}), after the report`], failed: [] }),
    keepsEvidence: opts.evidenceBucket,
    close: () => server.stop(),
    server,
  };
}

/**
 * Real accounts, reached through the operator role (or an endpoint override that stands in for AWS): read-only
 * preflight first, and nothing is created unless every check passes. No provisioning, no emulation: S3 replicates
 * by itself and the vault copier copies with the real APIs. The drill's resources get names and a key prefix of
 * their own and the drill tag, so production is never written to, and clean-up finds them by tag.
 */
export async function awsTarget(
  config: Config,
  opts: { id: string; endpoint?: string | undefined; replicationWaitMs?: number; copyWaitMs?: number },
): Promise<DrillTarget> {
  const clients = new AwsClients({
    region: config.vault.region,
    roleName: ROLE_NAMES.operator,
    endpoint: opts.endpoint,
  });
  const restoreClients = clients.as(ROLE_NAMES.restore);
  const checks = await preflight(clients, config);
  const failed = checks.filter((c) => !c.passed);
  if (failed.length > 0)
    throw new CheckFailed(
      `preflight of the accounts failed; nothing was created:\n${failed.map((c) => `  - ${c.check}: ${c.detail}`).join('\n')}`,
    );
  const catalog = new Catalog({
    clients,
    account: config.organizations.vault.vaultAccount,
    region: config.vault.region,
    table: RESOURCE_NAMES.catalogTable(config),
  });
  const prefix = drillPrefix(opts.id);
  const replicationWaitMs = opts.replicationWaitMs ?? config.rpoMinutes.s3 * 60_000;
  return {
    kind: 'aws',
    clients,
    catalog,
    apis: snapshotApis(clients),
    restore: { clients: restoreClients, apis: snapshotApis(restoreClients) },
    prefix,
    name: (service, _configured, n) => drillName(opts.id, `${service}-${n}`),
    sendsProductionAttacks: false,
    copyWaitMs: opts.copyWaitMs ?? Math.max(config.rpoMinutes.rds, config.rpoMinutes.ebs) * 60_000,
    runsCopier: false,
    async replicate(manifest) {
      const deadline = Date.now() + replicationWaitMs;
      const pending = new Set(manifest.filter((m) => !m.deleted && m.versionId).map((m) => m.versionId!));
      const seen: Vaulted[] = [];
      for (;;) {
        for (const b of protectedBuckets(config)) {
          const vault = clients.for(S3Client, config.organizations.vault.vaultAccount, config.vault.region);
          for await (const page of vaultVersionsFromListing(vault, b.vaultBucket, prefix))
            for (const v of page)
              if (v.sourceVersionId && pending.delete(v.sourceVersionId))
                seen.push({
                  bucket: b.bucket,
                  key: v.key,
                  sourceVersionId: v.sourceVersionId,
                  at: new Date(),
                });
        }
        const left = deadline - Date.now();
        if (pending.size === 0 || left <= 0) return seen;
        await new Promise((r) => setTimeout(r, Math.min(5_000, left)));
      }
    },
    preflight: checks,
    cleanUp: () => cleanUpDrill(clients, config, opts.id),
    keepsEvidence: true,
    close: () => Promise.resolve(),
  };
}

/** The sandbox's moto_server, started while the caller synthesizes (a separate process: the two overlap). */
export function startSandbox(keep: boolean): Promise<MotoServer> {
  const starting = startMoto({ detached: keep });
  starting.catch(() => undefined);
  return starting;
}
