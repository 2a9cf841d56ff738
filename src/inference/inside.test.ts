import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node/backend.js';
import { fallsTo, gradientFlow, inside } from './inside.js';
import { type CellKind, type ModelConfig } from '../model/config.js';
import { layersModel } from '../model/keras.js';
import { Params } from '../model/params.js';
import { Stepper } from '../model/stepper.js';
import { Unrolled } from '../model/unrolled.js';
import { referenceStep } from '../testing/reference.js';
import { Rng } from '../common/rng.js';
import { EOS_ID, Vocab } from '../text/tokenizer.js';

// The numbers of `rnnlm inside` against independent computations: the forward pass against
// the Stepper (what `score` uses) and tf.layers (continuous inputs too), the influence against
// finite differences of log P under a continuous perturbation of each input vector, the gates
// against the TF.js-ops reference cell of src/testing (the one the gradient tests use).

beforeAll(async () => {
  await initBackend('wasm');
});

const vocab = new Vocab([...'abcd'].map((c) => c.codePointAt(0)!)); // V = 6
const config = (cell: CellKind, layers = 2, hidden = 5): ModelConfig => ({ cell, layers, hidden, vocabSize: vocab.size, dropout: 0 });
const TEXT = 'abcadbbca';

function oneHot64(id: number, V: number): Float64Array {
  const v = new Float64Array(V);
  v[id] = 1;
  return v;
}

describe.each([
  ['lstm', 'flat'],
  ['gru', 'flat'],
  ['rnn', 'flat'],
  ['lstm', 'factored'],
  ['gru', 'factored'],
] as Array<[CellKind, 'flat' | 'factored']>)('inside (%s, 2 layers, %s output)', (cell, output) => {
  // Factored: the 6 tokens in 3 classes (<EOS> <UNK> | a b | c d).
  const params = Params.init({ ...config(cell), ...(output === 'factored' ? { classOf: [0, 0, 1, 1, 2, 2] } : {}) }, new Rng(11));
  const ids = [EOS_ID, ...vocab.encode(TEXT).ids];

  it('the forward pass gives the log-probabilities score uses (the Stepper)', () => {
    const trace = new Unrolled(params).forward(ids);
    const st = new Stepper(params, 'js');
    ids.forEach((id, t) => {
      const lp = st.step(id);
      for (let v = 0; v < vocab.size; v++) expect(Math.abs(trace.logProbs[t]![v]! - lp[v]!)).toBeLessThan(1e-9);
    });
  });

  // (A factored model's two heads in tf.layers: output.test.ts.)
  if (output === 'flat')
    it('with continuous inputs it equals tf.layers', () => {
      const rng = new Rng(3);
      const V = vocab.size;
      const xs = ids.map(() => Float64Array.from({ length: V }, () => rng.uniform(-1, 1)));
      const trace = new Unrolled(params).forward(xs);
      const m = layersModel(params.config, params.toKeras());
      const x = tf.tensor3d(Float32Array.from(xs.flatMap((v) => Array.from(v))), [1, xs.length, V]); // [batch, time, vocab]
      const ref = (m.predict(x) as tf.Tensor).arraySync() as number[][][]; // [1, time, vocab] probabilities
      xs.forEach((_, t) => {
        for (let v = 0; v < V; v++) expect(Math.exp(trace.logProbs[t]![v]!)).toBeCloseTo(ref[0]![t]![v]!, 5);
      });
    });

  it('influence: the gradient equals finite differences of log P over every component of every input (1e-4 relative)', () => {
    const net = new Unrolled(params);
    const at = ids.length - 2;
    const target = ids[at + 1]!;
    const grads = net.inputGradient(net.forward(ids), at, target);
    const V = vocab.size;
    const eps = 1e-5;
    const base = ids.map((id) => oneHot64(id, V));
    const f = (k: number, j: number, d: number) => {
      const xs = base.map((v) => v.slice());
      xs[k]![j]! += d;
      return net.forward(xs.slice(0, at + 1)).logProbs[at]![target]!;
    };
    let checked = 0;
    for (let k = 0; k <= at; k++) {
      for (let j = 0; j < V; j++) {
        const fd = (f(k, j, eps) - f(k, j, -eps)) / (2 * eps);
        const g = grads[k]![j]!;
        expect(Math.abs(fd - g), `k ${k} j ${j}: fd ${fd} grad ${g}`).toBeLessThanOrEqual(1e-4 * Math.abs(g) + 1e-9);
        if (Math.abs(g) > 1e-6) checked++;
      }
    }
    expect(checked).toBeGreaterThan(at * V * 0.5); // most components matter: the test is not of zeros
    const r = inside(params, vocab, TEXT, { at });
    expect(r.logprob).toBeCloseTo(new Unrolled(params).forward(ids).logProbs[at]![target]!, 12);
    for (let k = 0; k <= at; k++) expect(r.influence[k]).toBeCloseTo(Math.hypot(...grads[k]!), 12);
    expect(r.influence[at + 1]).toBe(0);
  });

  it('gates equal the TF.js-ops reference cell run on the Keras weights (1e-6)', () => {
    if (cell === 'rnn') {
      expect(inside(params, vocab, TEXT).gates.map((g) => Object.keys(g).sort())).toEqual([
        ['cell', 'layer', 'open', 'shut'],
        ['cell', 'layer', 'open', 'shut'],
      ]);
      return;
    }
    const r = inside(params, vocab, TEXT, { units: true });
    const ref = referenceGates(params, ids);
    for (let l = 0; l < 2; l++) {
      const g = r.gates[l]!;
      expect(g.layer).toBe(l + 1);
      for (const name of Object.keys(ref[l]!)) {
        const want = ref[l]![name]!; // [time][unit]
        const units = g.units![name as 'update']!;
        want.forEach((row, t) => {
          row.forEach((v, u) => expect(Math.abs(units[t]![u]! - v)).toBeLessThan(1e-6));
          expect(Math.abs(g[name as 'update']![t]! - row.reduce((a, b) => a + b, 0) / row.length)).toBeLessThan(1e-6);
          expect(g.open[name as 'update']![t]).toBe(row.filter((v) => v > 0.9).length / row.length);
          expect(g.shut[name as 'update']![t]).toBe(row.filter((v) => v < 0.1).length / row.length);
        });
      }
    }
  });
});

