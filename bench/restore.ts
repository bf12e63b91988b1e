/**
 * Restore throughput on the sandbox: `airgap restore s3` against `aws s3 sync`, `rclone copy` and a plain
 * concurrent CopyObject loop (the emulator's ceiling), between the same vault bucket and fresh targets, on one
 * moto_server. Each data set sits in its own vault bucket (moto lists versions in time linear in the whole
 * bucket, which AWS does not), the tools run in a rotated order each round so load drifts hit them alike, and
 * every target is counted afterwards (untimed) so a tool that copied less cannot look fast.
 * Usage: npx tsx bench/restore.ts [smallCount=20000] [largeCount=50] [rounds=1] [tools=ceiling,airgap,sync,rclone]
 * (the fourth argument runs a subset, e.g. `ceiling,airgap` for the ratio to the ceiling alone on a busy machine).
 * Besides wall time, each tool's CPU per object is read from /proc: moto_server's (its one Python process serves
 * every tool) and the client's (this process for the ceiling and airgap, the awscli or rclone child for the others),
 * since on a machine of few cores the two compete for the same cores and bound the rate together.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { promisify } from 'node:util';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { parseConfig } from '../src/config/load.js';
import { protectedBuckets } from '../src/config/plan.js';
import { restoreBucket } from '../src/protect/s3/restore.js';
import { startMoto } from '../src/sandbox/moto.js';
import { provisionSandbox } from '../src/sandbox/provision.js';
import { SANDBOX_BASE_CREDENTIALS, sandboxClients } from '../src/sandbox/session.js';
import { mapBounded } from '../src/util/concurrency.js';

const run = promisify(execFile);
const SMALL = Number(process.argv[2] ?? 20_000);
const LARGE = Number(process.argv[3] ?? 50);
const ROUNDS = Number(process.argv[4] ?? 1);
const CONCURRENCY = 64;
const ONLY = (process.argv[5] ?? 'ceiling,airgap,sync,rclone').split(',');
const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on Linux (getconf CLK_TCK)

const yaml = readFileSync(new URL('../examples/quickstart.yaml', import.meta.url), 'utf8').replace(
  'names: [payments-invoices]',
  'names: [bench-small, bench-large]',
);
const config = parseConfig(yaml, 'quickstart.yaml');
const [smallBucket, largeBucket] = protectedBuckets(config);

const server = await startMoto();
try {
  const clients = sandboxClients(server.endpoint, config.vault.region);
  await provisionSandbox(clients, config);
  const vault = clients.for(S3Client, config.organizations.vault.vaultAccount);
  const target = clients.for(S3Client, config.organizations.vault.restoreAccount);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: SANDBOX_BASE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: SANDBOX_BASE_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: config.vault.region,
    RCLONE_CONFIG_MOTO_TYPE: 's3',
    RCLONE_CONFIG_MOTO_PROVIDER: 'Other',
    RCLONE_CONFIG_MOTO_ENDPOINT: server.endpoint,
    RCLONE_CONFIG_MOTO_ACCESS_KEY_ID: SANDBOX_BASE_CREDENTIALS.accessKeyId,
    RCLONE_CONFIG_MOTO_SECRET_ACCESS_KEY: SANDBOX_BASE_CREDENTIALS.secretAccessKey,
    RCLONE_CONFIG_MOTO_FORCE_PATH_STYLE: 'true',
  };
  delete env['AWS_CA_BUNDLE'];
  delete env['AWS_ENDPOINT_URL'];

  const datasets = [
    { name: `${SMALL} objects of 1 KiB`, tag: 'small', count: SMALL, size: 1024, bucket: smallBucket! },
    {
      name: `${LARGE} objects of 8 MiB`,
      tag: 'large',
      count: LARGE,
      size: 8 * 1024 * 1024,
      bucket: largeBucket!,
    },
  ];
  const rows: string[] = [];
  for (const d of datasets.filter((set) => set.count > 0)) {
    const source = d.bucket.vaultBucket;
    const keys = Array.from({ length: d.count }, (_, i) => `data/${String(i).padStart(6, '0')}.bin`);
    const t0 = Date.now();
    await mapBounded(keys, 32, async (key) => {
      await vault.send(
        new PutObjectCommand({
          Bucket: source,
          Key: key,
          Body: Buffer.alloc(d.size, key),
          ChecksumAlgorithm: 'SHA256',
        }),
      );
    });
    console.error(`${d.name}: vault filled in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const at = new Date(Date.now() + 2000);
    await new Promise((r) => setTimeout(r, 2100));

    const tools: Record<string, (to: string) => Promise<void>> = {
      'CopyObject loop (ceiling)': (to) =>
        mapBounded(keys, CONCURRENCY, async (key) => {
          await target.send(new CopyObjectCommand({ Bucket: to, Key: key, CopySource: `${source}/${key}` }));
        }),
      'airgap restore s3': async (to) => {
        const report = await restoreBucket(clients, config, d.bucket, { at, to, concurrency: CONCURRENCY });
        if (report.restored !== d.count || report.failed.length > 0)
          throw new Error(`airgap restored ${report.restored}/${d.count}, ${report.failed.length} failed`);
      },
      'aws s3 sync': async (to) => {
        const args = ['s3', 'sync', `s3://${source}`, `s3://${to}`, '--endpoint-url', server.endpoint];
        await run('aws', [...args, '--only-show-errors'], { env, maxBuffer: 1 << 26 });
      },
      'rclone copy': async (to) => {
        const args = ['copy', `moto:${source}`, `moto:${to}`, '--transfers', String(CONCURRENCY)];
        await run('rclone', [...args, '--checkers', String(CONCURRENCY)], { env, maxBuffer: 1 << 26 });
      },
    };
    const short = ['ceiling', 'airgap', 'sync', 'rclone'];
    const names = Object.keys(tools).filter((_, i) => ONLY.includes(short[i]!));
    const seconds: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
    const loads: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    const cpu: Record<string, { moto: number; client: number }> = Object.fromEntries(
      names.map((n) => [n, { moto: 0, client: 0 }]),
    );
    for (let round = 0; round < ROUNDS; round++) {
      const order = names.map((_, i) => names[(i + round) % names.length]!);
      for (const [i, tool] of order.entries()) {
        const to = `airgap-restore-${d.tag}-r${round}-t${names.indexOf(tool)}`;
        // airgap creates its own target (as it does for users); the others get one made for them, untimed.
        if (tool !== 'airgap restore s3') await target.send(new CreateBucketCommand({ Bucket: to }));
        loads[tool]!.push(loadavg()[0]!);
        const [moto0, client0] = [cpuSeconds(server.pid), cpuSeconds('self')];
        const start = process.hrtime.bigint();
        await tools[tool]!(to);
        const s = Number(process.hrtime.bigint() - start) / 1e9;
        cpu[tool]!.moto += cpuSeconds(server.pid) - moto0;
        cpu[tool]!.client += cpuSeconds('self') - client0;
        loads[tool]!.push(loadavg()[0]!);
        seconds[tool]! += s;
        const copied = await countKeys(target, to);
        if (copied !== d.count) throw new Error(`${tool} left ${copied}/${d.count} keys in ${to}`);
        console.error(`${d.name}, round ${round + 1}, #${i + 1}: ${tool} ${s.toFixed(1)} s`);
      }
    }
    const ours = seconds['airgap restore s3']!;
    const bytes = d.count * d.size * ROUNDS;
    for (const tool of names) {
      const s = seconds[tool]!;
      const load = loads[tool]!;
      const perObject = (cpuS: number) => ((cpuS * 1000) / (d.count * ROUNDS)).toFixed(2);
      rows.push(
        `| ${d.name} | ${tool} | ${s.toFixed(1)} | ${((d.count * ROUNDS) / s).toFixed(0)} | ${(bytes / 1048576 / s).toFixed(1)} | ${(s / ours).toFixed(2)}× | ${perObject(cpu[tool]!.moto)} | ${perObject(cpu[tool]!.client)} | ${Math.min(...load).toFixed(1)}-${Math.max(...load).toFixed(1)} |`,
      );
    }
  }
  console.log(`${ROUNDS} round(s), ${CONCURRENCY} in flight per tool`);
  console.log(
    '| data set | tool | seconds | objects/s | MiB/s | tool time / airgap time | moto CPU ms/object | client CPU ms/object | load average |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
} finally {
  await server.stop();
}

/** User and system CPU seconds of a process and of the children it has waited for (/proc/PID/stat, man 5 proc). */
function cpuSeconds(pid: number | 'self'): number {
  // Fields after the parenthesised command name: state is field 3, utime..cstime are fields 14-17.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks / CLOCK_TICKS_PER_SECOND;
}

async function countKeys(s3: S3Client, bucket: string): Promise<number> {
  let n = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    n += page.KeyCount ?? 0;
    token = page.NextContinuationToken;
  } while (token);
  return n;
}
