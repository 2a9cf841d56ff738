import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node/backend.js';
import type { Window } from '../text/corpus.js';
import { Rng } from '../common/rng.js';
import { referenceLoss } from '../testing/reference.js';
import { EOS_ID } from '../text/tokenizer.js';
import { maxAbsDiff, randomParams, randomWindow } from '../testing/random.js';
import { classDistribution, frequencyClasses } from './classes.js';
import type { ModelConfig } from './config.js';
import { runWindow, zeroState } from './lm.js';
import { resetOps } from './ops.js';
import { kerasShapes, Params } from './params.js';
import { Stepper } from './stepper.js';

/** A factored config: V tokens in C classes by made-up, skewed counts. */
function factoredConfig(cell: ModelConfig['cell'], layers: number, hidden: number, V: number, C: number): ModelConfig {
  const counts = Array.from({ length: V }, (_, i) => Math.round(100 / (i + 1)));
  return { cell, layers, hidden, vocabSize: V, dropout: 0, classOf: Array.from(frequencyClasses(counts, C).classOf) };
}

describe('factored output layer: the parameters', () => {
  it('add a class layer [H + 1, C] after the output layer, in Keras order too', () => {
    const c = factoredConfig('lstm', 1, 4, 9, 3);
    const p = new Params(c);
    expect(p.spec('cls')).toMatchObject({ rows: 5, cols: 3, offset: p.spec('out').offset + 5 * 9 });
    expect(kerasShapes(c).slice(-2)).toEqual([[4, 3], [3]]);
    const q = randomParams(c, 1);
    expect(Array.from(Params.fromKeras(c, q.toKeras()).data)).toEqual(Array.from(q.data));
  });
});

describe.each(['cpu', 'wasm'] as const)('factored output layer on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
    resetOps();
  });

  it.each([
    ['lstm', 1],
    ['lstm', 2],
    ['gru', 2],
  ] as const)('%s × %i: loss and gradients equal autodiff of the factored softmax', async (cell, layers) => {
    const c = factoredConfig(cell, layers, 5, 11, 4);
    const p = randomParams(c, 21);
    const win = randomWindow(3, 7, c.vocabSize, 22, [4]);
    const ours = await runWindow(p, win, zeroState(c, 3), { train: true, lossScale: 0.5 });
    const shapes = kerasShapes(c);
    const vars = p.toKeras().map((w, i) => tf.tensor(w, shapes[i]!));
    expect(ours.loss).toBeCloseTo(referenceLoss(c, vars, win, 1).dataSync()[0]!, 4);
    expect(ours.count).toBe(3 * 7 - 1);
    const ref = tf
      .grads((...vs: tf.Tensor[]) => referenceLoss(c, vs, win, 0.5))(vars)
      .map((t) => t.dataSync() as Float32Array);
    const mine = new Params(c, ours.grads!).toKeras();
    expect(mine.length).toBe(ref.length);
    ref.forEach((r, i) => {
      const scale = Math.max(...Array.from(r, Math.abs));
      expect(scale).toBeGreaterThan(0);
      expect(maxAbsDiff(mine[i]!, r) / scale).toBeLessThan(1e-3);
    });
  });

  it("the batched log P(target) equals the stepper's, whose distribution sums to 1 and equals the float64 reference", async () => {
    const c = factoredConfig('lstm', 2, 6, 13, 4);
    const p = randomParams(c, 31);
    const T = 12;
    const win = randomWindow(1, T, c.vocabSize, 32, [4]);
    win.inputs.set([EOS_ID], 4); // the stepper starts over at <EOS> as training does
    const batched = await runWindow(p, win, zeroState(c, 1), { train: false, wantLogProbs: true });
    const s = new Stepper(p, 'js');
    const out = p.view('out');
    const cls = p.view('cls');
    const k = frequencyClasses(
      Array.from({ length: 13 }, (_, i) => Math.round(100 / (i + 1))),
      4,
    );
    for (let t = 0; t < T; t++) {
      if (win.inputs[t] === EOS_ID) s.reset();
      const lp = s.step(win.inputs[t]!);
      expect(Math.abs(lp.reduce((a, x) => a + Math.exp(x), 0) - 1)).toBeLessThan(1e-9);
      expect(maxAbsDiff(lp, classDistribution(s.state(1).h, out, cls, k))).toBeLessThan(1e-9);
      expect(Math.abs(lp[win.targets[t]!]! - batched.logProbs![t]!)).toBeLessThan(1e-5);
    }
    s.dispose();
  });

  it('the stepper’s log P of the target alone equals its full distribution’s, flat and factored', () => {
    for (const c of [factoredConfig('gru', 2, 6, 13, 4), { ...factoredConfig('lstm', 1, 5, 9, 3), classOf: undefined }]) {
      const p = randomParams(c, 37);
      const full = new Stepper(p, 'js');
      const one = new Stepper(p, 'js');
      const ids = [EOS_ID, 3, 7, 2, 2, 5, EOS_ID, 8, 1, 4, 6, 0];
      for (let t = 0; t + 1 < ids.length; t++) {
        if (ids[t] === EOS_ID) [full, one].forEach((s) => s.reset());
        const want = full.step(ids[t]!)[ids[t + 1]!]!;
        expect(Math.abs(one.logProbOf(ids[t]!, ids[t + 1]!) - want)).toBeLessThan(1e-12);
      }
    }
  });
});
