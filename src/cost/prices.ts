import { z } from 'zod';
import { InputError } from '../errors.js';
import usEast1 from './prices/us-east-1.json' with { type: 'json' };

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
    asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    note: z.string(),
    sources: z.record(z.string(), z.string().min(1)),
    /**
     * Prices checked against a published AWS page, by path (`snapshots.ebsArchiveGiBMonth`): when and where. A price
     * not listed has not been re-checked since it was entered.
     */
    verified: z.record(
      z.string(),
      z.strictObject({ on: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), against: z.string().min(1) }),
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
    backup: z.strictObject({
      warmGiBMonth: perService,
      airGappedGiBMonth: perService,
      crossRegionTransferGiB: z.number(),
    }),
  })
  .superRefine((sheet, ctx) => {
    for (const path of Object.keys(sheet.verified)) {
      const value = path
        .split('.')
        .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], sheet);
      if (typeof value !== 'number')
        ctx.addIssue({
          code: 'custom',
          path: ['verified', path],
          message: `${path} is not a price of this file`,
        });
    }
  });

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
