// Dynamic evaluation: each segment is scored before the network learns from it, so every
// number is an honest prediction — checked by what a prediction may depend on (nothing at or
// after its target), by summing the adapted model's probabilities over the vocabulary, and by
// the first segment equalling the static model.

import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node/backend.js';
import {
  adaptationOf,
  ADAPT_BETA,
  ADAPT_Z,
  chooseAdaptation,
  gainOverNoise,
  pickRate,
  sentencesAdaptive,
  streamLossAdaptive,
  type Adaptation,
} from './dynamic.js';
import { rowBounds, windowAt } from '../text/corpus.js';
import { runWindow, zeroState, type State } from '../model/lm.js';
import { join } from 'node:path';
import { loadCheckpoint } from '../node/checkpoint-files.js';
import { scoreSentence } from './sentence.js';
import { scoreText } from './score.js';
import { sentenceFromLogProbs } from './sentence.js';
import { MixedPredictor } from '../ngram/mixture.js';
import { Stepper } from '../model/stepper.js';
import { tempDir, tinyRequest, trainRecording, syllableText, writeCorpus } from '../testing/fixtures.js';
import { streamLossStepper } from './evaluate.js';
import { Params } from '../model/params.js';
import { Rng } from '../common/rng.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const V = 6;
const params = (cell: 'lstm' | 'gru' = 'lstm') => Params.init({ cell, layers: 2, hidden: 8, vocabSize: V, dropout: 0.3 }, new Rng(3));
/** A stream of two sequences over ids 2..5, <EOS> (0) around them. */
function stream(seed: number, n = 40): Int32Array {
  const r = new Rng(seed);
  const out = [0];
  for (let i = 0; i < n; i++) out.push(i === 25 ? 0 : 2 + Math.floor(r.next() * (V - 2)));
  out.push(0);
  return Int32Array.from(out);
}
const adapt: Adaptation = { lr: 0.5, segment: 4, clip: 1 }; // SGD, as checkpoints before the RMS rule
const rms: Adaptation = { lr: 0.02, segment: 4, clip: 0, rule: 'rms' };

async function perPosition(p: Params, s: Int32Array, a = adapt): Promise<Float64Array> {
  const out = new Float64Array(s.length - 1);
  await streamLossAdaptive(p, s, a, { perPosition: out });
  return out;
}

describe.each([
  ['SGD', adapt],
  ['RMS', rms],
])('dynamic evaluation, %s steps', (_, adapt) => {
  it('the first segment scores as the static model; later ones differ (it learned)', async () => {
    const p = params();
    const s = stream(1);
    const dyn = await perPosition(p, s, adapt);
    const fixed = new Float64Array(s.length - 1);
    const st = await streamLossStepper(new Params({ ...p.config, dropout: 0 }, p.data), s, { perPosition: fixed });
    for (let t = 0; t < adapt.segment; t++) expect(dyn[t]).toBeCloseTo(fixed[t]!, 5);
    expect(Math.max(...dyn.map((x, t) => Math.abs(x - fixed[t]!)).slice(adapt.segment))).toBeGreaterThan(1e-3);
    // With rate 0 it is the static model everywhere, and so is the total.
    const zero = await perPosition(p, s, { ...adapt, lr: 0 });
    zero.forEach((x, t) => expect(x).toBeCloseTo(fixed[t]!, 5));
    const r = await streamLossAdaptive(p, s, { ...adapt, lr: 0 });
    expect(r.nats).toBeCloseTo(st.nats, 4);
    expect(r.tokens).toBe(s.length - 1);
  });

  it('a prediction depends on nothing at or after its target (the segment is scored before it is learned from)', async () => {
    const p = params('gru');
    const s = stream(2);
    const base = await perPosition(p, s, adapt);
    for (const q of [1, 3, 6, 9, 14]) {
      const changed = s.slice();
      for (let i = q + 1; i < changed.length - 1; i++) if (changed[i] !== 0) changed[i] = 2 + ((changed[i]! - 1) % (V - 2));
      const other = await perPosition(p, changed, adapt);
      for (let t = 0; t < q; t++) expect(other[t]).toBe(base[t]); // targets up to position q are the same text
    }
  });

  it('at any point the adapted model’s next-token probabilities sum to 1 over the vocabulary', async () => {
    const p = params();
    const s = stream(3);
    for (const q of [2, 5, 11, 18]) {
      // P(v | the text before it), v in every token: the prefix with v as target at input position q.
      let sum = 0;
      for (let v = 0; v < V; v++) {
        const t = s.slice(0, q + 2);
        t[q + 1] = v;
        sum += Math.exp((await perPosition(p, t, adapt))[q]!);
      }
      expect(sum).toBeCloseTo(1, 6);
    }
  });

  it('the model itself is not changed', async () => {
    const p = params();
    const before = p.data.slice();
    await perPosition(p, stream(4), adapt);
    expect(p.data).toEqual(before);
  });
});

