import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node/backend.js';
import { loadCheckpoint, loadResume } from '../node/checkpoint-files.js';
import { type Loaded } from '../checkpoint/types.js';
import { rowBounds, windowAt, windowCount } from '../text/corpus.js';
import { MixedPredictor } from './mixture.js';
import { runWindow, zeroState } from '../model/lm.js';
import { Params } from '../model/params.js';
import { Stepper } from '../model/stepper.js';
import { Rng } from '../common/rng.js';
import { scoreSentence } from '../inference/sentence.js';
import { scoreText } from '../inference/score.js';
import { referenceKN } from '../testing/kneser-ney.js';
import { abText, skewedLines, syllableText, tempDir, tinyRequest, writeCorpus } from '../testing/fixtures.js';
import { streamOf, Vocab } from '../text/tokenizer.js';
import { train } from '../node/training-run.js';
import { NGramCounts } from './counts.js';
import { LOG_FLOOR, NGramModel } from './model.js';
import { NGramInputPredictor, windowPrior } from './input.js';

describe('the n-gram’s distribution at a position, with its own occurrence left out', () => {
  const v = Vocab.fromText('abcde');
  const stream = streamOf(v, skewedLines(3, 120, 'abcde')).ids;
  const V = v.size;

  for (const order of [1, 2, 3, 4]) {
    it(`order ${order}: equals Kneser–Ney counted without that one occurrence (the reference, same discounts), at every training position`, () => {
      const m = NGramModel.fromCounts(NGramCounts.count(stream, V, 4), order);
      const out = new Float32Array(V);
      let start = 0;
      let checked = 0;
      for (let p = 0; p + 1 < stream.length; p += 3) {
        for (let q = p; q >= 0; q--)
          if (stream[q] === 0) {
            start = q;
            break;
          }
        const ref = referenceKN(stream, V, order, { exclude: p, discounts: m.a.discounts });
        m.logDistributionAt(stream, p, out, 0, true);
        let sum = 0;
        for (let w = 0; w < V; w++) {
          expect(out[w]).toBeCloseTo(Math.max(LOG_FLOOR, Math.log(ref(stream, p, start, w))), 5);
          sum += Math.exp(out[w]!);
        }
        expect(Math.abs(sum - 1)).toBeLessThan(1e-6);
        checked++;
      }
      expect(checked).toBeGreaterThan(100);
    });
  }

  it('leaving it out matters: the training text’s own target is less sure, about as sure as on text never counted', () => {
    const m = NGramModel.fromCounts(NGramCounts.count(stream, V, 4), 4);
    const fresh = streamOf(v, skewedLines(4, 120, 'abcde')).ids;
    const mean = (s: typeof stream, loo: boolean) => {
      const out = new Float32Array(V);
      let nats = 0;
      for (let p = 0; p + 1 < s.length; p++) {
        m.logDistributionAt(s, p, out, 0, loo);
        nats -= out[s[p + 1]!]!;
      }
      return nats / (s.length - 1);
    };
    const seen = mean(stream, false);
    const left = mean(stream, true);
    const heldOut = mean(fresh, false);
    expect(left).toBeGreaterThan(seen + 0.1);
    expect(Math.abs(left - heldOut)).toBeLessThan(Math.abs(seen - heldOut));
  });

  it('without leaving out, equals the model’s own scoreStream and distribution()', () => {
    const m = NGramModel.fromCounts(NGramCounts.count(stream, V, 3), 3);
    const test = streamOf(v, skewedLines(5, 30, 'abcde')).ids;
    const { logProbs } = m.scoreStream(test);
    const out = new Float32Array(V);
    for (let p = 0; p + 1 < test.length; p++) {
      m.logDistributionAt(test, p, out, 0, false);
      expect(out[test[p + 1]!]).toBeCloseTo(logProbs[p]!, 5);
    }
    const ctx = Array.from(test.subarray(0, 6));
    m.logDistributionAt(ctx, ctx.length - 1, out, 0, false);
    const { probs } = m.distribution(ctx);
    for (let w = 0; w < V; w++) expect(out[w]).toBeCloseTo(Math.log(probs[w]!), 5);
  });

  it('windowPrior puts each row’s and step’s distribution at [b, t, ·] and zeros at padding', () => {
    const m = NGramModel.fromCounts(NGramCounts.count(stream, V, 3), 3);
    const bounds = rowBounds(stream, 3);
    const last = windowCount(bounds, 50) - 1; // the last window: rows end inside it
    const win = windowAt(stream, bounds, 50, last);
    const prior = windowPrior(m, win, stream, true);
    const out = new Float32Array(V);
    let padding = 0;
    for (let b = 0; b < win.batch; b++) {
      for (let t = 0; t < win.time; t++) {
        const i = b * win.time + t;
        const p = win.positions![i]!;
        if (p < 0) {
          padding++;
          expect(Array.from(prior.subarray(i * V, (i + 1) * V))).toEqual(new Array(V).fill(0));
          continue;
        }
        expect(p).toBe(bounds[b]![0] + 50 * last + t);
        m.logDistributionAt(stream, p, out, 0, true);
        expect(Array.from(prior.subarray(i * V, (i + 1) * V))).toEqual(Array.from(out));
      }
    }
    expect(padding).toBeGreaterThan(0);
  });
});

