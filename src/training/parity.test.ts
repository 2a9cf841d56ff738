// Trajectory parity: rnnlm's trainer against an independent one built from TF.js's own
// pieces — tf.layers LSTMs with state carried between windows, autodiff (tf.variableGrads),
// global-norm clipping and tf.train.adam — from the same initial weights over the same
// windows. Per-step losses must agree for 30 steps, on one worker and on two.

import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node/backend.js';
import { buildCorpus, rowBounds, windowAt, windowCount } from '../text/corpus.js';
import { readText } from '../node/textfile.js';
import { ADAM } from '../model/adam.js';
import type { ModelConfig } from '../model/config.js';
import { resetOps } from '../model/ops.js';
import { Params } from '../model/params.js';
import { Rng } from '../common/rng.js';
import { syllableText, tempDir, tinyRequest, trainRecording, writeCorpus } from '../testing/fixtures.js';

const STEPS = 30;
const T = {
  seqLen: 12,
  batchSize: 6,
  lr: 0.01,
  warmup: 5,
  clip: 1,
  seed: 11,
  epochs: 100,
  evalEvery: 1000,
  patience: 0,
  valFraction: 0,
  split: 'tail',
  shuffle: false,
  schedule: 'plateau',
} as const;
const MODEL = { cell: 'lstm', layers: 2, hidden: 16, dropout: 0 } as const;

/** The reference: per-step losses (nats/char) of the same run done with tf.layers, autodiff and tf.train.adam. */
function referenceTrajectory(corpusPath: string): number[] {
  const corpus = buildCorpus(readText(corpusPath), corpusPath, { segmentation: 'document', minCount: 1, valFraction: 0 });
  const V = corpus.vocab.size;
  const c: ModelConfig = { ...MODEL, vocabSize: V };
  const init = Params.init(c, new Rng(T.seed)).toKeras(); // the trainer's initialisation
  const H = c.hidden;
  const lstms = [0, 1].map((l) =>
    tfl.layers.lstm({ units: H, returnSequences: true, returnState: true, recurrentActivation: 'sigmoid', inputShape: [null, l === 0 ? V : H] }),
  );
  const dense = tfl.layers.dense({ units: V });
  // Build, then load the same weights.
  tf.tidy(() => {
    let x: tf.Tensor = tf.zeros([1, 1, V]);
    for (const layer of lstms) x = (layer.apply(x) as tf.Tensor[])[0]!;
    dense.apply(x);
  });
  lstms.forEach((layer, l) => layer.setWeights(init.slice(3 * l, 3 * l + 3).map((w, i) => tf.tensor(w, layer.getWeights()[i]!.shape))));
  dense.setWeights([tf.tensor(init[6]!, [H, V]), tf.tensor(init[7]!, [V])]);
  const vars = [...lstms, dense].flatMap((layer) => layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val));
  const opt = tf.train.adam(T.lr, ADAM.beta1, ADAM.beta2, ADAM.eps);

  const bounds = rowBounds(corpus.train, T.batchSize);
  const B = bounds.length;
  const W = windowCount(bounds, T.seqLen);
  let state: tf.Tensor[] = [];
  const losses: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    const k = step % W;
    if (k === 0) {
      tf.dispose(state);
      state = [0, 1, 2, 3].map(() => tf.zeros([B, H])); // h, c of each layer
    }
    const win = windowAt(corpus.train, bounds, T.seqLen, k);
    let next: tf.Tensor[] = [];
    let nats = 0;
    const { grads } = tf.variableGrads(() => {
      const x = tf.cast(tf.oneHot(tf.tensor2d(win.inputs, [B, T.seqLen], 'int32'), V), 'float32'); // [batch, time, vocab]
      let h: tf.Tensor = x;
      const carried: tf.Tensor[] = [];
      lstms.forEach((layer, l) => {
        const [seq, hT, cT] = layer.apply(h, { initialState: [state[2 * l]!, state[2 * l + 1]!] }) as tf.Tensor[];
        h = seq!; // [batch, time, hidden]
        carried.push(hT!, cT!);
      });
      next = carried.map((s) => tf.keep(s.clone()));
      const logits = dense.apply(h) as tf.Tensor; // [batch, time, vocab]
      const y = tf.cast(tf.oneHot(tf.tensor2d(win.targets, [B, T.seqLen], 'int32'), V), 'float32');
      const perPos = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), y), -1)); // [batch, time]
      const summed = tf.sum(tf.mul(perPos, tf.tensor2d(win.weights, [B, T.seqLen])));
      nats = summed.dataSync()[0]!;
      return tf.div(summed, B) as tf.Scalar; // summed over time, mean over rows
    }, vars);
    // Clip by global norm, as rnnlm does, then Adam with the warm-up rate.
    const names = Object.keys(grads);
    const norm = Math.sqrt(names.reduce((a, n) => a + tf.sum(tf.square(grads[n]!)).dataSync()[0]!, 0));
    const scale = norm > T.clip ? T.clip / norm : 1;
    const clipped = Object.fromEntries(names.map((n) => [n, tf.mul(grads[n]!, scale)]));
    (opt as unknown as { learningRate: number }).learningRate = T.lr * Math.min(1, (step + 1) / T.warmup);
    opt.applyGradients(clipped);
    tf.dispose([...Object.values(grads), ...Object.values(clipped), ...state]);
    state = next;
    let count = 0;
    for (const w of win.weights) count += w;
    losses.push(nats / count);
  }
  tf.dispose(state);
  opt.dispose();
  [...lstms, dense].forEach((l) => l.dispose());
  return losses;
}

describe('trajectory parity with a tf.layers + autodiff + tf.train.adam trainer', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    resetOps();
  });

  it.each([1, 2])('%s worker(s): the same per-step losses for 30 steps (1e-3 relative)', async (workers) => {
    const dir = tempDir();
    const corpus = writeCorpus(dir, syllableText(600, 5).replace(/\n/g, ' '));
    const ours = await trainRecording(tinyRequest(corpus, join(dir, 'ck'), { maxSteps: STEPS, segmentation: 'document', workers, model: MODEL }, T));
    const ref = referenceTrajectory(corpus);
    expect(ours.losses.length).toBe(STEPS);
    const rel = ours.losses.map((l, i) => Math.abs(l - ref[i]!) / ref[i]!);
    expect(Math.max(...rel)).toBeLessThan(1e-3);
    // It learned: the last losses are well below the first.
    expect(ref[STEPS - 1]!).toBeLessThan(0.92 * ref[0]!);
    console.log(
      `parity, ${workers} worker(s): max relative difference ${Math.max(...rel).toExponential(2)}, loss ${ref[0]!.toFixed(3)} → ${ref[STEPS - 1]!.toFixed(3)}`,
    );
  });
});