describe('the RMS rule', () => {
  /** One segment's gradient and the state after it, at weights w (dropout off). */
  async function segmentAt(p: Params, w: Float32Array, s: Int32Array, k: number, state: State) {
    const win = windowAt(s, rowBounds(s, 1, true), rms.segment, k);
    const r = await runWindow(new Params({ ...p.config, dropout: 0 }, w), win, state, { train: true, lossScale: 1, wantLogProbs: true, dropoutSeed: 0 });
    return { grads: r.grads!, state: r.state, logProbs: r.logProbs!.slice(0, rms.segment) };
  }

  it('steps each weight by lr · g / √(bias-corrected mean square of its gradients): by lr · sign(g) first, then as the formula says', async () => {
    const p = params();
    const s = stream(6);
    const dyn = await perPosition(p, s, rms);
    // By hand, in float64: m1 = (1 − β) g1², corrected by 1 − β; m2 = β m1 + (1 − β) g2², by 1 − β².
    const b = ADAPT_BETA;
    const w0 = new Params({ ...p.config, dropout: 0 }, p.data.slice()).data;
    const s1 = await segmentAt(p, w0, s, 0, zeroState(p.config, 1));
    const w1 = w0.map((w, i) => w - (rms.lr * s1.grads[i]!) / (Math.abs(s1.grads[i]!) + 1e-8));
    const moved = w1.reduce((n, w, i) => n + (w !== w0[i] ? 1 : 0), 0);
    expect(moved).toBeGreaterThan(w0.length / 2); // most weights had a gradient, and each moved by lr
    const s2 = await segmentAt(p, w1, s, 1, s1.state);
    for (let t = 0; t < rms.segment; t++) expect(dyn[rms.segment + t]).toBeCloseTo(s2.logProbs[t]!, 5);
    const w2 = w1.map((w, i) => {
      const m = (b * (1 - b) * s1.grads[i]! ** 2 + (1 - b) * s2.grads[i]! ** 2) / (1 - b * b);
      return w - (rms.lr * s2.grads[i]!) / (Math.sqrt(m) + 1e-8);
    });
    const s3 = await segmentAt(p, w2, s, 2, s2.state);
    for (let t = 0; t < rms.segment; t++) expect(dyn[2 * rms.segment + t]).toBeCloseTo(s3.logProbs[t]!, 5);
    // Plain SGD at the same rate reads the third segment otherwise.
    const sgd = await perPosition(p, s, { ...rms, rule: 'sgd' });
    expect(Math.max(...[0, 1, 2, 3].map((t) => Math.abs(sgd[2 * rms.segment + t]! - s3.logProbs[t]!)))).toBeGreaterThan(1e-4);
  });

  it("a checkpoint's adaptation: the RMS rule as saved, SGD where rnnlm.json predates rules, none at rate 0", () => {
    const meta = {
      lr: 0.001,
      segment: 32,
      clip: 0,
      rule: 'rms' as const,
      tokens: 1,
      by: 'network' as const,
      static: 1,
      adapted: 1,
      network: { static: 1, adapted: 1 },
      tried: [],
      tokensPerSec: 1,
    };
    expect(adaptationOf(meta)).toEqual({ lr: 0.001, segment: 32, clip: 0, rule: 'rms' });
    const { rule: _, ...old } = { ...meta, lr: 0.3, clip: 1 };
    expect(adaptationOf(old)).toEqual({ lr: 0.3, segment: 32, clip: 1, rule: 'sgd' });
    expect(adaptationOf({ ...meta, lr: 0 })).toBeNull();
    expect(adaptationOf(undefined)).toBeNull();
  });
});

