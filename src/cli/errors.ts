// How the CLI shows a failure. The user's mistakes (any UserInputError, and commander's own parse
// errors) get one line naming the problem and the fix, exit code 2; bugs get their stack, exit code 1.
import { CommanderError, type Command } from 'commander';
import { UserInputError } from '../util/errors.js';

/** A mistake in how the command line was written (an option that conflicts with another, ...). */
export class UsageError extends UserInputError {
  override name = 'UsageError';
}

/**
 * Makes commander throw instead of printing and exiting, on `command` and every subcommand: a parse
 * error (unknown option or command, missing or invalid argument) becomes a UsageError that points at
 * the command's --help; help and --version, already printed, end as a CommanderError.
 */
export function throwCommanderErrors(command: Command): void {
  command.configureOutput({ outputError: () => {} }).exitOverride((error) => {
    if (error.exitCode === 0 || error.code === 'commander.help') throw error;
    throw new UsageError(
      sentences([
        ...error.message.replace(/^error: /, '').split('\n'),
        `Run '${usagePath(command)} --help' for usage`,
      ]),
    );
  });
  for (const subcommand of command.commands) throwCommanderErrors(subcommand);
}

/** Prints what the user needs to see of `error` on stderr and returns the process exit code. */
export function reportCliError(error: unknown): number {
  // Help, --version, or the help shown when no command was given: commander has printed it.
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (error instanceof UserInputError) {
    process.stderr.write(`pareto-edge: ${error.message}\n`);
    return 2;
  }
  // A failed system call (disk full, permission denied) names its file and cause; its stack adds
  // nothing. Anything else is a bug, and the stack is what its report needs.
  const isSystemError = error instanceof Error && 'syscall' in error;
  const shown =
    error instanceof Error ? (isSystemError ? error.message : (error.stack ?? error.message)) : String(error);
  process.stderr.write(`pareto-edge: ${shown}\n`);
  return 1;
}

function usagePath(command: Command): string {
  return command.parent ? `${usagePath(command.parent)} ${command.name()}` : command.name();
}

/** Commander's lines ("unknown option '--x'", "(Did you mean --y?)") and ours as one line of sentences. */
function sentences(lines: string[]): string {
  return lines
    .map((line) => line.trim().replace(/^\((.*)\)$/, '$1'))
    .filter((line) => line !== '')
    .map((line) => (/[.?!]$/.test(line) ? line : `${line}.`))
    .join(' ');
}
