import { afterAll, beforeAll } from 'vitest';
import { startMoto, type MotoServer } from '../../src/sandbox/moto.js';
import { sandboxClients } from '../../src/sandbox/session.js';
import type { AwsClients } from '../../src/aws/clients.js';

/**
 * One moto_server per test file (no state shared across files). Call at the top of a describe block;
 * read `.clients` inside tests.
 */
export function useMoto(region = 'us-east-1'): { readonly clients: AwsClients; readonly server: MotoServer } {
  let server: MotoServer | undefined;
  let clients: AwsClients | undefined;
  beforeAll(async () => {
    server = await startMoto();
    clients = sandboxClients(server.endpoint, region);
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get clients() {
      if (!clients) throw new Error('moto is not started yet: use .clients inside a test');
      return clients;
    },
    get server() {
      if (!server) throw new Error('moto is not started yet');
      return server;
    },
  };
}
