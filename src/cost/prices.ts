import { z } from 'zod';
import { InputError } from '../errors.js';
import usEast1 from './prices/us-east-1.json' with { type: 'json' };

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const perService = z.strictObject({
  s3: z.number(),
  ebs: z.number(),
  rds: z.number(),
  aurora: z.number(),
  efs: z.number(),
  fsx: z.number(),
});

/** A region's published prices, as `src/cost/prices/<region>.json` holds them (USD, per GiB-month or GiB). */
export const priceSheetSchema = z
  .strictObject({
    region: z.string(),
    currency: z.literal('USD'),
    asOf: date,
    note: z.string(),
    sources: z.record(z.string(), z.string().min(1)),
    /**
     * Prices checked against a published AWS page, by path (`snapshots.ebsArchiveGiBMonth`): when and where. A price
     * not listed has not been re-checked since it was entered.
     */
    verified: z.record(z.string(), z.strictObject({ on: date, url: z.url(), against: z.string().min(1) })),
    /** Prices not found on a published AWS page: the page they belong to, when it was searched, what was found. */
    unverified: z.record(
      z.string(),
      z.strictObject({ checked: date, url: z.url(), finding: z.string().min(1) }),
    ),
    s3: z.strictObject({
      standardGiBMonth: z.number(),
      putPer1000: z.number(),
      interRegionTransferGiB: z.number(),
      replicationTimeControlGiB: z.number(),
      batchReplicationPerJob: z.number(),
      batchReplicationPerMillionObjects: z.number(),
    }),
    snapshots: z.strictObject({
      ebsStandardGiBMonth: z.number(),
      ebsArchiveGiBMonth: z.number(),
      ebsArchiveMinimumDays: z.number().int(),
      ebsArchiveRetrievalGiB: z.number(),
      rdsGiBMonth: z.number(),
      auroraGiBMonth: z.number(),
    }),
    /** The vault path of EFS: the replica in the vault account, and its replication across Regions. */
    efs: z.strictObject({
      standardGiBMonth: z.number(),
      interRegionTransferGiB: z.number(),
    }),
    backup: z.strictObject({
      warmGiBMonth: perService,
      airGappedGiBMonth: perService,
      crossRegionTransferGiB: z.number(),
    }),
  })
  .superRefine((sheet, ctx) => {
    for (const list of ['verified', 'unverified'] as const)
      for (const path of Object.keys(sheet[list])) {
        const value = path
          .split('.')
          .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], sheet);
        if (typeof value !== 'number')
          ctx.addIssue({
            code: 'custom',
            path: [list, path],
            message: `${path} is not a price of this file`,
          });
      }
    // Every price says where it comes from and when it was looked at, once.
    for (const path of pricePaths(sheet)) {
      const listed = [sheet.verified[path], sheet.unverified[path]].filter(Boolean).length;
      if (listed !== 1)
        ctx.addIssue({
          code: 'custom',
          path: ['verified', path],
          message: `${path} is listed ${listed} times under verified and unverified; list it exactly once, with its source URL and date`,
        });
    }
  });

/** The paths of every price of a sheet (`backup.warmGiBMonth.efs`). */
function pricePaths(sheet: { s3: object; snapshots: object; efs: object; backup: object }): string[] {
  const walk = (o: object, at: string): string[] =>
    Object.entries(o).flatMap(([k, v]) =>
      typeof v === 'number'
        ? [`${at}${k}`]
        : typeof v === 'object' && v
          ? walk(v as object, `${at}${k}.`)
          : [],
    );
  return walk({ s3: sheet.s3, snapshots: sheet.snapshots, efs: sheet.efs, backup: sheet.backup }, '');
}

export type PriceSheet = z.infer<typeof priceSheetSchema>;

/** One file per region; add a region by adding its file here. */
const SHEETS: Record<string, unknown> = { 'us-east-1': usEast1 };

export function priceSheet(region: string): PriceSheet {
  const sheet = SHEETS[region];
  if (!sheet)
    throw new InputError([
      `vault.region ${region}: no price file for this region; allowed: ${Object.keys(SHEETS).join(', ')} (add src/cost/prices/${region}.json)`,
    ]);
  return priceSheetSchema.parse(sheet);
}
