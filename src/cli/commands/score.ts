// `rnnlm score [text..]`: probability of sentences (arguments, `-` for stdin lines, or
// --file), KenLM-style numbers, ranked table for several, per-character heat map.

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { isStdin, readText } from '../../node/textfile.js';
import { inputError } from '../../common/errors.js';
import type { SentenceScore } from '../../inference/sentence.js';
import { surprise } from '../../display/surprise.js';
import { linesText, sentenceLines } from '../../display/lines.js';
import { makeContext, type Context, type GlobalArgs } from '../context.js';
import { probText } from '../../display/units.js';
import { scaleLine, table } from '../format.js';
import { announce, loadModel, mixOption, modelOption } from './load.js';

interface Args extends GlobalArgs {
  text?: string[];
  model?: string;
  file?: string;
  perChar?: boolean;
  json?: boolean;
  eos: boolean;
  mix: boolean;
  adapt?: boolean;
}

export const scoreCommand: CommandModule<object, Args> = {
  command: 'score [text..]',
  describe: 'Probability of sentences under a model (log-probability, bits/char, perplexity)',
  builder: (y: Argv) =>
    y
      .positional('text', { type: 'string', array: true, describe: 'Sentences to score; - reads one per line from stdin' })
      .option('model', modelOption)
      .option('file', { alias: 'f', type: 'string', describe: 'Score each line of this file' })
      .option('per-char', { type: 'boolean', describe: 'Show each character’s probability and surprisal (bits)' })
      .option('json', { type: 'boolean', describe: 'JSON Lines, one object per sentence in input order' })
      .option('mix', mixOption)
      .option('adapt', {
        type: 'boolean',
        describe:
          "The network learns as it reads, sentence after sentence in the order given, at the rate training chose on validation (dynamic evaluation): for the lines of one text; off by default, since then a sentence's number depends on the ones before it",
      })
      .option('eos', { type: 'boolean', default: true, describe: 'Include P(<EOS> | sentence) (--no-eos scores a prefix)' })
      .example('$0 score "The apple and pear salad."', 'one sentence')
      .example('$0 score Maria Xqzt Anna', 'several, ranked by probability')
      .example('cat lines.txt | $0 score - --json', 'JSON Lines from stdin')
      .example('$0 score --per-char "Hello"', 'where the model is surprised') as unknown as Argv<Args>,
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    const ctx = makeContext(argv);
    const sentences = collect(argv);
    const ck = loadModel(argv.model);
    const adapt = argv.adapt ? ck.adaptation() : null;
    if (argv.adapt && !adapt)
      ctx.warn(`${ck.dir} has no rate to learn at as it reads (trained before it, or it did not help on validation): scoring with the network as trained`);
    announce(ctx, ck, await ctx.startBackend(), argv.mix, ck.describe(argv.mix, adapt !== null));
    const scores = await ck.score(sentences, { mix: argv.mix, eos: argv.eos, perChar: argv.perChar, adapt: adapt !== null });
    if (argv.json) {
      for (const s of scores) process.stdout.write(JSON.stringify(s) + '\n');
      return;
    }
    const oov = scores.reduce((a, s) => a + s.oov, 0);
    if (scores.length === 1) printOne(ctx, scores[0]!, argv.eos);
    else printTable(scores);
    process.stdout.write(ctx.c.dim(`  ${scaleLine(ck.validation(argv.mix), ck.vocab.size, ck.meta.training.split, ck.vocab.unit)}`) + '\n');
    if (argv.perChar) for (const s of scores) printChars(ctx, s);
    if (oov > 0) ctx.warn(`${oov} ${ck.vocab.unit === 'word' ? 'word' : 'character'}(s) not in the model's vocabulary were scored as <UNK>`);
  },
};

function collect(argv: Args): string[] {
  const texts = (argv.text ?? []).map(String);
  const out: string[] = [];
  const lines = (t: string) => t.replace(/\n$/, '').split('\n');
  for (const t of texts) {
    if (isStdin(t)) out.push(...lines(readText('-')));
    else out.push(t);
  }
  if (argv.file) out.push(...lines(readText(argv.file)));
  if (out.length === 0) throw inputError('nothing to score: give sentences as arguments, - for stdin, or --file');
  return out;
}

function printOne(ctx: Context, s: SentenceScore, eos: boolean): void {
  process.stdout.write(`${ctx.c.bold(JSON.stringify(s.text))}\n${linesText(sentenceLines(s, eos))}\n`);
}

function printTable(scores: SentenceScore[]): void {
  const ranked = [...scores].sort((a, b) => b.logprob - a.logprob);
  const rows = ranked.map((s, i) => [
    String(i + 1),
    s.logprob.toFixed(3),
    s.log10prob.toFixed(3),
    probText(s.logprob),
    String(s.tokens),
    String(s.oov),
    s.bpc.toFixed(3),
    s.ppl.toFixed(2),
    JSON.stringify(s.text),
  ]);
  const words = scores[0]?.unit === 'word';
  const extra = (s: SentenceScore) => (words ? [s.textBpc!.toFixed(3)] : []);
  rows.forEach((r, i) => r.splice(8, 0, ...extra(ranked[i]!)));
  process.stdout.write(
    table(
      ['rank', 'ln P', 'log10 P', 'P', 'tokens', 'OOV', words ? 'bits/word' : 'bits/char', words ? 'ppl/word' : 'ppl', ...(words ? ['bits/char'] : []), 'text'],
      rows,
    ) + '\n',
  );
}

function printChars(ctx: Context, s: SentenceScore): void {
  const { c } = ctx;
  process.stdout.write(`\n${c.bold(JSON.stringify(s.text))}\n`);
  const rows = s.chars!.map((ch) => {
    const shade = { low: c.green, mid: c.yellow, high: c.red }[surprise(ch.bits)];
    return [JSON.stringify(ch.char), ch.p.toFixed(4), shade(ch.bits.toFixed(2)), ch.oov ? 'OOV' : ''];
  });
  process.stdout.write(table(['char', 'P', 'bits', ''], rows) + '\n');
}
