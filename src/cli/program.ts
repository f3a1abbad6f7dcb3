/** The `continuo` program: its commands and how usage errors map to exit codes. */
import { Command, CommanderError } from 'commander';
import { benchCommand } from './commands/bench.ts';
import { datasetCommand } from './commands/dataset.ts';
import { evalCommand } from './commands/eval.ts';
import { modelCommand } from './commands/model.ts';
import { resumeCommand } from './commands/resume.ts';
import { trainCommand } from './commands/train.ts';
import { generateCommand } from './commands/generate.ts';

/** Exit code for usage errors (unknown option, missing argument). */
export const EXIT_USAGE = 2;

/** Builds the program; commands set `process.exitCode` themselves. */
export function buildProgram(): Command {
  const program = new Command('continuo')
    .description('Continuo: learn your music with an LSTM and continue your phrases.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.addCommand(datasetCommand());
  program.addCommand(benchCommand());
  program.addCommand(trainCommand());
  program.addCommand(resumeCommand());
  program.addCommand(evalCommand());
  program.addCommand(generateCommand());
  program.addCommand(modelCommand());
  for (const command of program.commands) command.exitOverride().showHelpAfterError('(add --help for usage)');
  return program;
}

/** Runs the CLI with `argv` (as process.argv), mapping usage errors to exit code 2. */
export async function runCli(argv: readonly string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message; help and version are not errors.
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    process.stderr.write(`continuo: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
