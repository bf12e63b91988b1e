import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configReferenceMarkdown } from './reference.js';

describe('config reference', () => {
  it('in the README matches the schema (regenerate with `airgap schema --markdown`)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = /<!-- config-reference:start -->\n([\s\S]*?)\n<!-- config-reference:end -->/.exec(
      readme,
    )?.[1];
    expect(section?.trim()).toBe(configReferenceMarkdown());
  });

  it('documents every retention bound the validator enforces', () => {
    expect(configReferenceMarkdown()).toContain(
      '| `vault.retention.days` | integer (required) |  | How long every vault copy is locked',
    );
  });
});