describe('a model that takes the n-gram as input', () => {
  let ck: Loaded;
  let root: string;
  beforeAll(async () => {
    await initBackend('wasm');
    root = tempDir();
    const corpus = writeCorpus(root, abText(400));
    await train(tinyRequest(corpus, join(root, 'ab'), {}, { epochs: 3, ngramInput: true }, { hidden: 8, layers: 1 }));
    ck = loadCheckpoint(join(root, 'ab'));
  });

  const predictor = () => new NGramInputPredictor(new Stepper(ck.params), ck.ngram!);

  it('is a distribution: Σ over next symbols of P(next | prefix) = 1, mixed or not', () => {
    const r = new Rng(2);
    for (const p of [predictor(), new MixedPredictor(predictor(), ck.ngram!, ck.meta.mixture!)]) {
      p.reset();
      p.step(0);
      for (let k = 0; k < 30; k++) {
        const lp = p.step(2 + Math.floor(r.next() * 2));
        expect(Math.abs(lp.reduce((a, x) => a + Math.exp(x), 0) - 1)).toBeLessThan(1e-9);
      }
    }
  });

  it('with the network’s output weights at zero it is the n-gram itself', () => {
    const zero = new Params(ck.params.config, ck.params.data.slice());
    zero.view('out').fill(0);
    const p = new NGramInputPredictor(new Stepper(zero), ck.ngram!);
    const ids = streamOf(ck.vocab, ['abbab']).ids;
    p.reset();
    for (let i = 0; i + 1 < ids.length; i++) {
      const lp = p.step(ids[i]!);
      const { probs } = ck.ngram!.distribution(ids.subarray(0, i + 1));
      for (let w = 0; w < probs.length; w++) expect(lp[w]).toBeCloseTo(Math.log(probs[w]!), 6);
    }
  });

  it('the training window’s loss (the n-gram’s ln P added to the logits) = −ln P of the sequences by the predictor', async () => {
    const text = ['ab', 'abba', 'babab', 'a'];
    const ids = streamOf(ck.vocab, text).ids;
    const bounds = rowBounds(ids, 2, true);
    const win = windowAt(ids, bounds, 20, 0);
    win.prior = windowPrior(ck.ngram!, win, ids, false);
    const r = await runWindow(ck.params, win, zeroState(ck.params.config, bounds.length), { train: false });
    const sum = text.reduce((a, l) => a + scoreSentence(predictor(), ck.vocab, l).logprob, 0);
    expect(Math.abs(r.loss + sum) / Math.abs(sum)).toBeLessThan(1e-5);
    // And not the network's own loss.
    const plain = await runWindow(ck.params, { ...win, prior: undefined }, zeroState(ck.params.config, bounds.length), { train: false });
    expect(Math.abs(plain.loss - r.loss)).toBeGreaterThan(1e-3);
  });

  it('eval: the batched path and the Stepper give the same numbers, each part reported', async () => {
    const doc = abText(300).replace(/\n/g, 'ab') + 'zab';
    const o = { mix: { ngram: ck.ngram!, weights: ck.meta.mixture! }, ngramInput: ck.ngram };
    const a = await scoreText(ck.params, ck.vocab, doc, 'document', { ...o, path: 'stepper' });
    const b = await scoreText(ck.params, ck.vocab, doc, 'document', { ...o, path: 'batched' });
    expect(a.tokens).toBe(b.tokens);
    expect(Math.abs(a.logprob - b.logprob) / Math.abs(b.logprob)).toBeLessThan(1e-6);
    expect(b.parts!.network).toBeCloseTo(a.parts!.network, 5);
  });

  it('a resumed run ends where an unbroken run does', async () => {
    const corpus = writeCorpus(root, syllableText(300));
    const whole = join(root, 'whole');
    const split = join(root, 'split');
    const t = { epochs: 2, ngramInput: true };
    await train(tinyRequest(corpus, whole, {}, t));
    await train(tinyRequest(corpus, split, { maxSteps: 5 }, t));
    const r = await train(tinyRequest(corpus, split, { resume: true }, t));
    const a = loadCheckpoint(whole).meta;
    expect(r.meta.training.ngramInput).toBe(true);
    expect(r.meta.history.map((h) => [h.train, h.val, h.mix])).toEqual(a.history.map((h) => [h.train, h.val, h.mix]));
    expect(Array.from(loadResume(split, r.meta.model).params.data)).toEqual(Array.from(loadResume(whole, a.model).params.data));
  });

  it('needs the n-gram: --no-ngram with it is refused', async () => {
    const corpus = writeCorpus(root, syllableText(50));
    await expect(train(tinyRequest(corpus, join(root, 'none'), { ngram: false, maxSteps: 2 }, { ngramInput: true }))).rejects.toThrow(/n-gram/);
  });
});
