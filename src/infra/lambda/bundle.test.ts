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

  it('bundles every handler once per process into a loadable ES module that exports `handler`', async () => {
    Object.assign(process.env, {
      HOME_ACCOUNT: '100000000002',
      PROTECT: '{"rds":[]}',
      VAULT_ACCOUNT: '200000000002',
      AWS_REGION: 'us-east-1',
      SOURCE_REGIONS: 'us-east-1',
      AIRGAP_DEPLOYMENT: 'bundle-test',
      RETENTION_DAYS: '30',
      CATALOG_TABLE: 'bundle-test-airgap-catalog',
    });
    const handlers = readdirSync(dirname(handlerEntry('snapshot-copier')))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      // The audit handler parses the whole config with the loader (zod and more) and is not deployed yet.
      .filter((name) => name !== 'audit');
    expect(handlers).toEqual([
      'restore-validator',
      'retention-sweeper',
      'rpo-monitor',
      'snapshot-copier',
      'snapshot-share',
    ]);
    for (const name of handlers) {
      const dir = bundleHandler(name);
      expect(bundleHandler(name)).toBe(dir);
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      // The CDK and the config loader stay out of the runtime bundle: they are megabytes nobody runs.
      expect(code).not.toContain('aws-cdk-lib');
      const mod = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { handler: unknown };
      expect(typeof mod.handler).toBe('function');
    }
  }, 300_000);
});
