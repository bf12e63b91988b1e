import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { accountsByRole, type Config } from '../config/index.js';
import { startMoto } from './moto.js';
import { provisionSandbox, type ProvisionReport } from './provision.js';
import { sandboxClients } from './session.js';
import {
  clearSandboxState,
  readSandboxState,
  STATE_DIR,
  writeSandboxState,
  type SandboxState,
} from './state.js';

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts (or reuses) the sandbox for a config and provisions it; both steps are idempotent. */
export async function sandboxUp(
  config: Config,
  configFile: string,
): Promise<{ state: SandboxState; provision: ProvisionReport; reused: boolean }> {
  let state = readSandboxState();
  const reused = state !== undefined && isRunning(state.pid);
  if (!state || !reused) {
    mkdirSync(STATE_DIR, { recursive: true });
    const log = openSync(join(STATE_DIR, 'moto.log'), 'a');
    const server = await startMoto({ detached: true, logFile: log });
    state = {
      endpoint: server.endpoint,
      pid: server.pid,
      port: server.port,
      startedAt: new Date().toISOString(),
      config: configFile,
      accounts: Object.fromEntries(
        accountsByRole(config).map((a) => [`${a.role}${a.role === 'workload' ? `:${a.name}` : ''}`, a.id]),
      ),
    };
    writeSandboxState(state);
  }
  const provision = await provisionSandbox(sandboxClients(state.endpoint, config.vault.region), config);
  return { state, provision, reused };
}

/** Stops only the moto_server this project started, by the pid it recorded. */
export function sandboxDown(): { stopped: boolean; pid?: number } {
  const state = readSandboxState();
  if (!state) return { stopped: false };
  if (isRunning(state.pid)) process.kill(state.pid, 'SIGTERM');
  clearSandboxState();
  return { stopped: true, pid: state.pid };
}

export function sandboxEnvironment(state: SandboxState, region: string): string[] {
  return [
    `export AWS_ENDPOINT_URL=${state.endpoint}`,
    'export AWS_ACCESS_KEY_ID=AKIAAIRGAPSANDBOX000 AWS_SECRET_ACCESS_KEY=sandbox',
    `export AWS_REGION=${region} AWS_DEFAULT_REGION=${region}`,
  ];
}