/** Gates by the notation's names from tf ops on the Keras arrays ([layer] → name → [time][unit]). */
function referenceGates(params: Params, ids: number[]): Array<Record<string, number[][]>> {
  const c = params.config;
  const H = c.hidden;
  const k = params.toKeras();
  const out: Array<Record<string, number[][]>> = [];
  let xs = tf.tensor2d(Float32Array.from(ids.flatMap((id) => Array.from(oneHot64(id, c.vocabSize)))), [ids.length, c.vocabSize]); // [time, vocab]
  for (let l = 0; l < c.layers; l++) {
    const kernel = tf.tensor2d(k[3 * l]!, [l === 0 ? c.vocabSize : H, k[3 * l + 2]!.length]);
    const rec = tf.tensor2d(k[3 * l + 1]!, [H, k[3 * l + 2]!.length]);
    const bias = tf.tensor1d(k[3 * l + 2]!);
    let h: tf.Tensor = tf.zeros([1, H]);
    let cs: tf.Tensor = tf.zeros([1, H]);
    const gates: Record<string, number[][]> = c.cell === 'lstm' ? { update: [], forget: [], output: [] } : { update: [], reset: [] };
    const hs: tf.Tensor[] = [];
    for (let t = 0; t < ids.length; t++) {
      const step = referenceStep(c.cell, tf.slice(xs, [t, 0], [1, -1]), h, cs, kernel, rec, bias);
      ({ h, cs } = step);
      const g = (k: string) => Array.from(step.gates[k]!.dataSync());
      if (c.cell === 'lstm') {
        gates.update!.push(g('i'));
        gates.forget!.push(g('f'));
        gates.output!.push(g('o'));
      } else {
        gates.update!.push(g('z').map((v) => 1 - v)); // Γu = 1 − z in Keras's form
        gates.reset!.push(g('r'));
      }
      hs.push(h);
    }
    xs = tf.concat(hs, 0) as tf.Tensor2D; // [time, H]
    out.push(gates);
  }
  return out;
}

