import { describe, expect, it } from 'vitest';
import { joinSettings, SETTINGS_PART_BYTES, settingsPartName, splitSettings } from './settings.js';

describe('function settings split into SSM parameters', () => {
  it('cuts at 4 KB of UTF-8, never inside a character, and joins back in name order', () => {
    const text = JSON.stringify({ names: Array.from({ length: 3000 }, (_, i) => `€-${i}`) });
    const parts = splitSettings(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(SETTINGS_PART_BYTES);
    expect(parts.join('')).toBe(text);
    const listed = Object.fromEntries(parts.map((p, i) => [settingsPartName('/p', i), p]).reverse());
    expect(joinSettings(listed)).toEqual(JSON.parse(text));
  });

  it('keeps a small document in one part, and names parts so that they sort', () => {
    expect(splitSettings('{"a":1}')).toEqual(['{"a":1}']);
    expect(settingsPartName('/airgap/x/audit/settings', 7)).toBe('/airgap/x/audit/settings/007');
    expect(() => joinSettings({})).toThrow(/no settings parameters found/);
  });
});
