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

  it('every price has its source URL and the date it was checked, verified or not', () => {
    const sheet = priceSheet('us-east-1');
    const listed = { ...sheet.verified, ...sheet.unverified };
    expect(Object.keys(listed)).toHaveLength(27);
    expect(listed['backup.airGappedGiBMonth.efs']).toMatchObject({
      url: 'https://aws.amazon.com/backup/pricing/',
      checked: '2026-11-23',
    });
    const { ['s3.standardGiBMonth']: _dropped, ...rest } = sheet.unverified;
    expect(() => priceSheetSchema.parse({ ...sheet, unverified: rest })).toThrow(
      /s3\.standardGiBMonth is listed 0 times under verified and unverified/,
    );
  });

  it('refuses a verified entry for a price the file does not hold', () => {
    const sheet = priceSheet('us-east-1');
    const bad = {
      ...sheet,
      verified: { 's3.noSuchPrice': { on: '2026-11-23', url: 'https://a.example', against: 'a page' } },
    };
    expect(() => priceSheetSchema.parse(bad)).toThrow(/s3\.noSuchPrice is not a price of this file/);
  });
});
