import { Command, CommanderError } from 'commander';
import { CheckFailed, EXIT, InputError } from '../errors.js';
import { registerBackupCommands } from './commands/backup.js';
import { registerConfigCommands } from './commands/config.js';
import { registerCostCommands } from './commands/cost.js';
import { registerDrillCommands } from './commands/drill.js';
import { registerOperateCommands } from './commands/operate.js';
import { registerProveCommands } from './commands/prove.js';
import { registerRestoreCommands } from './commands/restore.js';
import { registerS3Commands } from './commands/s3.js';
import { registerSandboxCommands } from './commands/sandbox.js';
import { registerSnapshotCommands } from './commands/snapshots.js';
import { registerSynthCommands } from './commands/synth.js';

/** Each module adds its commands to the program; main only maps outcomes to exit codes. */
const registrations: ((program: Command) => void)[] = [
  registerConfigCommands,
  registerSynthCommands,
  registerProveCommands,
  registerSandboxCommands,
  registerRestoreCommands,
  registerDrillCommands,
  registerS3Commands,
  registerOperateCommands,
  registerSnapshotCommands,
  registerBackupCommands,
  registerCostCommands,
];

export function buildProgram(): Command {
  const program = new Command('airgap')
    .description(
      'Air Gap Recover: keep AWS data recoverable after a fully compromised production organization.',
    )
    .showHelpAfterError()
    // A group's own options come before its subcommand: `restore --from backup` and `restore rds --from <id>`.
    .enablePositionalOptions()
    .exitOverride();
  for (const register of registrations) register(program);
  return program;
}

export async function run(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    if (e instanceof InputError) {
      for (const line of e.lines) console.error(line);
      return EXIT.badInput;
    }
    if (e instanceof CheckFailed) {
      console.error(e.message);
      return EXIT.checkFailed;
    }
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    return EXIT.internal;
  }
}
