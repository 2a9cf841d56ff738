// The rnnlm command line: yargs commands, global flags, and the one error boundary.
// Errors print as one line `✗ message` (a stack only with --verbose) and set the exit
// code: 2 for bad input, 1 otherwise. main.ts runs it on process.argv.

import { VERSION } from '../node/version.js';
import yargs, { type CommandModule } from 'yargs';
import { flagsOf, nearestFlag } from './suggest.js';
import { BACKENDS } from '../node/backend.js';
import { RnnlmError } from '../common/errors.js';
import { STDIN_ARG } from '../node/textfile.js';
import { makeTheme, sym } from './theme.js';
import { trainCommand } from './commands/train.js';
import { sampleCommand } from './commands/sample.js';
import { scoreCommand } from './commands/score.js';
import { evalCommand } from './commands/eval.js';
import { infoCommand } from './commands/info.js';
import { serveCommand } from './commands/serve.js';
import { exportWebCommand } from './commands/export-web.js';
import { exportCommand } from './commands/export.js';
import { insideCommand } from './commands/inside.js';

const COMMANDS = [
  trainCommand,
  sampleCommand,
  scoreCommand,
  evalCommand,
  insideCommand,
  infoCommand,
  serveCommand,
  exportWebCommand,
  exportCommand,
] as unknown as CommandModule<object, never>[];
const GLOBAL_FLAGS = ['backend', 'verbose', 'quiet', 'color', 'no-color', 'help', 'version'];

/** ". Did you mean --temp?" for an unknown flag of a known command, else "". */
function flagHint(text: string, cmd: string | undefined): string {
  const m = /^Unknown arguments?: ([^,\s]+)/.exec(text);
  const command = COMMANDS.find((c) => String(c.command).split(' ')[0] === cmd);
  if (!m || !command) return '';
  const near = nearestFlag(m[1]!, flagsOf(command, GLOBAL_FLAGS));
  return near ? `. Did you mean --${near}?` : '';
}

/** The yargs parser for these arguments (a bare "-" becomes STDIN_ARG). */
export function buildCli(args: string[]) {
  return yargs(args.map((a) => (a === '-' ? STDIN_ARG : a)))
    .scriptName('rnnlm')
    .usage('$0 <command> [options]\n\nCharacter-level recurrent language models: train on a text file, generate text, score sentences.')
    .command(trainCommand)
    .command(sampleCommand)
    .command(scoreCommand)
    .command(evalCommand)
    .command(insideCommand)
    .command(infoCommand)
    .command(serveCommand)
    .command(exportWebCommand)
    .command(exportCommand)
    .option('backend', {
      choices: BACKENDS,
      describe: 'TF.js backend (default: fastest that starts: tensorflow → wasm → cpu; webgpu only when asked, see README "Using a GPU")',
      global: true,
    })
    .option('verbose', { type: 'boolean', describe: 'More detail; stack traces on errors', global: true })
    .option('quiet', {
      alias: 'q',
      type: 'boolean',
      describe: 'No progress and no notes on stderr (train: only the result line); results, warnings and errors still',
      global: true,
    })
    .option('color', { type: 'boolean', describe: 'Colour output (--no-color or NO_COLOR to turn off)', global: true })
    .example('$0 train names.txt', 'train an LSTM on one name per line')
    .example('$0 sample --temp 0.8 -n 5', 'five new names from the latest model')
    .example('$0 score "Maria" "Xqzt"', 'probability of each name')
    .example('$0 eval held-out.txt', 'bits/char and perplexity of a file')
    .example('$0 inside "The cats were full."', 'gates, and what each prediction looked back at')
    .example('$0 info', 'what the latest checkpoint is and how it trained')
    .example('$0 serve --open', 'play with the latest model in the browser')
    .example('$0 sample --model en', 'no training yet: the English base model that ships with rnnlm')
    .demandCommand(1, 'Give a command: train, sample, score, eval, inside, info, serve or export-web.')
    .recommendCommands()
    .strict()
    .completion('completion', 'Print a bash/zsh completion script (rnnlm completion >> ~/.bashrc)')
    .alias('h', 'help')
    .version(VERSION)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err instanceof RnnlmError) throw err;
      if (err && err.name !== 'YError') throw err;
      const text = msg ?? err?.message ?? 'invalid command line';
      const cmd = args.find((a) => !a.startsWith('-'));
      const prefix = text.startsWith('Did you mean') ? `Unknown command "${cmd}". ` : '';
      throw new RnnlmError(`${prefix}${text}${flagHint(text, cmd)} (see rnnlm ${cmd && !prefix ? cmd + ' ' : ''}--help)`, 2);
    });
}

export async function main(args: string[]): Promise<void> {
  // A reader that stops early (`rnnlm sample --no-stop | head`) no longer wants the output: that ends the command, quietly, not as an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(0);
  });
  const verbose = args.includes('--verbose');
  const colorFlag = args.includes('--no-color') ? false : undefined;
  try {
    await buildCli(args).parseAsync();
  } catch (e) {
    const { c } = makeTheme(colorFlag);
    if (e instanceof RnnlmError) {
      process.stderr.write(c.red(`${sym.err} ${e.message}`) + '\n');
      if (verbose && e.stack) process.stderr.write(c.dim(e.stack) + '\n');
      process.exitCode = e.exitCode;
    } else {
      const err = e as Error;
      process.stderr.write(c.red(`${sym.err} ${err?.message ?? String(e)}`) + '\n');
      process.stderr.write(verbose ? c.dim(String(err?.stack)) + '\n' : c.dim('  (an unexpected error; run with --verbose for details)\n'));
      process.exitCode = 1;
    }
  }
}
