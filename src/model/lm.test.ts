import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node/backend.js';
import type { Window } from '../text/corpus.js';
import { Rng } from '../common/rng.js';
import { layersModel } from './keras.js';
import { oneHotWindow, referenceLoss } from '../testing/reference.js';
import { EOS_ID } from '../text/tokenizer.js';
import { maxAbsDiff, randomParams, randomWindow } from '../testing/random.js';
import { CELLS, type ModelConfig } from './config.js';
import { runWindow, setFusedGates, zeroState } from './lm.js';
import { resetOps } from './ops.js';
import { Params } from './params.js';

describe.each(['cpu', 'wasm'] as const)('stacked model on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
    resetOps();
  });

  it.each(CELLS)('%s forward equals tf.layers (2 layers) to 1e-5', async (cell) => {
    const c: ModelConfig = { cell, layers: 2, hidden: 6, vocabSize: 7, dropout: 0 };
    const p = randomParams(c, 3);
    const win = randomWindow(3, 8, c.vocabSize, 4);
    const ours = await runWindow(p, win, zeroState(c, 3), { train: false, wantLogProbs: true });
    const model = layersModel(c, p.toKeras());
    const probs = tf.tidy(() => (model.predict(oneHotWindow(win, c.vocabSize)) as tf.Tensor).arraySync() as number[][][]);
    const theirs = Array.from({ length: 3 * 8 }, (_, i) => probs[Math.floor(i / 8)]![i % 8]![win.targets[i]!]!);
    const mine = Array.from(ours.logProbs!, Math.exp);
    expect(maxAbsDiff(mine, theirs)).toBeLessThan(1e-5);
    model.dispose();
  });
});

describe('gradients', () => {
  beforeAll(async () => {
    await initBackend('cpu');
    resetOps();
  });

  it.each(CELLS.flatMap((cell) => [2, 3].map((layers) => [cell, layers] as const)))(
    '%s × %i layers: backward matches autodiff, with an <EOS> reset mid-window',
    async (cell, layers) => {
      // The input part of each layer's gates is computed for the whole window (projection.ts):
      // a lookup for layer 0, one matmul per gate above; so is the gradient w.r.t. each input.
      const c: ModelConfig = { cell, layers, hidden: 5, vocabSize: 6, dropout: 0 };
      const p = randomParams(c, 11);
      const win = randomWindow(2, 7, c.vocabSize, 12, [3]);
      const ours = await runWindow(p, win, zeroState(c, 2), { train: true, lossScale: 0.5 });
      const vars = p.toKeras().map((w, i) => tf.tensor(w, layersModel(c, p.toKeras()).getWeights()[i]!.shape));
      const g = tf.grads((...vs: tf.Tensor[]) => referenceLoss(c, vs, win, 0.5));
      const refLoss = referenceLoss(c, vars, win, 1).dataSync()[0]!;
      expect(ours.loss).toBeCloseTo(refLoss, 4);
      const ref = g(vars).map((t) => t.dataSync() as Float32Array);
      const mine = new Params(c, ours.grads!).toKeras();
      ref.forEach((r, i) => {
        const scale = Math.max(...Array.from(r, Math.abs));
        expect(scale).toBeGreaterThan(0);
        expect(maxAbsDiff(mine[i]!, r) / scale).toBeLessThan(1e-3);
      });
    },
  );

  it('carried state: two windows equal one long window (forward)', async () => {
    const c: ModelConfig = { cell: 'lstm', layers: 2, hidden: 4, vocabSize: 5, dropout: 0 };
    const p = randomParams(c, 5);
    const long = randomWindow(1, 10, 5, 6, [4]);
    long.weights.fill(1);
    const whole = await runWindow(p, long, zeroState(c, 1), { train: false });
    const half = (k: number): Window => ({
      batch: 1,
      time: 5,
      inputs: long.inputs.slice(5 * k, 5 * k + 5),
      targets: long.targets.slice(5 * k, 5 * k + 5),
      weights: long.weights.slice(5 * k, 5 * k + 5),
    });
    const a = await runWindow(p, half(0), zeroState(c, 1), { train: false });
    const b = await runWindow(p, half(1), a.state, { train: false });
    expect(a.loss + b.loss).toBeCloseTo(whole.loss, 4);
  });
});

