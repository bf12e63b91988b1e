import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleHandler, handlerEntry } from './bundle.js';

describe('Lambda bundling (local esbuild)', () => {
  it('finds handlers in src/handlers and names the file it expected when one is missing', () => {
    expect(handlerEntry('snapshot-copier')).toMatch(/handlers[/\\]snapshot-copier\.ts$/);
    expect(() => handlerEntry('no-such-handler')).toThrow(
      /no Lambda handler "no-such-handler": expected .*no-such-handler\.ts or \.js/,
    );
  });

  it('bundles every handler once per process into a loadable ES module that exports `handler`, without the CDK or zod', async () => {
    const handlers = readdirSync(dirname(handlerEntry('snapshot-copier')))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => f.replace(/\.ts$/, ''));
    expect(handlers).toEqual([
      'audit',
      'restore-validator',
      'retention-sweeper',
      'rpo-monitor',
      'snapshot-copier',
      'snapshot-restore',
      'snapshot-share',
    ]);
    for (const name of handlers) {
      const dir = bundleHandler(name);
      expect(bundleHandler(name)).toBe(dir);
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      // The CDK and the config loader (zod) stay out of the runtime bundle: they are megabytes nobody runs.
      expect(code).not.toContain('aws-cdk-lib');
      expect(code, `${name} bundles zod`).not.toContain('ZodError');
      const mod = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { handler: unknown };
      expect(typeof mod.handler).toBe('function');
    }
  }, 300_000);
});
