/**
 * A Lambda function's settings: one JSON document the stacks store in SSM Parameter Store under the function's
 * path, split across standard parameters (4 KB each, free) because a config with hundreds of accounts is tens of
 * kilobytes, over even an advanced parameter's 8 KB. The stacks write the parts, the handlers read them back
 * (`src/handlers/support/settings.ts`); both sides agree through these functions alone.
 */

/** A standard SSM parameter holds at most 4 KB of UTF-8. */
export const SETTINGS_PART_BYTES = 4096;

export function settingsPath(deployment: string, handler: string): string {
  return `/airgap/${deployment}/${handler}/settings`;
}

/** Part `i` of the settings: zero-padded, so that the names sort in the order the parts join. */
export function settingsPartName(path: string, i: number): string {
  return `${path}/${String(i).padStart(3, '0')}`;
}

/** The JSON text cut into parts of at most SETTINGS_PART_BYTES, never inside a character. */
export function splitSettings(text: string): string[] {
  const parts: string[] = [];
  let part = '';
  let bytes = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch);
    if (bytes + size > SETTINGS_PART_BYTES) {
      parts.push(part);
      part = '';
      bytes = 0;
    }
    part += ch;
    bytes += size;
  }
  if (part) parts.push(part);
  return parts;
}

/** The settings document from its parts, keyed by part name (as Parameter Store lists them under the path). */
export function joinSettings<T>(parts: Record<string, string>): T {
  const names = Object.keys(parts).sort();
  if (names.length === 0) throw new Error('no settings parameters found under the function settings path');
  return JSON.parse(names.map((n) => parts[n]).join('')) as T;
}
