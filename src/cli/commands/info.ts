// `rnnlm info [checkpoint]`: what a checkpoint holds and how its training went.

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { loadMeta } from '../../checkpoint.js';
import { parameterCount } from '../../model/config.js';
import { makeContext, type GlobalArgs } from '../context.js';
import { findCheckpoint } from '../find.js';
import { duration, int, lossChart, lossText } from '../format.js';

interface Args extends GlobalArgs {
  checkpoint?: string;
  json?: boolean;
}

export const infoCommand: CommandModule<object, Args> = {
  command: 'info [checkpoint]',
  describe: 'Show a checkpoint: model, vocabulary, training progress and loss chart',
  builder: (y: Argv) =>
    y
      .positional('checkpoint', { type: 'string', describe: 'Checkpoint folder [default: the most recently trained]' })
      .option('json', { type: 'boolean', describe: 'Print rnnlm.json' })
      .example('$0 info', 'the latest checkpoint')
      .example('$0 info checkpoints/names', 'a given one') as unknown as Argv<Args>,
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    const ctx = makeContext(argv);
    const dir = findCheckpoint(argv.checkpoint);
    const { meta, vocab } = loadMeta(dir);
    if (argv.json) {
      process.stdout.write(JSON.stringify(meta, null, 2) + '\n');
      return;
    }
    const { c } = ctx;
    const m = meta.model;
    const t = meta.training;
    const p = meta.progress;
    const chars = vocab.tokens.slice(2).join('');
    const lines = [
      c.bold(dir),
      `  model        ${m.layers}-layer ${m.cell.toUpperCase()}, hidden ${m.hidden}, ${int(parameterCount(m))} parameters${m.dropout ? `, dropout ${m.dropout}` : ''}`,
      `  vocabulary   ${vocab.size} tokens: <EOS>, <UNK> and ${JSON.stringify(chars.length > 120 ? chars.slice(0, 120) + '…' : chars)}`,
      `  corpus       ${meta.corpus.path} (${int(meta.corpus.bytes)} bytes, ${meta.segmentation} mode, sha256 ${meta.corpus.sha256.slice(0, 12)}…)`,
      `  training     batch ${t.batchSize} × ${t.seqLen}, lr ${t.lr} (${t.schedule}), clip ${t.clip}, seed ${t.seed}, epochs ${t.epochs ?? 'no cap'}${t.time ? `, budget ${duration(t.time)}` : ''}${t.shuffle ? ', shuffled' : ''}`,
      `  validation   ${t.valFraction > 0 ? `${t.valFraction * 100}% held out, ${t.split} split` : 'none'}`,
      `  progress     step ${p.step}, epoch ${p.epoch.toFixed(2)}, ${int(p.charsSeen)} characters, ${duration(p.elapsedSeconds)}${p.stopped ? ` (${p.stopped})` : ''}`,
      `  best         ${p.bestVal === null ? 'not evaluated yet' : `${lossText(p.bestVal)} at step ${p.bestStep}`}`,
      `  saved        ${meta.savedAt} on ${meta.backend}, rnnlm ${meta.rnnlmVersion}`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
    const chart = lossChart(meta.history, c);
    if (chart) process.stdout.write('\n' + chart + '\n');
  },
};
