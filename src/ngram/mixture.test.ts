import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node/backend.js';
import { FILES } from '../checkpoint/codec.js';
import { loadCheckpoint } from '../node/checkpoint-files.js';
import { type Loaded } from '../checkpoint/types.js';
import { fitMixture, LAMBDA_FLOOR, mixLog, mixtureNats, MixedPredictor, type Predictor } from './mixture.js';
import { Stepper } from '../model/stepper.js';
import { BUCKETS } from './model.js';
import { Rng } from '../common/rng.js';
import { scoreSentence } from '../inference/sentence.js';
import { scoreText, type Mix } from '../inference/score.js';
import { abText, syllableText, tempDir, tinyRequest, writeCorpus } from '../testing/fixtures.js';
import { streamOf } from '../text/tokenizer.js';
import { train } from '../node/training-run.js';
import { Model } from '../api/model.js';

describe('mixing two distributions', () => {
  it('mixLog, hand-worked: λ = 0.25 of P 0.4 and 0.75 of P 0.2 is 0.25', () => {
    expect(Math.exp(mixLog(Math.log(0.4), Math.log(0.2), 0.25))).toBeCloseTo(0.25, 14);
    expect(mixLog(-3, -5, 1)).toBe(-3);
    expect(mixLog(-3, -5, 0)).toBe(-5);
  });

  it('fitMixture finds each bucket’s best λ (against a grid search) and is never worse than either part', () => {
    const rng = new Rng(4);
    const n = 4000;
    const net = new Float64Array(n);
    const ng = new Float64Array(n);
    const buckets = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      buckets[i] = i % 3; // bucket 0: the network is better; 1: the n-gram; 2: each helps
      const good = Math.log(0.3 + 0.6 * rng.next());
      const bad = Math.log(0.01 + 0.2 * rng.next());
      if (buckets[i] === 0) [net[i], ng[i]] = [good, bad];
      else if (buckets[i] === 1) [net[i], ng[i]] = [bad, good];
      else [net[i], ng[i]] = rng.next() < 0.5 ? [good, bad] : [bad, good];
    }
    const w = fitMixture(net, ng, buckets);
    expect(w.lambdas).toHaveLength(BUCKETS);
    for (let b = 0; b < 3; b++) {
      const at = Array.from({ length: n }, (_, i) => i).filter((i) => buckets[i] === b);
      const ll = (l: number) => at.reduce((s, i) => s + mixLog(net[i]!, ng[i]!, l), 0);
      let grid = 0;
      for (let l = 0; l <= 1.0000001; l += 0.001) if (ll(l) > ll(grid)) grid = l;
      expect(Math.abs(w.lambdas[b]! - grid)).toBeLessThan(0.002);
    }
    expect(w.lambdas[0]).toBeGreaterThan(0.8);
    expect(w.lambdas[1]).toBeLessThan(0.2);
    const mixed = mixtureNats(net, ng, buckets, w);
    expect(mixed).toBeLessThan(-net.reduce((a, b) => a + b, 0));
    expect(mixed).toBeLessThan(-ng.reduce((a, b) => a + b, 0));
    const one = fitMixture(net, ng, buckets, false);
    expect(new Set(one.lambdas).size).toBe(1);
    expect(mixtureNats(net, ng, buckets, one)).toBeGreaterThan(mixed); // buckets pay here
  });

  it('where the n-gram is better everywhere, the network keeps its least share, so a character the n-gram gives P = 0 stays possible', () => {
    const net = Float64Array.from({ length: 500 }, () => Math.log(0.05));
    const ng = Float64Array.from({ length: 500 }, () => Math.log(0.9));
    const w = fitMixture(net, ng, new Uint8Array(500));
    expect(w.lambdas[0]).toBe(LAMBDA_FLOOR); // unclamped, the best λ here is 0
    // P = 1e-4 · 0.05 + (1 − 1e-4) · 0, not 0.
    expect(mixLog(Math.log(0.05), -Infinity, w.lambdas[0]!)).toBeCloseTo(Math.log(1e-4 * 0.05), 12);
  });
});

