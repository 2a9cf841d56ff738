// The sampled softmax (a word model's cheaper training objective) against the full one and
// against a hand computation from the Stepper's probabilities: with every id a candidate it
// is the full softmax (loss and every gradient); with fewer, its loss is the candidates'
// weighted normaliser, its gradient a finite difference of that loss; candidates are the
// targets plus k others, weighted by −ln of their chance.

import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node/backend.js';
import type { Window } from '../text/corpus.js';
import { Rng } from '../common/rng.js';
import { runWindow, zeroState } from './lm.js';
import { Params } from './params.js';
import { sampleCandidates } from './softmax.js';
import { Stepper } from './stepper.js';

const V = 40;
const B = 3;
const T = 5;
const config = { cell: 'lstm' as const, layers: 1, hidden: 8, vocabSize: V, dropout: 0 };

function window(seed: number): Window {
  const r = new Rng(seed);
  const inputs = Int32Array.from({ length: B * T }, () => 2 + Math.floor(r.next() * (V - 2)));
  const targets = Int32Array.from({ length: B * T }, () => 2 + Math.floor(r.next() * 12)); // targets among few ids, as frequent words are
  return { batch: B, time: T, inputs, targets, weights: new Float32Array(B * T).fill(1) };
}

beforeAll(async () => {
  await initBackend('cpu');
});

describe('sampleCandidates', () => {
  it('all targets, then k others without replacement, weighted ln((V − targets) / k)', () => {
    const win = window(1);
    const targets = new Set(win.targets);
    const c = sampleCandidates(win, V, 10, new Rng(3));
    expect(c.ids.length).toBe(targets.size + 10);
    expect([...c.ids]).toEqual([...c.ids].sort((a, b) => a - b));
    expect(new Set(c.ids).size).toBe(c.ids.length);
    c.ids.forEach((id, j) => expect(c.logWeights[j]).toBeCloseTo(targets.has(id) ? 0 : Math.log((V - targets.size) / 10), 6));
    // k ≥ the others: every id, no weights.
    const all = sampleCandidates(win, V, 1000, new Rng(3));
    expect([...all.ids]).toEqual(Array.from({ length: V }, (_, v) => v));
    expect([...all.logWeights].every((w) => w === 0)).toBe(true);
  });
});

describe('the sampled softmax', () => {
  it('with every id a candidate equals the full softmax: loss and all gradients', async () => {
    const params = Params.init(config, new Rng(5));
    const win = window(2);
    const c = sampleCandidates(win, V, V, new Rng(1));
    const full = await runWindow(params, win, zeroState(config, B), { train: true, lossScale: 0.5 });
    const sampled = await runWindow(params, win, zeroState(config, B), { train: true, lossScale: 0.5, candidates: c.ids, candidateLogWeights: c.logWeights });
    expect(Math.abs(sampled.loss - full.loss) / full.loss).toBeLessThan(1e-6);
    expect(sampled.count).toBe(full.count);
    let worst = 0;
    full.grads!.forEach((g, i) => (worst = Math.max(worst, Math.abs(g - sampled.grads![i]!))));
    expect(worst).toBeLessThan(1e-6);
  });

  it('with fewer: the loss is −Σ ln(e^z_y / Σ_candidates e^(z + ln w)), from the Stepper’s probabilities by hand', async () => {
    const params = Params.init(config, new Rng(6));
    const win = window(4);
    const c = sampleCandidates(win, V, 6, new Rng(2));
    expect(c.ids.length).toBeLessThan(V);
    const r = await runWindow(params, win, zeroState(config, B), { train: true, candidates: c.ids, candidateLogWeights: c.logWeights });
    let want = 0;
    for (let b = 0; b < B; b++) {
      const s = new Stepper(params);
      s.reset();
      for (let t = 0; t < T; t++) {
        const lp = s.step(win.inputs[b * T + t]!); // ln P over the full vocabulary = z − ln Z
        let norm = 0;
        c.ids.forEach((id, j) => (norm += Math.exp(lp[id]! + c.logWeights[j]!)));
        want -= lp[win.targets[b * T + t]!]! - Math.log(norm);
      }
    }
    expect(Math.abs(r.loss - want) / want).toBeLessThan(1e-5);
    // Cheaper than the truth: the candidates' normaliser is an estimate of the full one.
    const full = await runWindow(params, win, zeroState(config, B), { train: false });
    expect(Math.abs(r.loss - full.loss) / full.loss).toBeLessThan(0.5);
  });

  it('with fewer: its gradient is a finite difference of its loss (output kernel, bias and a recurrent weight)', async () => {
    const params = Params.init(config, new Rng(7));
    const win = window(5);
    const c = sampleCandidates(win, V, 6, new Rng(3));
    const opts = { train: true, candidates: c.ids, candidateLogWeights: c.logWeights };
    const g = (await runWindow(params, win, zeroState(config, B), opts)).grads!;
    const out = params.spec('out').offset;
    const H = config.hidden;
    const probe = [out + 2 * V + c.ids[1]!, out + H * V + c.ids[0]!, out + 3 * V + c.ids[c.ids.length - 1]!, params.spec('l0.f').offset + (V + 1) * H + 5];
    // A column that is no candidate gets no gradient.
    const outside = Array.from({ length: V }, (_, v) => v).find((v) => !c.ids.includes(v))!;
    expect(g[out + 2 * V + outside]).toBe(0);
    for (const i of probe) {
      const eps = 1e-2;
      const at = async (d: number) => {
        const p = new Params(config, Float32Array.from(params.data));
        p.data[i]! += d;
        return (await runWindow(p, win, zeroState(config, B), opts)).loss;
      };
      const fd = ((await at(eps)) - (await at(-eps))) / (2 * eps);
      expect(Math.abs(fd - g[i]!), `parameter ${i}`).toBeLessThan(2e-3 + 2e-2 * Math.abs(fd));
    }
  });
});