describe('choosing the rate', () => {
  it('gainOverNoise: the gain per token and its standard error over blocks, worked by hand', () => {
    expect(gainOverNoise([0, 0, 0, 0], [1, 0, 1, 2], 2)).toEqual({ gain: 1, se: 0.5 }); // blocks 0.5, 1.5: sd 1/√2, se 1/2
    expect(gainOverNoise([0, 0, 0], [1, 0, 1], 2).se).toBe(Infinity); // one whole block: too little to tell
  });

  it('a rate is taken only when its gain is beyond noise (ADAPT_Z standard errors), even when it reads validation better', () => {
    const flat = (v: number, n = 64) => new Array<number>(n).fill(v);
    const mean = (lp: number[]) => -lp.reduce((x, y) => x + y, 0) / lp.length;
    const at0 = { lr: 0, lp: flat(-1) };
    // Better by 0.025 nats/token on the whole, but +0.5 on one half and −0.45 on the other.
    const noisy = { lr: 0.001, lp: [...flat(-0.5, 32), ...flat(-1.45, 32)] };
    const steady = { lr: 0.002, lp: flat(-0.99) }; // better by 0.01 everywhere: se 0
    const cases = [at0, noisy, steady].map((t) => ({ ...t, nats: mean(t.lp) }));
    const one = pickRate([cases[0]!, cases[1]!]);
    expect(one.top.lr).toBe(0.001);
    expect(one.se).toBeCloseTo(0.475 / Math.sqrt(7), 9); // 8 blocks of 8, gains ±0.475 about 0.025: sd 0.475·√(8/7), se sd/√8
    expect(one.best.lr).toBe(0);
    expect(pickRate([cases[0]!, cases[2]!]).best.lr).toBe(0.002);
    expect(ADAPT_Z).toBe(2);
  });

  it('the rate chosen on validation: 0 when no rate beats the static model, else the best rate tried (its gain beyond noise)', async () => {
    const p = params();
    const s = stream(5, 60);
    const now = () => 0;
    const a = await chooseAdaptation(p, s, null, now, [0.01, 0.1]);
    expect(a.tried.map((t) => t.lr)).toEqual([0, 0.01, 0.1]);
    expect(a.rule).toBe('rms');
    const best = a.tried.reduce((x, y) => (y.nats < x.nats ? y : x));
    expect(a.lr).toBe(best.lr);
    expect(a.lr).toBeGreaterThan(0); // an untrained network gains much from reading: beyond noise
    expect(a.static - a.adapted).toBeGreaterThan(ADAPT_Z * a.se!);
    expect(a.static).toBe(a.tried[0]!.nats);
    expect(a.by).toBe('network');
    // A rate that only hurts (huge steps against an unclipped gradient) is not chosen.
    const bad = await chooseAdaptation(p, s, null, now, [1e6]);
    expect(bad.tried[1]!.nats).toBeGreaterThan(bad.tried[0]!.nats);
    expect(bad.lr).toBe(0);
  });

  it('past its time budget it tries no further rate, but always one', async () => {
    const p = params();
    const s = stream(5, 60);
    let ms = 0;
    const now = () => (ms += 1000); // each reading of the clock: one more second
    const a = await chooseAdaptation(p, s, null, now, [0.3, 0.1, 1], 1000, 5);
    expect(a.tried.map((t) => t.lr)).toEqual([0, 0.3, 0.1]); // the start, then 3 clock reads per pass: 7 s > 5 s after two
    ms = 0;
    const one = await chooseAdaptation(p, s, null, now, [0.3, 0.1, 1], 1000, 0);
    expect(one.tried.map((t) => t.lr)).toEqual([0, 0.3]);
    expect(one.tokensPerSec).toBeGreaterThan(0);
  });
});

describe('score --adapt', () => {
  it('sentences scored in order add up to eval of the same lines, mixture and all; the first equals the static score', async () => {
    const dir = tempDir();
    const corpus = writeCorpus(dir, syllableText(300, 6));
    await trainRecording(tinyRequest(corpus, join(dir, 'ck'), { maxSteps: 10 }));
    const ck = loadCheckpoint(join(dir, 'ck'));
    const lines = syllableText(40, 12).trim().split('\n');
    const mix = { ngram: ck.ngram!, weights: { lambdas: new Array<number>(8).fill(0.5) }, adapts: true }; // the network weighs: its learning shows
    const a = { lr: 0.3, segment: 8, clip: 1 };
    const each = await sentencesAdaptive(ck.params, ck.vocab, lines, a, mix);
    const scores = each.map((r, i) => sentenceFromLogProbs(ck.vocab, lines[i]!, r.logProbs, { perChar: true }));
    const file = await scoreText(ck.params, ck.vocab, lines.join('\n') + '\n', 'line', { adapt: a, mix });
    expect(scores.reduce((x, s) => x + s.logprob, 0)).toBeCloseTo(file.logprob, 6);
    expect(scores.reduce((x, s) => x + s.tokens, 0)).toBe(file.tokens);
    // The first line is shorter than a segment: nothing learned yet, the static mixture's number.
    expect(lines[0]!.length + 1).toBeLessThan(a.segment);
    const fixed = scoreSentence(new MixedPredictor(new Stepper(ck.params), mix.ngram, mix.weights, true), ck.vocab, lines[0]!);
    expect(scores[0]!.logprob).toBeCloseTo(fixed.logprob, 6);
    // Later lines differ from the static model: it learned.
    const later = scoreSentence(new MixedPredictor(new Stepper(ck.params), mix.ngram, mix.weights, true), ck.vocab, lines[30]!);
    expect(Math.abs(scores[30]!.logprob - later.logprob)).toBeGreaterThan(1e-4);
    expect(scores[30]!.chars!.length).toBe(lines[30]!.length + 1);
  });
});
