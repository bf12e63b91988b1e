/**
 * CPU time of what `airgap prove` does before it proves: synthesize the templates (TEMPLATES_ONLY) and read them
 * into the proof model (loadModel), for 500 workload accounts (one bucket each). Each build runs in processes of its
 * own, taking turns: per process a first run (what one `airgap prove` pays, JIT cold) and the best of 3 runs. The
 * peer, in the same run: another build of the project, e.g. main's (a folder with its `dist/` and `node_modules/`).
 *
 *   npm run build && npx tsx bench/synth-phases.ts [accounts=500] [peer folder]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { workloadAccountsYaml } from '../test/support/config.js';

interface Phases {
  synthFirst: number;
  synthBest: number;
  loadFirst: number;
  loadBest: number;
}

/** In a child process: the phases of one build (`root`) on one config file, in CPU seconds. */
async function measure(root: string, file: string): Promise<Phases> {
  const from = (path: string) => import(pathToFileURL(join(root, 'dist', path)).href);
  const { loadConfig } = await from('config/load.js');
  const { synthesize } = await from('infra/synth.js');
  const { TEMPLATES_ONLY } = await from('infra/app.js');
  const { loadModel } = await from('proof/model.js');
  const config = loadConfig(file);
  const cpu = (run: () => unknown) => {
    const start = process.cpuUsage();
    run();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1e6;
  };
  const synth: number[] = [];
  const load: number[] = [];
  for (let i = 0; i < 3; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-synth-phases-'));
    synth.push(cpu(() => synthesize(config, dir, TEMPLATES_ONLY)));
    load.push(cpu(() => loadModel(config, dir)));
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    synthFirst: synth[0]!,
    synthBest: Math.min(...synth),
    loadFirst: load[0]!,
    loadBest: Math.min(...load),
  };
}

if (process.argv[2] === '--child') {
  process.stdout.write(JSON.stringify(await measure(process.argv[3]!, process.argv[4]!)));
} else {
  const accounts = Number(process.argv[2] ?? 500);
  const builds = [
    { name: 'this build', root: fileURLToPath(new URL('..', import.meta.url)) },
    ...(process.argv[3] ? [{ name: 'peer', root: resolve(process.argv[3]) }] : []),
  ];
  const dir = mkdtempSync(join(tmpdir(), 'bench-synth-phases-config-'));
  const file = join(dir, 'airgap.yaml');
  writeFileSync(file, workloadAccountsYaml(accounts));
  const runs = new Map<string, Phases[]>(builds.map((b) => [b.name, []]));
  for (let round = 0; round < 3; round++)
    for (const b of builds) {
      const child = spawnSync(
        process.execPath,
        [...process.execArgv, fileURLToPath(import.meta.url), '--child', b.root, file],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      );
      if (child.status !== 0) throw new Error(`${b.name}: ${child.stderr}`);
      runs.get(b.name)!.push(JSON.parse(child.stdout) as Phases);
    }
  rmSync(dir, { recursive: true, force: true });
  const best = (name: string, key: keyof Phases) => Math.min(...runs.get(name)!.map((r) => r[key]));
  console.log(`${accounts} workload accounts, CPU seconds, best of 3 processes`);
  console.log(
    '| build | synth, first run | synth, best of 3 | loadModel, first run | loadModel, best of 3 |',
  );
  console.log('|---|---:|---:|---:|---:|');
  for (const { name } of builds) {
    const cells = (['synthFirst', 'synthBest', 'loadFirst', 'loadBest'] as const).map((k) => {
      const mine = best(name, k);
      const ratio =
        name === 'peer' ? '' : builds.length > 1 ? ` (${(mine / best('peer', k)).toFixed(2)}x)` : '';
      return `${mine.toFixed(2)}${ratio}`;
    });
    console.log(`| ${name} | ${cells.join(' | ')} |`);
  }
}