describe('loss', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('hand-worked: zero weights give softmax(output bias) at every step', async () => {
    // Stream of ["ab", "c"]: E a b E c E; vocabulary E U a b c → ids 0 1 2 3 4.
    const c: ModelConfig = { cell: 'lstm', layers: 1, hidden: 3, vocabSize: 5, dropout: 0 };
    const p = new Params(c);
    const bias = [0.5, -1, 1, 0, 2];
    p.view('out', 3).set(bias);
    const stream = [0, 2, 3, 0, 4, 0];
    const win: Window = {
      batch: 1,
      time: 5,
      inputs: Int32Array.from(stream.slice(0, 5)),
      targets: Int32Array.from(stream.slice(1)),
      weights: new Float32Array(5).fill(1),
    };
    const z = bias.reduce((a, b) => a + Math.exp(b), 0);
    const logp = (id: number) => bias[id]! - Math.log(z);
    const expected = -(logp(2) + logp(3) + logp(0) + logp(4) + logp(0));
    const r = await runWindow(p, win, zeroState(c, 1), { train: false });
    expect(r.count).toBe(5);
    expect(r.loss).toBeCloseTo(expected, 5);
  });
});

describe('LSTM with its four gates in one matmul (the path for webgpu and tensorflow)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    resetOps();
  });
  afterAll(() => setFusedGates(undefined));

  it('gives the per-gate loss, gradients and carried state (2 layers, <EOS> reset)', async () => {
    const c: ModelConfig = { cell: 'lstm', layers: 2, hidden: 8, vocabSize: 7, dropout: 0 };
    const p = randomParams(c, 5);
    const win = randomWindow(3, 9, c.vocabSize, 6, [4]);
    const state = zeroState(c, 3);
    state[1]![1]!.fill(0.3);
    setFusedGates(false);
    const a = await runWindow(p, win, state, { train: true, lossScale: 1 / 3 });
    setFusedGates(true);
    const b = await runWindow(p, win, state, { train: true, lossScale: 1 / 3 });
    expect(Math.abs(b.loss - a.loss) / a.loss).toBeLessThan(1e-6);
    const scale = Math.max(...Array.from(a.grads!, Math.abs));
    expect(maxAbsDiff(Array.from(b.grads!), Array.from(a.grads!)) / scale).toBeLessThan(1e-5);
    expect(
      maxAbsDiff(
        b.state.flat().flatMap((x) => Array.from(x)),
        a.state.flat().flatMap((x) => Array.from(x)),
      ),
    ).toBeLessThan(1e-6);
    expect(scale).toBeGreaterThan(0);
  });
});

describe('loss on the device (the webgpu path), on wasm', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    resetOps();
  });

  it.each([false, true])('equals the loss in JS: loss, gradients, state and log-probabilities (train %s)', async (train) => {
    const c: ModelConfig = { cell: 'lstm', layers: 2, hidden: 8, vocabSize: 7, dropout: 0 };
    const p = randomParams(c, 8);
    const win = randomWindow(3, 9, c.vocabSize, 9, [5]);
    const o = { train, lossScale: 1 / 3, wantLogProbs: true };
    const js = await runWindow(p, win, zeroState(c, 3), { ...o, deviceLoss: false });
    const dev = await runWindow(p, win, zeroState(c, 3), { ...o, deviceLoss: true });
    expect(dev.count).toBe(js.count);
    expect(dev.count).toBe(3 * 9 - 1); // the padded position does not count
    expect(Math.abs(dev.loss - js.loss) / js.loss).toBeLessThan(1e-6);
    expect(maxAbsDiff(dev.logProbs!, js.logProbs!)).toBeLessThan(1e-5);
    expect(
      maxAbsDiff(
        dev.state.flat().flatMap((x) => Array.from(x)),
        js.state.flat().flatMap((x) => Array.from(x)),
      ),
    ).toBe(0);
    if (train) {
      const scale = Math.max(...Array.from(js.grads!, Math.abs));
      expect(maxAbsDiff(dev.grads!, js.grads!) / scale).toBeLessThan(1e-5);
    }
  });
});
