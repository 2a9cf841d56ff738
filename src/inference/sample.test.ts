import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node/backend.js';
import { loadCheckpoint } from '../node/checkpoint-files.js';
import { type Loaded } from '../checkpoint/types.js';
import { Stepper } from '../model/stepper.js';
import { Rng } from '../common/rng.js';
import { draw, sampleChars, sampleText, encodePrime } from './sample.js';
import { scoreSentence } from './sentence.js';
import { tempDir, tinyRequest, syllableText, writeCorpus } from '../testing/fixtures.js';
import { EOS_ID } from '../text/tokenizer.js';
import { train } from '../node/training-run.js';

let ck: Loaded;
let stepper: Stepper;

beforeAll(async () => {
  await initBackend('wasm');
  const root = tempDir();
  const corpus = writeCorpus(root, syllableText(500));
  const dir = join(root, 'syl');
  await train(tinyRequest(corpus, dir, {}, { epochs: 3 }, { hidden: 16 }));
  ck = loadCheckpoint(dir);
  stepper = new Stepper(ck.params);
});

const base = { length: 40, stopAtEos: true };

describe('sampling', () => {
  it('a fixed seed reproduces the text exactly; another seed differs', () => {
    const run = (seed: number) =>
      Array.from({ length: 5 }, () => null).map(
        (
          (r) => () =>
            sampleText(stepper, ck.vocab, { ...base, temperature: 1, rng: r }).text
        )(new Rng(seed)),
      );
    expect(run(5)).toEqual(run(5));
    expect(run(6)).not.toEqual(run(5));
  });

  it('--temp 0 equals greedy argmax decoding computed from score', () => {
    let greedy = '';
    for (let i = 0; i < 12; i++) {
      // argmax over next symbols from prefix scores: P(prefix + c) (no <EOS>) vs P(prefix) (ends)
      let best = { s: '<EOS>', lp: scoreSentence(stepper, ck.vocab, greedy).logprob };
      for (const tok of ck.vocab.tokens.slice(2)) {
        const lp = scoreSentence(stepper, ck.vocab, greedy + tok, { noEos: true }).logprob;
        if (lp > best.lp) best = { s: tok, lp };
      }
      if (best.s === '<EOS>') break;
      greedy += best.s;
    }
    const t0 = sampleText(stepper, ck.vocab, { ...base, length: 12, temperature: 0, rng: new Rng(1) }).text;
    expect(t0).toBe(greedy);
    const k1 = sampleText(stepper, ck.vocab, { ...base, length: 12, temperature: 1, topK: 1, rng: new Rng(2) }).text;
    expect(k1).toBe(greedy);
  });

  it('first two characters follow P from score (chi-square, fixed seed)', () => {
    const rng = new Rng(11);
    const counts = new Map<string, number>();
    const N = 4000;
    for (let i = 0; i < N; i++) {
      const gen = sampleChars(stepper, ck.vocab, { ...base, length: 2, temperature: 1, rng });
      const ids: number[] = [];
      for (let r = gen.next(); !r.done; r = gen.next()) ids.push(r.value.id);
      const key = ids.slice(0, 2).join(',');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    // Expected probability of each outcome (first token <EOS>, or c then <EOS>, or c d).
    const V = ck.vocab.size;
    const tok = (id: number) => (id === 1 ? '\u2603' : ck.vocab.tokens[id]!); // <UNK> via an unseen character
    const expected = new Map<string, number>([[String(EOS_ID), Math.exp(scoreSentence(stepper, ck.vocab, '').logprob)]]);
    for (let a = 1; a < V; a++) {
      expected.set(`${a},${EOS_ID}`, Math.exp(scoreSentence(stepper, ck.vocab, tok(a)).logprob));
      for (let b = 1; b < V; b++) expected.set(`${a},${b}`, Math.exp(scoreSentence(stepper, ck.vocab, tok(a) + tok(b), { noEos: true }).logprob));
    }
    expect([...expected.values()].reduce((x, y) => x + y, 0)).toBeCloseTo(1, 6);
    // Pool outcomes expected fewer than 5 times into one cell.
    let chi = 0;
    let df = -1;
    let restE = 0;
    let restO = 0;
    for (const [k, p] of expected) {
      const e = p * N;
      const o = counts.get(k) ?? 0;
      if (e < 5) {
        restE += e;
        restO += o;
      } else {
        chi += (o - e) ** 2 / e;
        df++;
      }
    }
    if (restE > 0) {
      chi += (restO - restE) ** 2 / restE;
      df++;
    }
    // 99.9th percentile of χ² ≈ df + 3.1·√(2·df) + 6 (Wilson–Hilferty, loose); a biased sampler exceeds it.
    expect(df).toBeGreaterThan(3);
    expect(chi).toBeLessThan(df + 3.1 * Math.sqrt(2 * df) + 6);
  });

  it('--prime conditions the sample and is not repeated', () => {
    const a = sampleText(stepper, ck.vocab, { ...base, temperature: 0, prime: 'Tr', rng: new Rng(1) }).text;
    const b = sampleText(stepper, ck.vocab, { ...base, temperature: 0, rng: new Rng(1) }).text;
    expect(a).not.toBe(b);
    expect(a.startsWith('Tr')).toBe(false);
  });

  it('unknown prime characters: a clear error, or <UNK> with unkOk', () => {
    expect(() => encodePrime(ck.vocab, 'Tr☃x')).toThrow(/--prime has 2 character\(s\) not in the model's vocabulary: "☃", "x"/);
    expect(encodePrime(ck.vocab, 'T☃', true)).toEqual([ck.vocab.id('T'.codePointAt(0)!), 1]);
  });
});

describe('draw', () => {
  const lp = Float64Array.from([0.05, 0.1, 0.3, 0.15, 0.4].map(Math.log));
  it('top-k never draws outside the k most likely', () => {
    const rng = new Rng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(draw(lp, { temperature: 1.5, topK: 2, rng }));
    expect([...seen].sort()).toEqual([2, 4]);
  });
  it('top-p keeps the smallest set reaching p', () => {
    const rng = new Rng(4);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(draw(lp, { temperature: 1, topP: 0.8, rng }));
    expect([...seen].sort()).toEqual([2, 3, 4]); // 0.4 + 0.3 + 0.15 ≥ 0.8
  });
  it('temperature 0 is argmax; low temperature sharpens', () => {
    expect(draw(lp, { temperature: 0, rng: new Rng(1) })).toBe(4);
    const rng = new Rng(5);
    let top = 0;
    for (let i = 0; i < 1000; i++) if (draw(lp, { temperature: 0.2, rng }) === 4) top++;
    expect(top).toBeGreaterThan(750);
  });
});
