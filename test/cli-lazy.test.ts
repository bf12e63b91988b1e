import { Command } from 'commander';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { registrations } from '../src/cli/main.js';

/**
 * The packages a module loads before any of its code runs: its static imports and theirs, down the whole graph
 * (dynamic `import()`s are not followed: they load when they run).
 */
async function staticPackages(entry: string): Promise<Set<string>> {
  const { metafile } = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of metafile.inputs[file]?.imports ?? []) {
      if (i.kind !== 'import-statement') continue;
      if (i.external) packages.add(i.path);
      else visit(i.path);
    }
  };
  visit(Object.keys(metafile.inputs).find((f) => f.endsWith(entry))!);
  return packages;
}

describe('the CLI loads only the module of the command it runs', () => {
  it('each lazily loaded module registers exactly the top-level commands main looks it up by', async () => {
    for (const r of registrations) {
      const program = new Command();
      (await r.load())(program);
      expect(program.commands.map((c) => c.name()).sort()).toEqual([...r.commands].sort());
    }
  });

  it('main itself imports no command module: no AWS SDK client, no CDK', async () => {
    // Node's own modules (node:os for the signals' numbers) are part of Node, loaded with it.
    const packages = [...(await staticPackages('src/cli/main.ts'))].filter((p) => !p.startsWith('node:'));
    expect(packages).toEqual(['commander']);
  });

  it('`prove --templates DIR` loads no CDK (only its region table) and no AWS SDK: synthesis is imported when it runs', async () => {
    const packages = [...(await staticPackages('src/cli/commands/prove.ts'))];
    expect(packages).toContain('@cloud-copilot/iam-simulate');
    expect(packages.filter((p) => p.startsWith('aws-cdk-lib'))).toEqual(['aws-cdk-lib/region-info']);
    expect(packages.filter((p) => p.startsWith('@aws-sdk/') || p === 'constructs')).toEqual([]);
  });

  it('synthesis loads neither the root of aws-cdk-lib (the entry of every service module) nor cdk-nag unless its checks run', async () => {
    const packages = [...(await staticPackages('src/infra/synth.ts'))];
    expect(packages).toContain('aws-cdk-lib/core');
    expect(packages.filter((p) => p === 'aws-cdk-lib' || p === 'cdk-nag')).toEqual([]);
  });
});
