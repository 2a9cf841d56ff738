// `rnnlm eval <file>`: held-out log-likelihood, bits/char and perplexity of a text file
// under the checkpoint's segmentation (batched, exact).

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { isStdin, readText } from '../../node/textfile.js';
import { segment } from '../../text/tokenizer.js';
import { availableParallelism } from 'node:os';
import { DataParallel } from '../../node/parallel.js';
import { numberOption } from '../options.js';
import { makeContext, type GlobalArgs } from '../context.js';
import { bar, scaleLine } from '../format.js';
import { duration, int, probText } from '../../display/units.js';
import { LN2 } from '../../inference/sentence.js';
import { makeProgress } from '../progress.js';
import { interruptible } from '../interrupt.js';
import { adaptOption, announce, loadModel, mixOption, modelOption } from './load.js';

interface Args extends GlobalArgs {
  file: string;
  workers: number;
  model?: string;
  json?: boolean;
  mix: boolean;
  adapt: boolean;
}

export const evalCommand: CommandModule<object, Args> = {
  command: 'eval <file>',
  describe: 'Bits/char and perplexity of a held-out text file',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', describe: 'UTF-8 text file, or - for stdin', demandOption: true })
      .option('model', modelOption)
      .option('json', { type: 'boolean', describe: 'One JSON object with the results' })
      .option('mix', mixOption)
      .option('adapt', adaptOption)
      .option('workers', numberOption('workers', { min: 1, max: 64, integer: true }, 'Threads (data-parallel)', availableParallelism()))
      .example('$0 eval held-out.txt', 'evaluate with the latest model')
      .example('$0 eval test.txt --model checkpoints/names --json', 'machine-readable') as unknown as Argv<Args>,
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    const ctx = makeContext(argv);
    const text = readText(argv.file);
    const ck = loadModel(argv.model);
    const backend = await ctx.startBackend();
    announce(ctx, ck, backend, argv.mix, ck.describe(argv.mix, argv.adapt));
    const progress = makeProgress(ctx, ctx.quiet, 5);
    const started = Date.now();
    const pool = await DataParallel.create(argv.workers, backend);
    const interrupt = interruptible();
    let r;
    let unitName = 'windows';
    try {
      r = await ck.eval(text, {
        pool,
        mix: argv.mix,
        adapt: argv.adapt,
        signal: interrupt.signal,
        onProgress: (done, total, unit) => {
          unitName = unit === 'characters' && ck.vocab.unit === 'word' ? 'words' : unit; // the stepper path counts tokens
          progress.update(
            `evaluating ${bar(done / total)} ${int(done)}/${int(total)} ${unitName} · ETA ${duration(((Date.now() - started) / 1000) * (total / Math.max(done, 1) - 1))}`,
          );
        },
      });
    } finally {
      progress.stop();
      interrupt.release();
      await pool.close();
    }
    if (r.partial) process.exitCode = 130;
    const seconds = (Date.now() - started) / 1000;
    // Every character of the file, or fewer: document mode predicts each one and <EOS> at the
    // end (trailing newlines are the end of the document, read as that <EOS>); line and
    // paragraph mode drop blank lines and read each sequence from the zero state, so their
    // numbers do not compare with a document-mode model's on the same file.
    const fileTokens = segment(text, 'document').reduce((n, d) => n + [...d].length + 1, 0);
    // The characters the scored sequences hold (+ 1 each for <EOS>, a newline): a word model's
    // total over these is its bits/char, comparable with a character model's on the same text.
    const textChars = segment(text, ck.meta.segmentation).reduce((n, s) => n + [...s].length + 1, 0);
    const words = ck.vocab.unit === 'word';
    const everyChar = (words ? textChars : r.tokens) >= fileTokens;
    const textBpc = -r.logprob / LN2 / textChars;
    const wordCount = r.tokens - r.sequences;
    if (argv.json) {
      const scale = {
        validation_bpc: ck.meta.progress.bestVal === null ? null : ck.meta.progress.bestVal / LN2,
        validation_split: ck.meta.training.split,
        uniform_bpc: Math.log2(ck.vocab.size),
      };
      const unit = words ? { unit: 'word', text_chars: textChars, text_bpc: textBpc, oov_rate: r.oov / Math.max(1, wordCount) } : { unit: 'char' };
      process.stdout.write(JSON.stringify({ file: argv.file, ...r, ...unit, file_tokens: fileTokens, every_char: everyChar, scale, seconds }) + '\n');
      return;
    }
    const lines = [
      ...(r.partial
        ? [`partial: interrupted after ${int(r.partial.done)} of ${int(r.partial.total)} ${unitName}; the numbers cover the text read so far`]
        : []),
      `${isStdin(argv.file) ? '-' : argv.file}: ${int(r.sequences)} ${r.sequences === 1 ? 'sequence' : 'sequences'} (${ck.meta.segmentation} mode), ${int(r.tokens)} tokens (${words ? 'words' : 'characters'} + <EOS>), ${int(r.oov)} OOV${words ? ` (${((100 * r.oov) / Math.max(1, wordCount)).toFixed(2)}% of the words)` : ''}`,
      `  log P              ${r.logprob.toFixed(2)} (natural log)   ${r.log10prob.toFixed(2)} (log10)   P = ${probText(r.logprob)}`,
      `  nats/${words ? 'word ' : 'char '}         ${r.nats_per_char.toFixed(4)}`,
      `  bits/${words ? 'word ' : 'char '}         ${r.bpc.toFixed(4)}`,
      `  perplexity         ${r.ppl.toFixed(4)}${words ? ' per word' : ''}`,
      `  ppl excluding OOV  ${r.ppl_excl_oov.toFixed(4)}`,
      ...(words
        ? [
            `  bits/char          ${textBpc.toFixed(4)} of the text (${int(textChars)} characters, a newline for each <EOS>): comparable with a character model; <UNK> stands for any unknown word, which flatters the word model as OOVs grow`,
          ]
        : []),
      ...(r.parts
        ? [
            `  bits/${words ? 'word' : 'char'} by part  network ${(r.parts.network / LN2).toFixed(4)} · ${ck.ngram!.order}-gram ${(r.parts.ngram / LN2).toFixed(4)}${r.parts.ngramStatic !== undefined ? ` (counting as it reads; training counts alone ${(r.parts.ngramStatic / LN2).toFixed(4)})` : ''} · mixture ${(r.parts.mixture / LN2).toFixed(4)} (the numbers above: ${ck.describe(argv.mix, argv.adapt)})`,
          ]
        : []),
      `  ${scaleLine(ck.validation(argv.mix), ck.vocab.size, ck.meta.training.split, ck.vocab.unit)}`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
    if (!everyChar) {
      ctx.warn(
        `${ck.meta.segmentation} mode predicts ${int(r.tokens)} of the file's ${int(fileTokens)} tokens (characters, the final newline read as <EOS>): blank lines are dropped and each ${ck.meta.segmentation === 'line' ? 'line' : 'paragraph'} starts from the zero state, so compare it only with models scored on the same tokens (a document-mode model predicts every character)`,
      );
    }
    ctx.note(ctx.c.dim(`  ${seconds.toFixed(1)}s, ${int(r.tokens / Math.max(seconds, 1e-9))} ${words ? 'words' : 'chars'}/s`));
  },
};
