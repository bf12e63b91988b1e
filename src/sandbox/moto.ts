import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { motoCommand } from './moto-command.js';

/** A moto_server this process started, on a free loopback port. */
export interface MotoServer {
  endpoint: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** Environment moto needs for a multi-account sandbox (see shared notes on moto). */
export const MOTO_ENV: Record<string, string> = {
  // The ~100 default AMI snapshots would drown the vault's own snapshot listings.
  MOTO_EC2_LOAD_DEFAULT_AMIS: 'false',
  // moto answers every ListObjectVersions page by deep-copying every version of the whole bucket, bytes
  // included, so pages of S3's 1,000 make listing N versions cost N²/1,000 copies (20 full copies for a restore
  // of 20,000 keys). Larger pages when the caller names no MaxKeys (as the runtime never does): on AWS a page
  // is at most 1,000 whatever is asked, so this changes nothing the runtime relies on.
  MOTO_S3_DEFAULT_MAX_KEYS: '50000',
  // That deep copy includes every object's bytes, and moto spills objects above its 5 MiB key buffer to temp
  // files, so one listing of a bucket of 8 MiB objects wrote the whole bucket to disk again: a point-in-time
  // restore (which must list versions) ran at 53-61% of a plain CopyObject loop, 82% with objects up to 16 MiB
  // kept in memory (bench/RESULTS.md, restore, s3perf6). The price: the sandbox holds such objects in RAM, as it
  // already holds every smaller one.
  MOTO_S3_DEFAULT_KEY_BUFFER_SIZE: String(16 * 1024 * 1024),
  // Never pin every request to one account: accounts come from the STS keys.
  MOTO_ACCOUNT_ID: '',
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Starts moto_server and waits until it answers. `detached` lets the sandbox outlive the CLI process
 * (`airgap sandbox up`); tests keep it attached so it dies with them.
 */
export async function startMoto(opts: { detached?: boolean; logFile?: number } = {}): Promise<MotoServer> {
  const [command, ...args] = motoCommand();
  const port = await freePort();
  const env = { ...process.env, ...MOTO_ENV };
  delete env['MOTO_ACCOUNT_ID'];
  const child: ChildProcess = spawn(command!, [...args, '-H', '127.0.0.1', '-p', String(port)], {
    env,
    detached: opts.detached ?? false,
    stdio: ['ignore', opts.logFile ?? 'ignore', opts.logFile ?? 'ignore'],
  });
  if (opts.detached) child.unref();
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`moto_server exited with code ${child.exitCode} before answering`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`moto_server did not answer on ${endpoint} within 30 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = child.pid!;
  return {
    endpoint,
    port,
    pid,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    },
  };
}