describe('influence with the recurrent weights at zero', () => {
  const zeroRecurrent = (cell: CellKind) => {
    const p = Params.init(config(cell), new Rng(5));
    for (let l = 0; l < 2; l++) {
      const k = p.layerToKeras(l);
      p.setLayerFromKeras(l, k.kernel, new Float32Array(k.recurrent.length), k.bias);
    }
    return p;
  };

  it('a plain RNN looks at the current input only: zero beyond d = 0', () => {
    const r = inside(zeroRecurrent('rnn'), vocab, TEXT);
    expect(r.influence[r.at]).toBeGreaterThan(0);
    for (let k = 0; k < r.at; k++) expect(r.influence[k]).toBe(0);
    const flow = gradientFlow(zeroRecurrent('rnn'), [EOS_ID, ...vocab.encode(TEXT.repeat(4)).ids, EOS_ID], { maxDistance: 10, positions: 5 });
    expect(flow.mean[0]).toBeGreaterThan(0);
    expect(flow.mean.slice(1).every((v) => v === 0)).toBe(true);
    expect(flow.onePercent).toBeNull(); // nothing at d = 1 to fall from
  });

  it('an LSTM still looks back through its cell state (c<t> = Γf * c<t-1> + …)', () => {
    const r = inside(zeroRecurrent('lstm'), vocab, TEXT);
    for (let k = 1; k < r.at; k++) expect(r.influence[k]).toBeGreaterThan(0);
  });
});

describe('gradientFlow', () => {
  it('averages influence by distance over evenly spread predictions, each measured back to its sequence start', () => {
    const params = Params.init(config('gru', 1, 4), new Rng(2));
    // Two sequences of 12 characters: [EOS, 12 chars, EOS, 12 chars, EOS]
    const seq = [...vocab.encode('abcdabcdabcd').ids];
    const ids = [EOS_ID, ...seq, EOS_ID, ...seq, EOS_ID];
    const flow = gradientFlow(params, ids, { maxDistance: 5, positions: 4, warmup: 0 });
    // n = 26 predictions; picks at floor((i + 0.5) · 26 / 4) = 3, 9, 16, 22
    // 3: start 0, distances 0..3; 9: start 4 (9 − 5), 0..5; 16: start 13 (the <EOS>), 0..3; 22: 0..5
    expect(flow.positions).toBe(4);
    expect(flow.count).toEqual([4, 4, 4, 4, 2, 2]);
    // the mean at d is the mean of inside's influence at N − d, recomputed from each start
    const net = new Unrolled(params);
    const manual = (N: number, start: number, d: number) => {
      const xs = ids.slice(start, N + 1);
      const g = net.inputGradient(net.forward(xs), N - start, ids[N + 1]!);
      return Math.hypot(...g[N - start - d]!);
    };
    expect(flow.mean[2]).toBeCloseTo((manual(3, 0, 2) + manual(9, 4, 2) + manual(16, 13, 2) + manual(22, 17, 2)) / 4, 12);
    expect(flow.mean[5]).toBeCloseTo((manual(9, 4, 5) + manual(22, 17, 5)) / 2, 12);
  });

  it('fallsTo: the first measured distance at or below the share of d = 1', () => {
    expect(fallsTo([5, 1, 0.5, 0.009], [1, 1, 1, 1], 0.01)).toBe(3);
    expect(fallsTo([5, 1, 0, 0.02], [1, 1, 0, 1], 0.01)).toBeNull(); // d = 2 was not measured
    expect(fallsTo([5, 1, 0.5], [1, 1, 1], 0.01)).toBeNull();
  });
});

it('inside: --at outside the text is a clear error', () => {
  const params = Params.init(config('lstm', 1, 3), new Rng(1));
  expect(() => inside(params, vocab, 'ab', { at: 3 })).toThrow(/--at 3 is outside the text: positions run 0 \(<EOS>\) to 2/);
  expect(inside(params, vocab, 'ab', { at: 0 }).target).toBe('a');
  expect(inside(params, vocab, 'ab').target).toBe('<EOS>');
});
