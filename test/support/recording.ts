import type { AwsClients } from '../../src/aws/clients.js';

interface WithMiddleware {
  middlewareStack: {
    add(
      mw: (
        next: (a: unknown) => Promise<unknown>,
        ctx: { commandName?: string },
      ) => (a: unknown) => Promise<unknown>,
      opts: { step: 'initialize'; name: string },
    ): void;
  };
}

/** Records the name of every SDK command sent through `clients` from now on (threat #31: dry runs only read). */
export function recordCommands(clients: AwsClients): { calls: string[]; stop(): void } {
  const calls: string[] = [];
  const seen = new WeakSet<object>();
  const original = clients.for.bind(clients);
  clients.for = ((Client: never, account: string, region?: string) => {
    const client = original(Client, account, region) as unknown as WithMiddleware & object;
    if (!seen.has(client)) {
      seen.add(client);
      client.middlewareStack.add(
        (next, ctx) => (args) => {
          if (active) calls.push(ctx.commandName ?? '?');
          return next(args);
        },
        { step: 'initialize', name: `record-${calls.length}-${Math.random()}` },
      );
    }
    return client;
  }) as AwsClients['for'];
  let active = true;
  return {
    calls,
    stop: () => {
      active = false;
      clients.for = original;
    },
  };
}
