import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh synth output folder per call. Template.fromStack reads the synthesized template back from disk, so a
 * fixed path is shared by every test process on the machine (parallel files, other checkouts) and one build can
 * read another's template.
 */
export function outDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `airgap-${name}-`));
}
