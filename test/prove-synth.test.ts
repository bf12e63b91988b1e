import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATES_ONLY } from '../src/infra/app.js';
import { synthesize, type SynthManifest } from '../src/infra/synth.js';
import { loadModel } from '../src/proof/model.js';
import { quickstart } from './support/config.js';

const config = quickstart();
const full = mkdtempSync(join(tmpdir(), 'airgap-synth-full-'));
const forProof = mkdtempSync(join(tmpdir(), 'airgap-synth-proof-'));
let manifest: SynthManifest;

beforeAll(() => {
  manifest = synthesize(config, full, { nag: false, validate: false });
  synthesize(config, forProof, TEMPLATES_ONLY);
}, 300_000);

/** A template with the Lambda functions' code location (the asset hash) blanked out. */
function withoutCode(dir: string, file: string): unknown {
  const t = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
    Resources: Record<string, { Type: string; Properties?: { Code?: unknown } }>;
  };
  for (const r of Object.values(t.Resources))
    if (r.Type === 'AWS::Lambda::Function') r.Properties!.Code = 'blanked';
  return t;
}

describe('synthesis for the proof skips Lambda bundling and the construct tree, soundly', () => {
  it('the proof reads the same model from it as from a full synth', () => {
    expect(loadModel(config, forProof)).toEqual(loadModel(config, full));
  });

  it('templates differ in the Lambda code location only', () => {
    const functions = manifest.templates.flatMap((t) =>
      Object.values(
        (
          JSON.parse(readFileSync(join(full, t.file), 'utf8')) as {
            Resources: Record<string, { Type: string }>;
          }
        ).Resources,
      ).filter((r) => r.Type === 'AWS::Lambda::Function'),
    );
    expect(functions.length).toBeGreaterThan(0);
    for (const t of manifest.templates) {
      expect([t.file, withoutCode(forProof, t.file)]).toEqual([t.file, withoutCode(full, t.file)]);
    }
  });

  it('no handler bundle is staged when the proof synthesizes', () => {
    const bundles = (dir: string) =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('index.mjs'));
    expect(bundles(full).length).toBeGreaterThan(0);
    expect(bundles(forProof)).toEqual([]);
  });

  it('nor the construct tree (tree.json), which no reader of the templates reads', () => {
    expect(readdirSync(full)).toContain('tree.json');
    expect(readdirSync(forProof)).not.toContain('tree.json');
  });
});
