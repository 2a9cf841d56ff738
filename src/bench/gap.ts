// `npm run bench:gap`: why a model's validation loss on tiny-shakespeare is lower than its
// held-out loss, measured with the 4-gram baseline (seconds, no training):
//  1. each tenth of the whole file scored by a 4-gram trained on the other nine: how hard
//     each part of the text is for a model that never saw it;
//  2. the same with each tenth as the held-out part: the default split (10 blocks) of the
//     other nine, and the 4-gram's validation loss against its loss on that tenth — whether
//     the split predicts unseen text in general, or only misses the last tenth;
//  3. the validation split of `rnnlm train` with 1 … 100 blocks (three seeds each): the
//     4-gram's validation loss against its loss on the held-out last 10%.
// Line mode, as the default; same tokens as `rnnlm eval`.

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VAL_BLOCKS, validationMask } from '../text/split.js';
import { countCodePoints, segment, streamOf, Vocab } from '../text/tokenizer.js';
import { NGram } from './ngram.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const path = process.argv[2] ?? join(ROOT, '..', 'shared', 'corpora', 'tinyshakespeare.txt');
const text = readFileSync(path, 'utf8');
const cps = Array.from(text);
const cut = Math.round(cps.length * 0.9);

/** 4-gram nats/char on `test` after counting `train`, over a vocabulary of `train`. */
function ngram(train: string[], tests: string[][]): number[] {
  const counts = new Map<number, number>();
  for (const s of train) countCodePoints(s, counts);
  const vocab = Vocab.fromCounts(counts, 1);
  const g = new NGram(4, vocab.size).train(streamOf(vocab, train).ids);
  return tests.map((t) => {
    const r = g.score(streamOf(vocab, t).ids);
    return r.nats / r.tokens;
  });
}

/** The 4-gram on rnnlm's validation split of `train` (`blocks` blocks) against `held`, seeds 1 / 2 / 3, as a table row. */
function splitRow(label: string | number, train: string[], held: string[], blocks: number): string {
  const rows = [1, 2, 3].map((seed) => {
    const mask = validationMask(train.length, 0.1, 'blocks', seed, blocks);
    const [v, h] = ngram(
      train.filter((_, i) => !mask[i]),
      [train.filter((_, i) => mask[i]), held],
    );
    return { v: v!, h: h! };
  });
  const f3 = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(' / ');
  return `| ${label} | ${f3(rows.map((r) => r.v))} | ${f3(rows.map((r) => r.h))} | ${f3(rows.map((r) => r.h - r.v))} |`;
}

const all = segment(text, 'line');
const deciles: string[] = [];
const folds: string[] = [];
for (let f = 0; f < 10; f++) {
  const lo = Math.floor((f * all.length) / 10);
  const hi = Math.floor(((f + 1) * all.length) / 10);
  const nine = [...all.slice(0, lo), ...all.slice(hi)];
  const tenth = all.slice(lo, hi);
  deciles.push(ngram(nine, [tenth])[0]!.toFixed(3));
  folds.push(splitRow(f + 1, nine, tenth, VAL_BLOCKS));
}
console.log(`Each tenth of ${path} scored by a 4-gram trained on the other nine (nats/char):`);
console.log(`| tenth | ${deciles.map((_, i) => i + 1).join(' | ')} |\n| --- |${' --- |'.repeat(10)}\n| 4-gram | ${deciles.join(' | ')} |\n`);
console.log('Each tenth held out in turn; the default validation split (10 blocks, 10%) of the other nine; 4-gram nats/char, seeds 1 / 2 / 3:');
console.log('| held-out tenth | validation | held-out | gap (held-out − validation) |\n| --- | --- | --- | --- |');
console.log(folds.join('\n') + '\n');

const train = segment(cps.slice(0, cut).join(''), 'line');
const held = segment(cps.slice(cut).join(''), 'line');
console.log('Validation split of the first 90% (10% held out for validation) against the last 10%, 4-gram nats/char, seeds 1 / 2 / 3:');
console.log('| blocks | validation | held-out | gap (held-out − validation) |\n| --- | --- | --- | --- |');
for (const k of [1, 2, 3, 5, 10, 20, 100]) console.log(splitRow(k, train, held, k));
