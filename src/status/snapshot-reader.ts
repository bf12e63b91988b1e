import { DescribeSnapshotsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
  type Tag,
} from '@aws-sdk/client-rds';
import type { AwsClients } from '../aws/clients.js';
import { TAGS, type Config, type Service } from '../config/index.js';
import type { CopyObservation } from './model.js';

interface TaggedCopy {
  service: Service;
  tags: Record<string, string>;
  createdAt: Date | undefined;
}

/**
 * Snapshot path: the vault account's own snapshot copies, found by the airgap tags every copy carries
 * (config/names.ts TAGS), newest per source resource. Reads the snapshots themselves rather than the catalog,
 * so a copy that exists is seen even when its catalog entry is missing.
 */
export async function snapshotReader(clients: AwsClients, config: Config): Promise<CopyObservation[]> {
  const account = config.organizations.vault.vaultAccount;
  const region = config.vault.region;
  const ec2 = clients.for(EC2Client, account, region);
  const rds = clients.for(RDSClient, account, region);
  const copies: TaggedCopy[] = [];
  let token: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeSnapshotsCommand({
        OwnerIds: ['self'],
        Filters: [{ Name: 'tag-key', Values: [TAGS.sourceArn] }],
        NextToken: token,
      }),
    );
    for (const s of page.Snapshots ?? [])
      copies.push({ service: 'ebs', tags: tagMap(s.Tags ?? []), createdAt: s.StartTime });
    token = page.NextToken;
  } while (token);
  let marker: string | undefined;
  do {
    const page = await rds.send(new DescribeDBSnapshotsCommand({ SnapshotType: 'manual', Marker: marker }));
    for (const s of page.DBSnapshots ?? [])
      copies.push({ service: 'rds', tags: tagMap(s.TagList ?? []), createdAt: s.SnapshotCreateTime });
    marker = page.Marker;
  } while (marker);
  do {
    const page = await rds.send(
      new DescribeDBClusterSnapshotsCommand({ SnapshotType: 'manual', Marker: marker }),
    );
    for (const s of page.DBClusterSnapshots ?? [])
      copies.push({ service: 'aurora', tags: tagMap(s.TagList ?? []), createdAt: s.SnapshotCreateTime });
    marker = page.Marker;
  } while (marker);
  return newestPerResource(copies);
}

function newestPerResource(copies: TaggedCopy[]): CopyObservation[] {
  const newest = new Map<string, CopyObservation>();
  for (const c of copies) {
    const resource = c.tags[TAGS.sourceArn];
    if (!resource || c.tags[TAGS.drill]) continue;
    // The creation time of the source snapshot, when tagged, is what the copy proves; the copy's own time is later.
    const created = c.tags[TAGS.createdAt];
    const at = created ? new Date(created) : c.createdAt;
    const until = c.tags[TAGS.retainUntil];
    const seen = newest.get(resource);
    if (seen?.newestCopyAt && at && seen.newestCopyAt >= at) continue;
    newest.set(resource, {
      service: c.service,
      resource,
      account: c.tags[TAGS.sourceAccount] ?? resource.split(':')[4] ?? '',
      path: 'snapshot-copy',
      newestCopyAt: at,
      retentionDays:
        until && at ? Math.round((new Date(until).getTime() - at.getTime()) / 86_400_000) : undefined,
      detail: until ? [`locked until ${until}`] : [],
    });
  }
  return [...newest.values()];
}

function tagMap(tags: (Tag | { Key?: string; Value?: string })[]): Record<string, string> {
  return Object.fromEntries(tags.filter((t) => t.Key).map((t) => [t.Key!, t.Value ?? '']));
}
