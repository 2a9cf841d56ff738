import { describe, expect, it } from 'vitest';
import { referenceKN } from '../testing/kneser-ney.js';
import { skewedLines } from '../testing/fixtures.js';
import { EOS_ID, streamOf, Vocab } from '../text/tokenizer.js';
import { NGramCounts } from './counts.js';
import { NGramModel } from './model.js';
import { ReadingNGram } from './reading.js';
import { Rng } from '../common/rng.js';
import { scoredSpans } from '../inference/score.js';

describe('the n-gram that keeps counting what it reads', () => {
  const v = Vocab.fromText('abcdexy');
  const V = v.size;
  const train = streamOf(v, skewedLines(3, 80, 'abcde')).ids;
  // One long sequence with letters the training text never had: x and y.
  const doc = streamOf(v, [skewedLines(4, 40, 'abcdexy').join('')]).ids;

  for (const order of [1, 2, 3, 4]) {
    it(`order ${order}: P at each position = Kneser–Ney of the training text plus the sequence read so far (the reference, same discounts)`, () => {
      const m = NGramModel.fromCounts(NGramCounts.count(train, V, 4), order);
      const r = new ReadingNGram(m);
      const { logProbs } = r.scoreStream(doc);
      for (let p = 0; p + 1 < doc.length; p += 5) {
        // The training stream ends with <EOS>, which starts the sequence: append the tokens read before p + 1.
        const seen = Int32Array.from([...train, ...doc.subarray(1, p + 1)]);
        const ref = referenceKN(seen, V, order, { discounts: m.a.discounts });
        expect(logProbs[p]).toBeCloseTo(Math.log(ref(doc, p, 0, doc[p + 1]!)), 9);
      }
    });
  }

  it('its full distribution sums to 1 and agrees with its P of one token, at every point of a sequence', () => {
    const m = NGramModel.fromCounts(NGramCounts.count(train, V, 4), 4);
    const r = new ReadingNGram(m);
    for (let p = 0; p + 1 < doc.length; p++) {
      const ctx = doc.subarray(0, p + 1);
      const { probs, bucket } = r.distribution(ctx);
      expect(Math.abs(probs.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      const one = r.prob(doc, p, doc[p + 1]!);
      expect(one.prob).toBeCloseTo(probs[doc[p + 1]!]!, 14);
      expect(one.bucket).toBe(bucket);
      r.add(doc, p);
    }
  });

  it('before reading anything it is the model itself; a repeated unseen word grows likely; <EOS> forgets', () => {
    const m = NGramModel.fromCounts(NGramCounts.count(train, V, 4), 4);
    const r = new ReadingNGram(m);
    const fresh = streamOf(v, ['abcab', 'bca']).ids;
    expect(Array.from(r.scoreStream(fresh).logProbs)).toEqual(Array.from(m.scoreStream(fresh).logProbs).map((x) => expect.closeTo(x, 12)));
    const xyxy = streamOf(v, ['xyxyxyxyxyxy']).ids;
    const lp = r.scoreStream(xyxy).logProbs;
    expect(lp[2]).toBeLessThan(Math.log(0.05)); // the first y after x: never seen in training
    expect(lp[10]).toBeGreaterThan(Math.log(0.5)); // the sixth: expected now
    // Two sequences: the second starts from the training counts again.
    const two = streamOf(v, ['xyxyxy', 'xy']).ids;
    const s = r.scoreStream(two).logProbs;
    const y2 = two.indexOf(EOS_ID, 1) + 2; // the position whose target is the second sequence's y
    expect(s[y2 - 1]).toBeCloseTo(r.scoreStream(streamOf(v, ['xy']).ids).logProbs[1]!, 12);
  });
});

describe('reading only what the network scored (an interrupted eval)', () => {
  it('the n-gram’s scores over scoredSpans = its scores over the whole stream, at every scored position', () => {
    const v = Vocab.fromText('abcde');
    const ids = streamOf(v, skewedLines(7, 12, 'abcde')).ids;
    const m = NGramModel.fromCounts(NGramCounts.count(streamOf(v, skewedLines(8, 50, 'abcde')).ids, v.size, 3), 3);
    const whole = new ReadingNGram(m).scoreStream(ids).logProbs;
    const rng = new Rng(1);
    for (let trial = 0; trial < 20; trial++) {
      // Each sequence scored up to a random point, or not at all, as rows of a stopped batch are.
      const scored = new Float64Array(ids.length - 1).fill(NaN);
      let cut = 0;
      for (let p = 0; p < scored.length; p++) {
        if (ids[p] === EOS_ID) cut = rng.next() < 0.3 ? 0 : Math.floor(rng.next() * 12);
        if (cut-- > 0) scored[p] = 0;
      }
      const { stream, from } = scoredSpans(ids, scored);
      expect(from.length).toBe(stream.length - 1);
      const part = new ReadingNGram(m).scoreStream(stream).logProbs;
      const seen = new Set<number>();
      from.forEach((p, j) => {
        if (p < 0) return;
        seen.add(p);
        expect(part[j]).toBeCloseTo(whole[p]!, 12);
        expect(stream[j + 1]).toBe(ids[p + 1]);
      });
      for (let p = 0; p < scored.length; p++) if (!Number.isNaN(scored[p]!)) expect(seen.has(p)).toBe(true);
      expect(stream.length).toBeLessThanOrEqual(ids.length);
    }
  });
});

describe('a long sequence', () => {
  it('past its limit of contexts the counts added are forgotten and counting starts again, as a new reader would from there', () => {
    const v = Vocab.fromText('abcde');
    const m = NGramModel.fromCounts(NGramCounts.count(streamOf(v, skewedLines(8, 50, 'abcde')).ids, v.size, 3), 3);
    const doc = streamOf(v, [skewedLines(9, 60, 'abcde').join('')]).ids;
    const limit = 8;
    const small = new ReadingNGram(m, limit);
    const full = new ReadingNGram(m);
    let fresh = new ReadingNGram(m);
    let resets = 0;
    let differs = 0;
    for (let p = 0; p + 1 < doc.length; p++) {
      const a = small.prob(doc, p, doc[p + 1]!).prob;
      expect(a).toBeCloseTo(fresh.prob(doc, p, doc[p + 1]!).prob, 14);
      if (Math.abs(a - full.prob(doc, p, doc[p + 1]!).prob) > 1e-9) differs++;
      if (small['added'].size >= limit) {
        resets++;
        fresh = new ReadingNGram(m); // what the small reader will know from here on
      }
      small.add(doc, p);
      fresh.add(doc, p);
      full.add(doc, p);
      expect(small['added'].size).toBeLessThanOrEqual(limit + m.order);
    }
    expect(resets).toBeGreaterThan(2);
    expect(differs).toBeGreaterThan(10);
  });
});
