import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import type { SynthManifest } from './synth.js';

export const MANIFEST_FILE = 'airgap-manifest.json';

/**
 * The manifest `airgap synth` wrote into `dir`. Apart from synth.ts so that reading a synth output (prove, audit
 * and drill with `--templates`) never loads CDK.
 */
export function readManifest(dir: string): SynthManifest {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file))
    throw new InputError([
      `--templates ${dir}: no ${MANIFEST_FILE} there; run \`airgap synth --out ${dir}\` first`,
    ]);
  return JSON.parse(readFileSync(file, 'utf8')) as SynthManifest;
}
