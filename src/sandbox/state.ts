import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AwsClients } from '../aws/clients.js';
import { ROLE_NAMES, type Config } from '../config/index.js';
import { sandboxClients } from './session.js';

export const STATE_DIR = '.airgap';
const STATE_FILE = join(STATE_DIR, 'sandbox.json');

export interface SandboxState {
  endpoint: string;
  pid: number;
  port: number;
  startedAt: string;
  config: string;
  accounts: Record<string, string>;
}

export function readSandboxState(): SandboxState | undefined {
  if (!existsSync(STATE_FILE)) return undefined;
  return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as SandboxState;
}

export function writeSandboxState(state: SandboxState): void {
  mkdirSync(STATE_DIR, { recursive: true });
  writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`);
}

export function clearSandboxState(): void {
  rmSync(STATE_FILE, { force: true });
}

/**
 * The clients a command uses: against the endpoint given (or AWS_ENDPOINT_URL), else the running sandbox when
 * there is one, else AWS itself with the operator role in each account.
 */
export function awsClientsFor(config: Config, opts: { endpoint?: string | undefined } = {}): AwsClients {
  const endpoint = opts.endpoint ?? process.env['AWS_ENDPOINT_URL'] ?? readSandboxState()?.endpoint;
  if (endpoint) return sandboxClients(endpoint, config.vault.region);
  return new AwsClients({ region: config.vault.region, roleName: ROLE_NAMES.operator });
}
