import { describe, expect, it } from 'vitest';
import { Rng } from '../common/rng.js';
import { EOS_ID, Vocab, streamOf, type Tokens } from '../text/tokenizer.js';
import { buildNGram } from './build.js';
import { NGramCounts } from './counts.js';
import { decodeNGram, encodeNGram } from './format.js';
import { modifiedDiscounts, NGramModel } from './model.js';
import { referenceKN } from '../testing/kneser-ney.js';

function randomLines(seed: number, n: number, alphabet: string): string[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    let s = '';
    const len = 1 + Math.floor(rng.next() * 12);
    // A little structure: letters follow their predecessor more often than not.
    let i = Math.floor(rng.next() * alphabet.length);
    for (let k = 0; k < len; k++) {
      i = rng.next() < 0.6 ? (i + 1) % alphabet.length : Math.floor(rng.next() * alphabet.length);
      s += alphabet[i];
    }
    return s;
  });
}

describe('Kneser–Ney character n-gram', () => {
  it('unigram, hand-worked: E a b E a b E gives P(a) = (2 − 1)/6 + ½ · ¼ = 7/24 and P(<UNK>) = 1/8', () => {
    const v = Vocab.fromText('ab'); // <EOS> <UNK> a b
    const train = streamOf(v, ['ab', 'ab']).ids;
    const m = NGramModel.fromCounts(NGramCounts.count(train, v.size, 1), 1);
    const { probs } = m.distribution([EOS_ID]);
    expect(probs[v.id('a'.codePointAt(0)!)]).toBeCloseTo(7 / 24, 14);
    expect(probs[1]).toBeCloseTo(1 / 8, 14);
    expect(probs[EOS_ID]).toBeCloseTo(7 / 24, 14);
  });

  it('continuation counts, hand-worked: in E a b E a b E, "b" follows one distinct token before it (a), "a" one (E)', () => {
    const v = Vocab.fromText('ab');
    const c = NGramCounts.count(streamOf(v, ['ab', 'ab']).ids, v.size, 2);
    const cont = (w: number) => c.cont.data[c.entries.get(0 * v.size + w)];
    const raw = (w: number) => c.raw.data[c.entries.get(0 * v.size + w)];
    expect([raw(2), raw(3), raw(0)]).toEqual([2, 2, 2]);
    expect([cont(2), cont(3), cont(0)]).toEqual([1, 1, 1]); // a after E; b after a; E after b
  });

  it('modified discounts, hand-worked: n = 100, 40, 20, 10 → 0.556, 1.167, 1.889', () => {
    const d = modifiedDiscounts(100, 40, 20, 10);
    expect(d[0]).toBeCloseTo(5 / 9, 12);
    expect(d[1]).toBeCloseTo(2 - 5 / 6, 12);
    expect(d[2]).toBeCloseTo(3 - 10 / 9, 12);
  });

  const alphabet = 'abcdefg';
  const v = Vocab.fromText(alphabet + 'xyz');
  const train = streamOf(v, randomLines(1, 400, alphabet)).ids;
  const test = streamOf(v, [...randomLines(2, 60, alphabet), 'xyzzy', '']).ids;

  for (const order of [1, 2, 3, 5]) {
    it(`order ${order} equals the reference implementation at every position of unseen text`, () => {
      const m = NGramModel.fromCounts(NGramCounts.count(train, v.size, 6), order);
      const ref = referenceKN(train, v.size, order);
      const { logProbs } = m.scoreStream(test);
      let start = 0;
      for (let p = 0; p + 1 < test.length; p++) {
        if (test[p] === EOS_ID) start = p;
        expect(logProbs[p]).toBeCloseTo(Math.log(ref(test, p, start, test[p + 1]!)), 11);
      }
    });
  }

  it('every next-token distribution sums to 1, before and after pruning, and equals the stream scores', () => {
    const counts = NGramCounts.count(train, v.size, 5);
    const full = NGramModel.fromCounts(counts, 5);
    const pruned = NGramModel.fromCounts(counts, 5, Math.floor(full.entryCount / 3));
    expect(pruned.entryCount).toBeLessThanOrEqual(Math.floor(full.entryCount / 3));
    expect(pruned.entryCount).toBeGreaterThan(0);
    for (const m of [full, pruned]) {
      const { logProbs } = m.scoreStream(test);
      let start = 0;
      for (let p = 0; p + 1 < test.length; p++) {
        if (test[p] === EOS_ID) start = p;
        const { probs } = m.distribution(Array.from(test.subarray(start, p + 1)));
        expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        expect(Math.log(probs[test[p + 1]!]!)).toBeCloseTo(logProbs[p]!, 12);
      }
    }
    const sum = (m: NGramModel) => -m.scoreStream(test).logProbs.reduce((a, b) => a + b, 0);
    expect(Math.abs(sum(pruned) - sum(full))).toBeGreaterThan(1); // the pruned entries were in use
  });

  it('ngram.bin round-trips exactly and refuses damaged or foreign files', () => {
    const m = NGramModel.fromCounts(NGramCounts.count(train, v.size, 4), 4, 500);
    const bytes = encodeNGram(m);
    const back = decodeNGram(bytes);
    expect(Array.from(back.scoreStream(test).logProbs)).toEqual(Array.from(m.scoreStream(test).logProbs));
    expect(back.entryCount).toBe(m.entryCount);
    expect(() => decodeNGram(bytes.subarray(0, bytes.length - 3))).toThrow(/truncated|length/);
    expect(() => decodeNGram(new TextEncoder().encode('{"hello": 1}'))).toThrow(/not an rnnlm n-gram/);
    const other = bytes.slice();
    other[8] = 9; // version
    expect(() => decodeNGram(other)).toThrow(/version 9/);
  });

  it('buildNGram keeps the order that predicts validation best', () => {
    const val = streamOf(v, randomLines(3, 80, alphabet)).ids;
    const b = buildNGram(train, val, v.size);
    const best = Math.min(...b.orders.map((o) => o.val!));
    expect(b.val).toBe(best);
    expect(b.model.order).toBe(b.orders.find((o) => o.val === best)!.order);
    expect(b.orders.length).toBeGreaterThan(2);
    expect(b.orders[0]!.val).toBeGreaterThan(best); // a unigram is not the best model of this text
  });
});
