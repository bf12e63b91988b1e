import { restoreBucket, type RestoredItem } from '../../src/protect/s3/restore.js';

/** `restoreBucket` with the keys it handed to `onItem`, sorted by key: the report itself keeps no per-key list. */
export async function restoreWithItems(...[clients, config, bucket, opts]: Parameters<typeof restoreBucket>) {
  const items: RestoredItem[] = [];
  const report = await restoreBucket(clients, config, bucket, {
    ...opts,
    onItem: (item) => {
      items.push(item);
      opts.onItem?.(item);
    },
  });
  items.sort((a, b) => (a.key < b.key ? -1 : 1));
  return { ...report, items };
}
