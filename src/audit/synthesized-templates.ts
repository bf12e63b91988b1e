import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { otherVaultKeyRegions, stackName, type Config } from '../config/index.js';
import { TEMPLATES_ONLY } from '../infra/app.js';
import { readManifest } from '../infra/manifest.js';
import { synthesize, type SynthManifest } from '../infra/synth.js';
import type { IntendedTemplates, Template } from './intent.js';

/**
 * The templates the config produces: read from what `airgap synth` wrote into `dir`, else synthesized now
 * (without cdk-nag, which judges the templates and changes none of them).
 */
export function synthesizedTemplates(config: Config, dir?: string): IntendedTemplates {
  const out = dir ?? mkdtempSync(join(tmpdir(), 'airgap-audit-'));
  const manifest: SynthManifest = dir ? readManifest(dir) : synthesize(config, out, TEMPLATES_ONLY);
  const template = (role: string): Template => {
    const entry = manifest.templates.find((t) => t.stackName === stackName(config, role));
    if (!entry) throw new Error(`${out} holds no ${stackName(config, role)} template`);
    return JSON.parse(readFileSync(join(out, entry.file), 'utf8')) as Template;
  };
  const regions = otherVaultKeyRegions(config);
  return {
    vault: template('vault'),
    restore: template('restore'),
    vaultKeys: Object.fromEntries(regions.map((r) => [r, template(`vault-key-${r}`)])),
  };
}