describe('the trained mixture', () => {
  let ck: Loaded;
  let mix: Mix;
  let mixed: Predictor;
  let root: string;
  beforeAll(async () => {
    await initBackend('wasm');
    root = tempDir();
    const corpus = writeCorpus(root, abText(400));
    await train(tinyRequest(corpus, join(root, 'ab'), {}, { epochs: 3 }, { hidden: 8, layers: 1 }));
    ck = loadCheckpoint(join(root, 'ab'));
    expect(ck.ngram).not.toBeNull();
    expect(ck.meta.mixture).toBeDefined();
    mix = { ngram: ck.ngram!, weights: ck.meta.mixture! };
    mixed = new MixedPredictor(new Stepper(ck.params), mix.ngram, mix.weights);
  });

  const P = (s: string, noEos = false) => Math.exp(scoreSentence(mixed, ck.vocab, s, { noEos }).logprob);

  it('is a distribution: Σ over next symbols of P(next | prefix) = 1', () => {
    const r = new Rng(2);
    for (let k = 0; k < 20; k++) {
      let prefix = '';
      const len = Math.floor(r.next() * 9);
      for (let i = 0; i < len; i++) prefix += 'abz'[Math.floor(r.next() * 3)];
      const total = (P(prefix + 'a', true) + P(prefix + 'b', true) + P(prefix + 'z', true) + P(prefix)) / P(prefix, true);
      expect(Math.abs(total - 1)).toBeLessThan(1e-9);
    }
  });

  it('a sentence’s log P is the sum of its per-character log P, and differs from the network’s', () => {
    const s = scoreSentence(mixed, ck.vocab, 'abbabaab', { perChar: true });
    const sum = s.chars!.reduce((a, c) => a + Math.log(c.p), 0);
    expect(Math.abs(sum - s.logprob)).toBeLessThan(1e-12);
    const net = scoreSentence(new Stepper(ck.params), ck.vocab, 'abbabaab');
    expect(Math.abs(net.logprob - s.logprob)).toBeGreaterThan(1e-4);
  });

  it('eval of many lines under the mixture = the sum of the mixed sentence scores, with each part reported', async () => {
    const lines = ['ab', 'abbba', 'a', 'aab', 'abz', 'b', 'abababab'];
    const e = await scoreText(ck.params, ck.vocab, lines.join('\n'), 'line', { mix });
    const sum = lines.reduce((a, l) => a + scoreSentence(mixed, ck.vocab, l).logprob, 0);
    expect(e.model).toBe('mixture');
    expect(Math.abs(e.logprob - sum) / Math.abs(sum)).toBeLessThan(1e-5);
    const alone = await scoreText(ck.params, ck.vocab, lines.join('\n'), 'line');
    expect(e.parts!.network).toBeCloseTo(alone.nats_per_char, 6);
    expect(e.parts!.mixture).toBeCloseTo(e.nats_per_char, 12);
    const ngNats = -mix.ngram.scoreStream(streamOf(ck.vocab, lines).ids).logProbs.reduce((a, b) => a + b, 0);
    expect(e.parts!.ngram).toBeCloseTo(ngNats / e.tokens, 10);
  });

  it('a document is scored the same under the mixture by the Stepper and the batched path', async () => {
    const doc = abText(600).replace(/\n/g, 'ab') + 'zab';
    const a = await scoreText(ck.params, ck.vocab, doc, 'document', { mix, path: 'stepper' });
    const b = await scoreText(ck.params, ck.vocab, doc, 'document', { mix, path: 'batched' });
    expect(a.tokens).toBe(b.tokens);
    expect(Math.abs(a.logprob - b.logprob) / Math.abs(b.logprob)).toBeLessThan(1e-6);
  });

  it('the validation mixture of the saved model is no worse than the network alone', () => {
    const x = ck.meta.mixture!;
    expect(x.step).toBe(ck.meta.progress.bestStep);
    expect(x.network).toBeCloseTo(ck.meta.progress.bestVal!, 12);
    expect(x.val).toBeLessThanOrEqual(x.network + 1e-12);
    // No worse than the n-gram but for the network's least share (−ln(1 − LAMBDA_FLOOR) per token).
    expect(x.val).toBeLessThanOrEqual(ck.meta.ngram!.val! - Math.log1p(-LAMBDA_FLOOR) + 1e-12);
  });

  it('a checkpoint without an n-gram (older rnnlm) loads as the network alone', () => {
    const dir = join(root, 'ab');
    const meta = JSON.parse(readFileSync(join(dir, FILES.meta), 'utf8'));
    delete meta.ngram;
    delete meta.mixture;
    const old = join(root, 'old');
    mkdirSync(old, { recursive: true });
    for (const f of [FILES.model, FILES.weights]) writeFileSync(join(old, f), readFileSync(join(dir, f)));
    writeFileSync(join(old, FILES.meta), JSON.stringify(meta));
    const o = loadCheckpoint(old);
    expect(o.ngram).toBeNull();
    expect(existsSync(join(old, FILES.ngram))).toBe(false);
  });

  it('a damaged ngram.bin is refused with its name', () => {
    const dir = join(root, 'ab');
    const bytes = readFileSync(join(dir, FILES.ngram));
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(join(dir, FILES.ngram), bytes);
    expect(() => loadCheckpoint(dir)).toThrow(/ngram\.bin: does not match the sha256/);
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(join(dir, FILES.ngram), bytes);
    expect(loadCheckpoint(dir).ngram).not.toBeNull();
  });
});

