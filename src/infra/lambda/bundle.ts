import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const HANDLERS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'handlers');
const bundles = new Map<string, string>();

/**
 * What a function's code asset is made from: the handler bundled by esbuild, or, where the stack is synthesized
 * without bundling (CDK's `aws:cdk:bundling-stacks` context set to none, as `airgap prove` does: it reads
 * policies, never code), the handler's source folder as it is. The templates then differ only in the asset hash.
 */
export function handlerAsset(name: string, bundle: boolean): string {
  return bundle ? bundleHandler(name) : dirname(handlerEntry(name));
}

/** `src/handlers/<name>.ts` under vitest and tsx, `dist/handlers/<name>.js` once built. */
export function handlerEntry(name: string): string {
  for (const ext of ['.ts', '.js']) {
    const file = join(HANDLERS, `${name}${ext}`);
    if (existsSync(file)) return file;
  }
  throw new Error(`no Lambda handler "${name}": expected ${join(HANDLERS, name)}.ts or .js`);
}

/**
 * The directory holding one handler bundled by local esbuild (never Docker), built once per process: every
 * synth of the process, whatever its output directory, stages the same bytes, so the asset hash is stable
 * and a test file that synthesizes ten apps bundles each handler once.
 *
 * The AWS SDK is bundled rather than taken from the runtime, so the deployed code runs the SDK versions the
 * tests ran (the runtime's copy changes under us, and LockSnapshot needs a recent EC2 client).
 */
export function bundleHandler(name: string): string {
  let dir = bundles.get(name);
  if (!dir) {
    const out = mkdtempSync(join(tmpdir(), `airgap-lambda-${name}-`));
    process.once('exit', () => rmSync(out, { recursive: true, force: true }));
    buildSync({
      entryPoints: [handlerEntry(name)],
      outfile: join(out, 'index.mjs'),
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      mainFields: ['module', 'main'],
      // CommonJS dependencies (the X-Ray SDK under the Powertools Tracer) call require() inside an ES module.
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
      minify: true,
      keepNames: true,
      legalComments: 'none',
      logLevel: 'error',
    });
    bundles.set(name, out);
    dir = out;
  }
  return dir;
}
