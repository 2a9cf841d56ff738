// The class-factored output layer's reference: classes by frequency (hand-worked), a
// distribution over every token (sums to 1), one token's log-probability as the distribution
// gives it, a hand-worked two-class example, and gradients against finite differences.

import { describe, expect, it } from 'vitest';
import { Rng } from '../common/rng.js';
import { classBackward, classDistribution, classLogProb, frequencyClasses } from './classes.js';

const random = (n: number, rng: Rng, s = 0.5) => Float64Array.from({ length: n }, () => rng.uniform(-s, s));

describe('classes by frequency', () => {
  it.each([
    ['a frequent token alone, the rest together', [6, 3, 1, 0], 2, [[0], [1, 2, 3]]],
    [
      'equal counts: equal shares',
      [1, 1, 1, 1],
      2,
      [
        [0, 1],
        [2, 3],
      ],
    ],
    ['as many classes as tokens: one each', [5, 1, 3], 3, [[0], [2], [1]]],
    ['one class: all of them', [2, 9, 4], 1, [[0, 1, 2]]],
    ['every class gets a token even when one token is all the mass', [100, 0, 0, 0], 3, [[0], [1], [2, 3]]],
  ])('%s', (_, counts, C, want) => {
    const k = frequencyClasses(counts, C);
    expect(k.members.map((m) => Array.from(m))).toEqual(want);
    k.members.forEach((m, c) => m.forEach((id) => expect(k.classOf[id]).toBe(c)));
  });

  it('refuses more classes than tokens', () => {
    expect(() => frequencyClasses([1, 2], 3)).toThrow(/3 classes for 2 tokens/);
  });
});

describe('the factored softmax', () => {
  const H = 5;
  const V = 11;
  const C = 3;
  const rng = new Rng(4);
  const counts = Array.from({ length: V }, (_, i) => Math.floor(100 / (i + 1)));
  const k = frequencyClasses(counts, C);
  const out = random((H + 1) * V, rng);
  const cls = random((H + 1) * C, rng);

  it('is a distribution over every token (1e-12) and gives each token’s log-probability', () => {
    for (let t = 0; t < 5; t++) {
      const h = random(H, rng, 1);
      const lp = classDistribution(h, out, cls, k);
      expect(lp.reduce((s, x) => s + Math.exp(x), 0)).toBeCloseTo(1, 12);
      for (let w = 0; w < V; w++) expect(classLogProb(h, out, cls, k, w)).toBeCloseTo(lp[w]!, 12);
    }
  });

  it('a hand-worked case: two classes of two tokens, h = 0 → biases only', () => {
    const kk = frequencyClasses([4, 3, 2, 1], 2); // [0, 1] and [2, 3]: 7/10 ≥ 1/2 after token 1
    expect(kk.members.map((m) => Array.from(m))).toEqual([
      [0, 1],
      [2, 3],
    ]);
    const o = new Float64Array((1 + 1) * 4); // H = 1: row 0 weights, row 1 biases
    o.set([0, Math.log(3), 0, 0], 4); // within class 0: P(1) = 3/4; class 1: 1/2 each
    const c = new Float64Array((1 + 1) * 2);
    c.set([Math.log(4), 0], 2); // P(class 0) = 4/5
    const lp = classDistribution([0], o, c, kk);
    expect(Array.from(lp, Math.exp)).toEqual([0.8 * 0.25, 0.8 * 0.75, 0.2 * 0.5, 0.2 * 0.5].map((p) => expect.closeTo(p, 12)));
  });

  it('gradients of −ln P equal finite differences (out, cls and h), and only the class’s columns of out move', () => {
    const h = random(H, rng, 1);
    for (const target of [0, 4, 10]) {
      const dOut = new Float64Array(out.length);
      const dCls = new Float64Array(cls.length);
      const dh = new Float64Array(H);
      const nll = classBackward(h, out, cls, k, target, dOut, dCls, dh);
      expect(nll).toBeCloseTo(-classLogProb(h, out, cls, k, target), 12);
      const f = () => -classLogProb(h, out, cls, k, target);
      const eps = 1e-6;
      const check = (x: Float64Array, g: Float64Array, idx: number) => {
        const v = x[idx]!;
        x[idx] = v + eps;
        const up = f();
        x[idx] = v - eps;
        const down = f();
        x[idx] = v;
        expect(g[idx]).toBeCloseTo((up - down) / (2 * eps), 6);
      };
      for (let i = 0; i < out.length; i++) check(out, dOut, i);
      for (let i = 0; i < cls.length; i++) check(cls, dCls, i);
      for (let i = 0; i < H; i++) check(h, dh, i);
      const members = new Set(k.members[k.classOf[target]!]);
      for (let i = 0; i < out.length; i++) if (!members.has(i % V)) expect(dOut[i]).toBe(0);
    }
  });
});