describe('n-gram and resume', () => {
  it('a resumed run keeps the n-gram file and ends where an unbroken run does, mixture included', async () => {
    await initBackend('wasm');
    const root = tempDir();
    const corpus = writeCorpus(root, syllableText(300));
    const whole = join(root, 'whole');
    const split = join(root, 'split');
    await train(tinyRequest(corpus, whole, {}, { epochs: 2 }));
    await train(tinyRequest(corpus, split, { maxSteps: 7 }, { epochs: 2 }));
    const first = readFileSync(join(split, FILES.ngram));
    const r = await train(tinyRequest(corpus, split, { resume: true }, { epochs: 2 }));
    expect(readFileSync(join(split, FILES.ngram)).equals(first)).toBe(true);
    const a = loadCheckpoint(whole).meta;
    expect({ ...r.meta.ngram, buildSeconds: 0 }).toEqual({ ...a.ngram, buildSeconds: 0 }); // the same counts, in the same file
    expect(r.meta.mixture!.lambdas).toEqual(a.mixture!.lambdas);
    expect(r.meta.mixture!.val).toBe(a.mixture!.val);
    expect(r.meta.history.map((h) => h.mix)).toEqual(a.history.map((h) => h.mix));
  });

  it('--no-ngram trains the network alone', async () => {
    const root = tempDir();
    const corpus = writeCorpus(root, syllableText(100));
    const r = await train(tinyRequest(corpus, join(root, 'm'), { ngram: false, maxSteps: 3 }));
    expect(r.meta.ngram).toBeUndefined();
    expect(existsSync(join(root, 'm', FILES.ngram))).toBe(false);
    expect(loadCheckpoint(join(root, 'm')).ngram).toBeNull();
  });
});

describe('the mixture with an n-gram that keeps counting what it reads', () => {
  let ck: Loaded;
  let mix: Mix;
  beforeAll(async () => {
    await initBackend('wasm');
    const root = tempDir();
    const corpus = writeCorpus(root, abText(400));
    await train(tinyRequest(corpus, join(root, 'ab'), {}, { epochs: 2, ngramAdapt: true }, { hidden: 8, layers: 1 }));
    ck = loadCheckpoint(join(root, 'ab'));
    expect(ck.meta.training.ngramAdapt).toBe(true);
    mix = { ngram: ck.ngram!, weights: ck.meta.mixture!, adapts: true };
  });
  const adapting = () => new MixedPredictor(new Stepper(ck.params), mix.ngram, mix.weights, true);

  it('is a distribution at every point of a sequence, and a sentence’s log P is the sum of its characters’', () => {
    const p = adapting();
    p.reset();
    p.step(0);
    const r = new Rng(5);
    for (let k = 0; k < 40; k++) {
      const lp = p.step(1 + Math.floor(r.next() * 3)); // <UNK>, a, b
      expect(Math.abs(lp.reduce((a, x) => a + Math.exp(x), 0) - 1)).toBeLessThan(1e-9);
    }
    const s = scoreSentence(adapting(), ck.vocab, 'abzabzabzabz', { perChar: true });
    expect(Math.abs(s.chars!.reduce((a, c) => a + Math.log(c.p), 0) - s.logprob)).toBeLessThan(1e-12);
  });

  it('scores a document as `score` does, character by character (the predictor’s counting = scoreStream’s), and reports the training counts alone beside it', async () => {
    const doc = 'abzab'.repeat(30) + 'abab';
    const e = await scoreText(ck.params, ck.vocab, doc, 'document', { mix });
    const s = scoreSentence(adapting(), ck.vocab, doc);
    expect(e.tokens).toBe(s.tokens);
    expect(Math.abs(e.logprob - s.logprob) / Math.abs(s.logprob)).toBeLessThan(1e-6);
    // z was never in the training text: counting it as it reads, the n-gram expects it after a while.
    expect(e.parts!.ngramStatic! - e.parts!.ngram).toBeGreaterThan(0.3);
    const fixed = await scoreText(ck.params, ck.vocab, doc, 'document', { mix: { ...mix, adapts: false } });
    expect(fixed.parts!.ngram).toBeCloseTo(e.parts!.ngramStatic!, 10);
    expect(fixed.parts!.ngramStatic).toBeUndefined();
  });

  it('a checkpoint from before it (no ngramAdapt in rnnlm.json) scores with the training counts alone', () => {
    const meta = JSON.parse(readFileSync(join(ck.dir, FILES.meta), 'utf8'));
    delete meta.training.ngramAdapt;
    const old = join(tempDir(), 'old');
    mkdirSync(old, { recursive: true });
    for (const f of [FILES.model, FILES.weights, FILES.ngram]) writeFileSync(join(old, f), readFileSync(join(ck.dir, f)));
    writeFileSync(join(old, FILES.meta), JSON.stringify(meta));
    const o = loadCheckpoint(old);
    expect(new Model(o).mixture()!.adapts).toBe(false);
    expect(new Model(ck).mixture()!.adapts).toBe(true);
  });
});
