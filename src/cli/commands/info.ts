// `rnnlm info [checkpoint]`: what a checkpoint holds and how its training went.

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { loadMeta } from '../../node/checkpoint-files.js';
import { inputError } from '../../common/errors.js';
import { checkpointLines, linesText } from '../../display/lines.js';
import { makeContext, type GlobalArgs } from '../context.js';
import { findCheckpoint } from '../find.js';
import { lossChart } from '../format.js';

interface Args extends GlobalArgs {
  checkpoint?: string;
  model?: string;
  json?: boolean;
}

export const infoCommand: CommandModule<object, Args> = {
  command: 'info [checkpoint]',
  describe: 'Show a checkpoint: model, vocabulary, training progress and loss chart',
  builder: (y: Argv) =>
    y
      .positional('checkpoint', { type: 'string', describe: 'Checkpoint folder or .zip, or a shipped model (en) [default: the most recently trained]' })
      .option('model', { type: 'string', describe: 'The checkpoint, as every other command names it (the same as the positional)' })
      .option('json', { type: 'boolean', describe: 'Print rnnlm.json' })
      .example('$0 info', 'the latest checkpoint')
      .example('$0 info checkpoints/names', 'a given one')
      .example('$0 info --model checkpoints/names', 'the same, named as sample, score and eval name it') as unknown as Argv<Args>,
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    const ctx = makeContext(argv);
    if (argv.checkpoint !== undefined && argv.model !== undefined && argv.checkpoint !== argv.model)
      throw inputError('give the checkpoint once: as the positional or as --model');
    const dir = findCheckpoint(argv.checkpoint ?? argv.model);
    const { meta, vocab } = loadMeta(dir);
    if (argv.json) {
      process.stdout.write(JSON.stringify(meta, null, 2) + '\n');
      return;
    }
    const { c } = ctx;
    process.stdout.write(`${c.bold(dir)}\n${linesText(checkpointLines(meta, vocab))}\n`);
    const chart = lossChart(meta.history, c, 10, meta.ngram?.val ?? null, vocab.unit);
    if (chart) process.stdout.write('\n' + chart + '\n');
  },
};
