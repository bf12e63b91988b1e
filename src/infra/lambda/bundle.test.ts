import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

  it('bundles a handler once per process into a loadable ES module that exports `handler`', async () => {
    const dir = bundleHandler('snapshot-copier');
    expect(bundleHandler('snapshot-copier')).toBe(dir);
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    // The CDK and the config loader stay out of the runtime bundle: they are megabytes nobody runs.
    expect(code).not.toContain('aws-cdk-lib');
    Object.assign(process.env, {
      VAULT_ACCOUNT: '200000000002',
      AWS_REGION: 'us-east-1',
      SOURCE_REGIONS: 'us-east-1',
      AIRGAP_DEPLOYMENT: 'bundle-test',
      RETENTION_DAYS: '30',
      CATALOG_TABLE: 'bundle-test-airgap-catalog',
    });
    const mod = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { handler: unknown };
    expect(typeof mod.handler).toBe('function');
  }, 180_000);
});
