import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts the worker module `name` (e.g. `./decide-worker`) that sits beside the module at `from` (its
 * `import.meta.url`). In the package that is compiled JavaScript; in the repository (tests, benches) it is TypeScript,
 * and a worker thread inherits no loader hooks of vitest or tsx, so it is loaded through tsx's `tsImport` API.
 */
export function startModuleWorker(from: string, name: string, workerData: unknown): Worker {
  if (!from.endsWith('.ts')) return new Worker(new URL(`${name}.js`, from), { workerData });
  const tsx = pathToFileURL(
    createRequire(from)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const entry = new URL(`${name}.ts`, from).href;
  const load = `import(${JSON.stringify(tsx)}).then((api) => api.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`;
  return new Worker(load, { eval: true, workerData });
}
