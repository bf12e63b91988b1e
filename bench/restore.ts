/**
 * Restore throughput on the sandbox: `airgap restore s3` against `aws s3 sync`, `rclone copy` and a plain
 * concurrent CopyObject loop (the emulator's ceiling), between the same vault bucket and fresh targets, in
 * one run. Usage: npx tsx bench/restore.ts [smallCount] [largeCount]
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CopyObjectCommand, CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { parseConfig } from '../src/config/load.js';
import { protectedBuckets } from '../src/config/plan.js';
import { restoreBucket } from '../src/protect/s3/restore.js';
import { startMoto } from '../src/sandbox/moto.js';
import { provisionSandbox } from '../src/sandbox/provision.js';
import { SANDBOX_BASE_CREDENTIALS, sandboxClients } from '../src/sandbox/session.js';
import { mapBounded } from '../src/util/concurrency.js';
import { readFileSync } from 'node:fs';

const run = promisify(execFile);
const SMALL = Number(process.argv[2] ?? 20_000);
const LARGE = Number(process.argv[3] ?? 50);
const CONCURRENCY = 64;

const yaml = readFileSync(new URL('../examples/quickstart.yaml', import.meta.url), 'utf8').replace(
  'names: [payments-invoices]',
  'names: [bench-src]',
);
const config = parseConfig(yaml, 'quickstart.yaml');
const bucket = protectedBuckets(config)[0]!;

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
    { name: `${SMALL} objects of 1 KiB`, prefix: 'small/', count: SMALL, size: 1024 },
    { name: `${LARGE} objects of 8 MiB`, prefix: 'large/', count: LARGE, size: 8 * 1024 * 1024 },
  ];
  const rows: string[] = [];
  for (const d of datasets) {
    const keys = Array.from({ length: d.count }, (_, i) => `${d.prefix}${String(i).padStart(6, '0')}.bin`);
    const t0 = Date.now();
    await mapBounded(keys, 32, async (key) => {
      await vault.send(
        new PutObjectCommand({
          Bucket: bucket.vaultBucket,
          Key: key,
          Body: Buffer.alloc(d.size, key),
          ChecksumAlgorithm: 'SHA256',
        }),
      );
    });
    console.error(`${d.name}: vault filled in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const at = new Date(Date.now() + 2000);
    await new Promise((r) => setTimeout(r, 2100));
    const bytes = d.count * d.size;
    const fresh = async (tool: string) => {
      const name = `airgap-restore-${d.prefix.slice(0, -1)}-${tool}`;
      if (tool !== 'airgap') await target.send(new CreateBucketCommand({ Bucket: name }));
      return name;
    };
    const timed = async (tool: string, fn: (to: string) => Promise<void>) => {
      const to = await fresh(tool);
      const start = process.hrtime.bigint();
      await fn(to);
      const s = Number(process.hrtime.bigint() - start) / 1e9;
      console.error(`${d.name}: ${tool} ${s.toFixed(1)} s`);
      return s;
    };
    const results: Record<string, number> = {};
    results['CopyObject loop (ceiling)'] = await timed('ceiling', (to) =>
      mapBounded(keys, CONCURRENCY, async (key) => {
        await target.send(
          new CopyObjectCommand({ Bucket: to, Key: key, CopySource: `${bucket.vaultBucket}/${key}` }),
        );
      }),
    );
    results['airgap restore s3'] = await timed('airgap', async (to) => {
      const report = await restoreBucket(clients, config, bucket, {
        at,
        to,
        prefix: d.prefix,
        concurrency: CONCURRENCY,
      });
      if (report.restored !== d.count || report.failed.length > 0)
        throw new Error(`airgap restored ${report.restored}/${d.count}, ${report.failed.length} failed`);
    });
    results['aws s3 sync'] = await timed('awscli', async (to) => {
      await run(
        'aws',
        [
          's3',
          'sync',
          `s3://${bucket.vaultBucket}/${d.prefix}`,
          `s3://${to}/${d.prefix}`,
          '--endpoint-url',
          server.endpoint,
          '--only-show-errors',
        ],
        { env, maxBuffer: 1 << 26 },
      );
    });
    results['rclone copy'] = await timed('rclone', async (to) => {
      await run(
        'rclone',
        [
          'copy',
          `moto:${bucket.vaultBucket}/${d.prefix}`,
          `moto:${to}/${d.prefix}`,
          '--transfers',
          String(CONCURRENCY),
          '--checkers',
          String(CONCURRENCY),
        ],
        { env, maxBuffer: 1 << 26 },
      );
    });
    const ours = results['airgap restore s3']!;
    for (const [tool, s] of Object.entries(results)) {
      rows.push(
        `| ${d.name} | ${tool} | ${s.toFixed(1)} | ${(d.count / s).toFixed(0)} | ${(bytes / 1048576 / s).toFixed(1)} | ${(s / ours).toFixed(2)}× |`,
      );
    }
  }
  console.log(
    '| data set | tool | seconds | objects/s | MiB/s | airgap speed-up (tool time / airgap time) |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
} finally {
  await server.stop();
}
