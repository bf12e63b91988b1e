import { observeCommands } from '../../src/aws/clients.js';

/** Records the name of every SDK command any client of the factory sends from now on (threat #31: dry runs only read). */
export function recordCommands(): { calls: string[]; stop(): void } {
  const calls: string[] = [];
  const stop = observeCommands((sent) => calls.push(sent.command));
  return { calls, stop };
}
