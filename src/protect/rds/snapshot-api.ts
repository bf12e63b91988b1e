import { RDSClient } from '@aws-sdk/client-rds';
import type { AwsClients } from '../../aws/clients.js';
import type {
  CopyStatus,
  CopyTarget,
  OwnedSnapshot,
  SharedSnapshot,
  SnapshotApi,
  VaultCopy,
} from '../snapshots/model.js';
import { INSTANCE, ownerOf, type Kind, type RdsSnapshot } from './kinds.js';

export { CLUSTER, INSTANCE } from './kinds.js';

/** The cross-account copy call; the sandbox swaps in src/sandbox/snapshot-copy-emulator.ts, which moto needs. */
export type CrossAccountCopy = (shared: SharedSnapshot, target: CopyTarget) => Promise<VaultCopy>;

function status(s: string): CopyStatus {
  if (s === 'available') return 'available';
  if (['failed', 'incompatible-restore', 'error'].includes(s)) return 'failed';
  return 'pending';
}

const isNotFound = (e: unknown) => /NotFound/.test((e as Error).name);

const toCopy = (s: RdsSnapshot): VaultCopy => ({
  id: s.id,
  arn: s.arn,
  status: status(s.status),
  tags: s.tags,
});

const toOwned = (kind: Kind, s: RdsSnapshot, account: string, region: string): OwnedSnapshot => ({
  service: kind.service,
  id: s.id,
  arn: s.arn,
  account,
  region,
  resource: s.resource,
  type: s.type,
  status: status(s.status),
  createdAt: s.createdAt ?? new Date(0),
  encrypted: s.encrypted,
  kmsKeyId: s.kmsKeyId,
  sizeGiB: s.sizeGiB,
  tags: s.tags,
});

export function rdsSnapshotApi(
  clients: AwsClients,
  kind: Kind = INSTANCE,
  crossAccountCopy?: CrossAccountCopy,
): SnapshotApi {
  const rds = (account: string, region: string) => clients.for(RDSClient, account, region);
  const describeOne = async (account: string, region: string, id: string) => {
    const found = await kind.describe(rds(account, region), { id }, region, account).catch((e: unknown) => {
      if (isNotFound(e)) return [];
      throw e;
    });
    return found[0];
  };
  const describeCopy = async (account: string, region: string, id: string) => {
    const s = await describeOne(account, region, id);
    return s ? toCopy(s) : undefined;
  };
  const copyAcross: CrossAccountCopy =
    crossAccountCopy ??
    (async (shared, target) => {
      const s = await kind.copy(rds(target.account, target.region), shared.arn, target);
      return { ...toCopy(s), tags: target.tags };
    });
  return {
    service: kind.service,
    async listShared(account, region) {
      const found = await kind.describe(rds(account, region), { shared: true }, region, account);
      return found
        .filter((s) => status(s.status) === 'available')
        .map((s) => ({
          service: kind.service,
          arn: s.arn,
          id: s.id,
          sourceAccount: ownerOf(s.arn)!,
          region,
          sourceResource: s.resource,
          createdAt: s.createdAt ?? new Date(0),
          encrypted: s.encrypted,
          kmsKeyId: s.kmsKeyId,
          sizeGiB: s.sizeGiB,
        }));
    },
    findCopy: (account, region, targetId) => describeCopy(account, region, targetId),
    startCopy: (shared, target) => copyAcross(shared, target),
    describeCopy,
    lock: () => Promise.resolve('not-supported'),
    async listCopies(account, region) {
      const own = await kind.describe(rds(account, region), {}, region, account);
      return own.filter((s) => s.id.startsWith('airgap-')).map(toCopy);
    },
    deleteCopy: (account, region, id) => kind.remove(rds(account, region), id),
    shareWith: (owner, region, id, account) => kind.share(rds(owner, region), id, account),
    sharedWith: (owner, region, id) => kind.sharedWith(rds(owner, region), id),
    listResources: (account, region) => kind.resources(rds(account, region), region, account),
    async listOwned(account, region) {
      const own = await kind.describe(rds(account, region), {}, region, account);
      return own.map((s) => toOwned(kind, s, account, region));
    },
    async describeOwned(account, region, id) {
      const s = await describeOne(account, region, id);
      return s ? toOwned(kind, s, account, region) : undefined;
    },
    async copyWithin(source, target) {
      // Same account: the identifier (rds:… for automated snapshots) is what AWS and moto both resolve.
      const s = await kind.copy(rds(source.account, source.region), source.id, target);
      return { ...toCopy(s), tags: target.tags };
    },
    findRestored: (target) => kind.findRestored(rds(target.account, target.region), target.name),
    async restoreFrom(snapshot, target) {
      const s = await describeOne(target.account, target.region, snapshot.id);
      if (!s) throw new Error(`snapshot ${snapshot.id} not found in account ${target.account}`);
      return kind.restore(rds(target.account, target.region), s, target);
    },
  };
}
