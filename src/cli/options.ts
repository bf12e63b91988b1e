import { Option, type Command } from 'commander';

/** Options every command shares, so their spelling and help read the same everywhere. */
export const configOption = () =>
  new Option('-c, --config <file>', 'the airgap.yaml to use').default('airgap.yaml').makeOptionMandatory();

export const outputOption = (choices: string[] = ['text', 'json']) =>
  new Option('-o, --output <format>', 'output format').choices(choices).default('text');

export function withConfig(command: Command): Command {
  return command.addOption(configOption());
}
