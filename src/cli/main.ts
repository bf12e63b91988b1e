import { Command, CommanderError } from 'commander';
import { constants } from 'node:os';
import { CheckFailed, EXIT, errorLine, fromAws, InputError, Interrupted } from '../errors.js';

type Register = (program: Command) => void;

/**
 * Each module adds its commands to the program; main only maps outcomes to exit codes. A module is imported when
 * its command runs: the modules hold the SDK clients and CDK stacks of their commands (seconds of loading), which
 * `airgap prove` or `airgap validate` never use. `commands` names the top-level commands a module registers
 * (test/cli-lazy.test.ts checks them); without a known command (help, a typo) every module is loaded.
 */
export const registrations: { commands: string[]; load: () => Promise<Register> }[] = [
  {
    commands: ['validate', 'schema'],
    load: async () => (await import('./commands/config.js')).registerConfigCommands,
  },
  { commands: ['synth'], load: async () => (await import('./commands/synth.js')).registerSynthCommands },
  { commands: ['prove'], load: async () => (await import('./commands/prove.js')).registerProveCommands },
  {
    commands: ['sandbox'],
    load: async () => (await import('./commands/sandbox.js')).registerSandboxCommands,
  },
  {
    commands: ['restore'],
    load: async () => (await import('./commands/restore.js')).registerRestoreCommands,
  },
  { commands: ['drill'], load: async () => (await import('./commands/drill.js')).registerDrillCommands },
  { commands: ['s3'], load: async () => (await import('./commands/s3.js')).registerS3Commands },
  {
    commands: ['status', 'audit'],
    load: async () => (await import('./commands/operate.js')).registerOperateCommands,
  },
  {
    commands: ['preflight', 'snapshots'],
    load: async () => (await import('./commands/snapshots.js')).registerSnapshotCommands,
  },
  { commands: ['backup'], load: async () => (await import('./commands/backup.js')).registerBackupCommands },
  { commands: ['cost'], load: async () => (await import('./commands/cost.js')).registerCostCommands },
  { commands: ['efs'], load: async () => (await import('./commands/efs.js')).registerEfsCommands },
];

/** The program with the commands `argv` runs, or with every command when it names none of them. */
export async function buildProgram(argv: string[] = []): Promise<Command> {
  const program = new Command('airgap')
    .description(
      'Air Gap Recover: keep AWS data recoverable after a fully compromised production organization.',
    )
    .showHelpAfterError()
    // A group's own options come before its subcommand: `restore --from backup` and `restore rds --from <id>`.
    .enablePositionalOptions()
    .exitOverride();
  // The program has no options of its own, so its first operand is the command.
  const command = argv.slice(2).find((a) => !a.startsWith('-'));
  const named = registrations.filter((r) => command !== undefined && r.commands.includes(command));
  for (const load of (named.length ? named : registrations).map((r) => r.load())) (await load)(program);
  return program;
}

export async function run(argv: string[]): Promise<number> {
  try {
    await (await buildProgram(argv)).parseAsync(argv);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    if (e instanceof InputError) {
      for (const line of e.lines) console.error(line);
      return EXIT.badInput;
    }
    if (e instanceof Interrupted) {
      console.error(e.message);
      return 128 + constants.signals[e.signal];
    }
    if (e instanceof CheckFailed) {
      console.error(e.message);
      return EXIT.checkFailed;
    }
    // AWS refused or could not be reached: one line says what to fix. Anything else is a defect: its stack trace.
    const aws = fromAws(e) || (e instanceof Error && fromAws(e.cause));
    console.error(aws ? errorLine(e) : e instanceof Error ? (e.stack ?? e.message) : String(e));
    return EXIT.internal;
  }
}
