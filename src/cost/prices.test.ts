import { describe, expect, it } from 'vitest';
import { priceSheet, priceSheetSchema } from './prices.js';

describe('published price files', () => {
  it('marks which prices were checked against a published AWS page, and when', () => {
    const sheet = priceSheet('us-east-1');
    expect(Object.keys(sheet.verified)).toEqual(
      expect.arrayContaining(['snapshots.ebsStandardGiBMonth', 'snapshots.ebsArchiveGiBMonth']),
    );
    for (const check of Object.values(sheet.verified))
      expect(check.against).toMatch(/docs\.aws\.amazon\.com/);
  });

  it('refuses a verified entry for a price the file does not hold', () => {
    const sheet = priceSheet('us-east-1');
    const bad = { ...sheet, verified: { 's3.noSuchPrice': { on: '2026-11-23', against: 'a page' } } };
    expect(() => priceSheetSchema.parse(bad)).toThrow(/s3\.noSuchPrice is not a price of this file/);
  });
});
