import type { AwsClients } from '../../aws/clients.js';
import { RESOURCE_NAMES } from '../../config/names.js';
import type { Config } from '../../config/index.js';
import { keyArnOf, readKeyFacts } from '../kms/key-facts.js';
import { isShareable, judgeKey, type KeyFacts, type KeyVerdict } from '../kms/key-verdict.js';
import { keyAdvice } from './key-advice.js';
import {
  SNAPSHOT_SERVICES,
  type OwnedSnapshot,
  type SnapshotApi,
  type SnapshotService,
  type SourceResource,
} from './model.js';
import { isProtected } from './selection.js';

export interface PreflightFinding {
  service: SnapshotService;
  account: string;
  region: string;
  /** The resource (or snapshot) the finding is about. */
  subject: string;
  kind: KeyVerdict['kind'] | 'missing' | 'no-share-key';
  problem: string;
  fix: string;
}

export interface PreflightReport {
  checked: { resources: number; snapshots: number };
  findings: PreflightFinding[];
}

export interface PreflightContext {
  clients: AwsClients;
  config: Config;
  apis: Record<SnapshotService, SnapshotApi>;
}

/**
 * The KMS preflight, read-only: for every protected DB instance, cluster and volume and each of its snapshots,
 * whether the vault account will be able to copy it. Finds AWS-managed keys (never shareable), unencrypted
 * resources, keys whose policy does not grant the vault, disabled keys, named resources that do not exist and
 * accounts without the share key, each with the one change that fixes it. A snapshot is reported only when
 * its key differs from its resource's (older snapshots under an old key), so one problem is one line.
 */
export async function preflight(ctx: PreflightContext): Promise<PreflightReport> {
  const report: PreflightReport = { checked: { resources: 0, snapshots: 0 }, findings: [] };
  const alias = RESOURCE_NAMES.sourceKeyAlias(ctx.config);
  const vaultAccount = ctx.config.organizations.vault.vaultAccount;
  const defaultRegion = ctx.config.organizations.source.regions[0]!;
  for (const service of SNAPSHOT_SERVICES) {
    const places = new Set(
      ctx.config.protect[service].map((s) => `${s.account}/${s.region ?? defaultRegion}`),
    );
    for (const place of places) {
      const [account = '', region = ''] = place.split('/');
      const api = ctx.apis[service];
      const resources = (await api.listResources(account, region)).filter((r) => isProtected(ctx.config, r));
      const at = { service, account, region };
      for (const name of missingNames(ctx.config, service, account, region, defaultRegion, resources))
        report.findings.push({
          ...at,
          subject: name,
          kind: 'missing',
          problem: `is named in protect.${service} but does not exist in account ${account} ${region}`,
          fix: `remove it from the config, or correct the name or region`,
        });
      if (resources.length === 0) continue;
      const shareKeyArn = await keyArnOf(ctx.clients, account, region, alias);
      if (!shareKeyArn)
        report.findings.push({
          ...at,
          subject: `account ${account} ${region}`,
          kind: 'no-share-key',
          problem: `has no ${alias}`,
          fix: 'deploy the source StackSet instance there (airgap synth writes it and its parameters to the manifest)',
        });
      const facts = memoFacts(ctx.clients, account, region);
      const snapshots = await api.listOwned(account, region);
      const judge = async (encrypted: boolean, keyId: string | undefined) =>
        judgeKey(encrypted && keyId ? await facts(keyId) : undefined, {
          encrypted,
          keyId,
          shareKeyArn,
          vaultAccount,
        });
      for (const r of resources) {
        report.checked.resources++;
        const verdict = await judge(r.encrypted, r.kmsKeyId);
        const advise = (v: KeyVerdict) =>
          keyAdvice(v, { service, resource: r.name, shareKeyAlias: alias, vaultAccount });
        if (!isShareable(verdict) && 'problem' in verdict)
          report.findings.push({
            ...at,
            subject: r.arn,
            kind: verdict.kind,
            problem: verdict.problem,
            fix: advise(verdict),
          });
        for (const s of snapshots.filter((x) => x.resource === r.arn && x.status !== 'failed')) {
          report.checked.snapshots++;
          if (sameKey(s, r)) continue;
          const v = await judge(s.encrypted, s.kmsKeyId);
          if (!isShareable(v) && 'problem' in v)
            report.findings.push({
              ...at,
              subject: s.arn,
              kind: v.kind,
              problem: v.problem,
              fix: `the share step re-copies it under ${alias}; to need no re-copy, ${advise(v)}`,
            });
        }
      }
    }
  }
  return report;
}

const sameKey = (s: OwnedSnapshot, r: SourceResource) =>
  s.encrypted === r.encrypted && (s.kmsKeyId ?? '') === (r.kmsKeyId ?? '');

function missingNames(
  config: Config,
  service: SnapshotService,
  account: string,
  region: string,
  defaultRegion: string,
  found: SourceResource[],
): string[] {
  const named = config.protect[service]
    .filter((s) => s.account === account && (s.region ?? defaultRegion) === region)
    .flatMap((s) => [...(s.names ?? []), ...(s.arns ?? [])]);
  return named.filter((n) => !found.some((r) => r.name === n || r.arn === n));
}

function memoFacts(clients: AwsClients, account: string, region: string) {
  const seen = new Map<string, Promise<KeyFacts | undefined>>();
  return (keyId: string) => {
    let p = seen.get(keyId);
    if (!p) seen.set(keyId, (p = readKeyFacts(clients, account, region, keyId)));
    return p;
  };
}

/** One line per finding: what, where, what to change. */
export function renderPreflight(r: PreflightReport): string {
  const lines = r.findings.map((f) => `FAIL  ${f.service.padEnd(6)} ${f.subject} ${f.problem}: ${f.fix}`);
  const summary =
    r.findings.length === 0
      ? `ok: the vault can copy every snapshot of ${r.checked.resources} protected resources (${r.checked.snapshots} snapshots checked)`
      : `${r.findings.length} finding(s) over ${r.checked.resources} protected resources and ${r.checked.snapshots} snapshots`;
  return [...lines, summary].join('\n');
}
