// The ARPA file, read back by an independent back-off reader (written here from the format's
// definition, not from rnnlm's code), gives the n-gram's probability of every token of a
// held-out text to 1e-6 — pruned or not, with spaces and line ends in the text, any order.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../node/backend.js';
import { loadCheckpoint } from '../node/checkpoint-files.js';
import { train } from '../node/training-run.js';
import { syllableText, tempDir, tinyRequest, writeCorpus } from '../testing/fixtures.js';
import { Rng } from '../common/rng.js';
import { EOS_ID, streamOf, Vocab, type Tokens } from '../text/tokenizer.js';
import { arpaWord, encodeArpa } from './arpa.js';
import { NGramCounts } from './counts.js';
import { NGramModel } from './model.js';

/** An ARPA file as n-grams: words joined by spaces → [log10 p, log10 back-off]. */
function parseArpa(text: string): { order: number; grams: Map<string, [number, number]> } {
  const grams = new Map<string, [number, number]>();
  let order = 0;
  let counts = new Map<number, number>();
  let section = 0;
  for (const line of text.split('\n')) {
    const head = /^ngram (\d+)=(\d+)$/.exec(line);
    if (head) counts.set(Number(head[1]), Number(head[2]));
    const sec = /^\\(\d+)-grams:$/.exec(line);
    if (sec) {
      section = Number(sec[1]);
      order = Math.max(order, section);
      continue;
    }
    if (section === 0 || line === '' || line.startsWith('\\')) continue;
    const f = line.split('\t');
    expect(f[1]!.split(' ').length).toBe(section);
    grams.set(f[1]!, [Number(f[0]), f.length > 2 ? Number(f[2]) : 0]);
  }
  const per = new Map<number, number>();
  for (const k of grams.keys()) per.set(k.split(' ').length, (per.get(k.split(' ').length) ?? 0) + 1);
  expect(per).toEqual(counts);
  counts = per;
  return { order, grams };
}

/** log10 P(w | context) by back-off: the longest stored n-gram, times the back-off weights of the longer contexts passed. */
function backoff(grams: Map<string, [number, number]>, context: string[], w: string): number {
  let bows = 0;
  for (let k = 0; k <= context.length; k++) {
    const h = context.slice(k);
    const g = grams.get([...h, w].join(' '));
    if (g) return bows + g[0];
    bows += h.length > 0 ? (grams.get(h.join(' '))?.[1] ?? 0) : 0;
  }
  throw new Error(`${w} is not a unigram`);
}

/** Every position of `ids`: the ARPA back-off reader's ln P equals the model's (1e-6); P = 0 as ARPA's −99. */
function expectSame(m: NGramModel, tokens: readonly string[], grams: Map<string, [number, number]>, ids: Tokens): void {
  const order = m.order;
  const want = m.scoreStream(ids).logProbs;
  // Each position's context as rnnlm reads it: the last order − 1 tokens, <s> at and before the sequence's start.
  let finite = 0;
  for (let p = 0; p + 1 < ids.length; p++) {
    const context: string[] = [];
    let ended = false;
    for (let k = 0; k < order - 1; k++) {
      const j = p - k;
      const tok = ended || j < 0 ? EOS_ID : ids[j]!;
      if (tok === EOS_ID) ended = true;
      context.unshift(arpaWord(tokens, tok, true));
    }
    const got = backoff(grams, context, arpaWord(tokens, ids[p + 1]!, false)) * Math.LN10;
    if (Number.isFinite(want[p]!)) {
      expect(Math.abs(got - want[p]!)).toBeLessThan(1e-6);
      finite++;
    } else expect(got).toBeLessThanOrEqual(-99 * Math.LN10); // P = 0 (a context whose discounts left nothing to back off with): ARPA's −99
  }
  expect(finite).toBeGreaterThan(0.9 * (ids.length - 1));
}

function text(seed: number, lines: number): string[] {
  const rng = new Rng(seed);
  const words = ['the cat', 'a dog', 'sat', 'on', 'the mat', 'and', 'ran', 'away'];
  return Array.from(
    { length: lines },
    () =>
      Array.from({ length: 1 + Math.floor(rng.next() * 6) }, () => words[Math.floor(rng.next() * words.length)]).join(' ') + (rng.next() < 0.3 ? '\t!' : ''),
  );
}

describe('ARPA export', () => {
  it.each([
    [3, 0],
    [5, 0],
    [5, 300],
  ])('order %i, pruned to %i entries (0: not pruned): every held-out token’s P to 1e-6', (order, maxEntries) => {
    const train = text(1, 300);
    const held = [...text(2, 40), 'xyz unseen'];
    const v = Vocab.fromText(train.join('\n'));
    const counts = NGramCounts.count(streamOf(v, train).ids, v.size, order);
    const m = maxEntries ? NGramModel.fromCounts(counts, order, maxEntries) : NGramModel.fromCounts(counts, order);
    const { order: o, grams } = parseArpa(encodeArpa(m, v.tokens));
    expect(o).toBe(order);
    expectSame(m, v.tokens, grams, streamOf(v, held).ids);
  });

  it('`rnnlm export model.arpa` writes a trained checkpoint’s n-gram', async () => {
    await initBackend('wasm');
    const dir = tempDir('rnnlm-arpa-');
    const corpus = writeCorpus(dir, syllableText(300, 5));
    const out = join(dir, 'ck');
    await train(tinyRequest(corpus, out, { maxSteps: 2 }));
    const file = join(dir, 'ngram.arpa');
    const r = spawnSync(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'rnnlm.js'), 'export', file, '--model', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const ck = loadCheckpoint(out);
    const { order, grams } = parseArpa(readFileSync(file, 'utf8'));
    expect(order).toBe(ck.ngram!.order);
    expectSame(ck.ngram!, ck.vocab.tokens, grams, streamOf(ck.vocab, syllableText(30, 8).split('\n')).ids);
  });

  it('writes tokens as ARPA words: whitespace escaped, the special tokens by their names', () => {
    const tokens = ['<EOS>', '<UNK>', ' ', '\t', 'a'];
    expect([0, 1, 2, 3, 4].map((id) => arpaWord(tokens, id, false))).toEqual(['</s>', '<unk>', '<U+0020>', '<U+0009>', 'a']);
    expect(arpaWord(tokens, 0, true)).toBe('<s>');
  });
});
