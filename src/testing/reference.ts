// Independent references for tests: the same network built from tf.layers (forward), and a
// plain step-by-step TF.js implementation in Keras weight layout whose gradients come from
// autodiff. Neither shares code with src/model beyond the Params ↔ Keras conversion.

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Window } from '../text/corpus.js';
import type { CellKind, ModelConfig } from '../model/config.js';
import { EOS_ID } from '../text/tokenizer.js';

/** One-hot inputs of a window as [batch, time, vocab]. */
export function oneHotWindow(win: Window, V: number): tf.Tensor3D {
  return tf.cast(tf.oneHot(tf.tensor2d(win.inputs, [win.batch, win.time], 'int32'), V), 'float32') as tf.Tensor3D;
}

/**
 * Summed weighted cross-entropy of a window computed step by step in Keras layout, with the
 * state zeroed wherever the input is <EOS>. `vars` are the toKeras() weights as tensors.
 */
export function referenceLoss(c: ModelConfig, vars: tf.Tensor[], win: Window, scale: number): tf.Scalar {
  const { batch: B, time: T } = win;
  const H = c.hidden;
  const x = oneHotWindow(win, c.vocabSize);
  let inputs: tf.Tensor[] = tf.unstack(x, 1); // T × [B, V]
  const keepAt = (t: number) =>
    tf.tensor2d(
      Array.from({ length: B }, (_, b) => (win.inputs[b * T + t] === EOS_ID ? 0 : 1)),
      [B, 1],
    );
  for (let l = 0; l < c.layers; l++) {
    const [kernel, rec, bias] = [vars[3 * l]!, vars[3 * l + 1]!, vars[3 * l + 2]!];
    let h: tf.Tensor = tf.zeros([B, H]);
    let cs: tf.Tensor = tf.zeros([B, H]);
    const outs: tf.Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const keep = keepAt(t);
      h = tf.mul(h, keep);
      cs = tf.mul(cs, keep);
      ({ h, cs } = referenceStep(c.cell, inputs[t]!, h, cs, kernel, rec, bias));
      outs.push(h);
    }
    inputs = outs;
  }
  const [wOut, bOut] = [vars[3 * c.layers]!, vars[3 * c.layers + 1]!];
  let total: tf.Tensor = tf.scalar(0);
  for (let t = 0; t < T; t++) {
    const logp = c.classOf
      ? factoredLogSoftmax(c.classOf, inputs[t]!, wOut, bOut, vars[3 * c.layers + 2]!, vars[3 * c.layers + 3]!)
      : tf.logSoftmax(tf.add(tf.matMul(inputs[t]!, wOut), bOut));
    const y = tf.oneHot(
      tf.tensor1d(
        Array.from({ length: B }, (_, b) => win.targets[b * T + t]!),
        'int32',
      ),
      c.vocabSize,
    );
    const w = tf.tensor1d(Array.from({ length: B }, (_, b) => win.weights[b * T + t]!));
    total = tf.add(total, tf.neg(tf.sum(tf.mul(tf.sum(tf.mul(logp, y), 1), w))));
  }
  return tf.mul(total, scale) as tf.Scalar;
}

/**
 * ln P(w | h) [B, V] of a class-factored output layer in TF.js ops, by a class membership
 * matrix M [V, C]: log-softmax over the classes, plus each logit minus the log-sum-exp of its
 * class's logits (per class: ln(exp(l − max)·M) + max).
 */
function factoredLogSoftmax(classOf: number[], h: tf.Tensor, wOut: tf.Tensor, bOut: tf.Tensor, wCls: tf.Tensor, bCls: tf.Tensor): tf.Tensor {
  const C = Math.max(...classOf) + 1;
  const M = tf.cast(tf.oneHot(tf.tensor1d(classOf, 'int32'), C), 'float32'); // [V, C]
  const cls = tf.logSoftmax(tf.add(tf.matMul(h, wCls), bCls)); // [B, C]
  const l = tf.add(tf.matMul(h, wOut), bOut); // [B, V]
  const max = tf.max(l, 1, true);
  const lse = tf.add(tf.log(tf.matMul(tf.exp(tf.sub(l, max)), M)), max); // [B, C]
  return tf.add(tf.sub(l, tf.matMul(lse, M, false, true)), tf.matMul(cls, M, false, true)); // [B, V]
}

/**
 * One step of a cell in TF.js ops on the Keras arrays (kernel [I, G·H], recurrent [H, G·H],
 * bias [G·H]; GRU with reset_after = false), with its gate activations by Keras name.
 */
export function referenceStep(
  cell: CellKind,
  xt: tf.Tensor,
  h: tf.Tensor,
  cs: tf.Tensor,
  kernel: tf.Tensor,
  rec: tf.Tensor,
  bias: tf.Tensor,
): { h: tf.Tensor; cs: tf.Tensor; gates: Record<string, tf.Tensor> } {
  if (cell === 'lstm') {
    const zz = tf.add(tf.add(tf.matMul(xt, kernel), tf.matMul(h, rec)), bias);
    const [i, f, g, o] = tf.split(zz, 4, 1).map((q, n) => (n === 2 ? tf.tanh(q) : tf.sigmoid(q)));
    const c2 = tf.add(tf.mul(f!, cs), tf.mul(i!, g!));
    return { h: tf.mul(o!, tf.tanh(c2)), cs: c2, gates: { i: i!, f: f!, c: g!, o: o! } };
  }
  if (cell === 'gru') {
    const [xZ, xR, xH] = tf.split(tf.add(tf.matMul(xt, kernel), bias), 3, 1);
    const [rZ, rR, rH] = tf.split(rec, 3, 1);
    const z = tf.sigmoid(tf.add(xZ!, tf.matMul(h, rZ!)));
    const r = tf.sigmoid(tf.add(xR!, tf.matMul(h, rR!)));
    const hh = tf.tanh(tf.add(xH!, tf.matMul(tf.mul(r, h), rH!)));
    return { h: tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh)), cs, gates: { z, r, h: hh } };
  }
  const a = tf.tanh(tf.add(tf.add(tf.matMul(xt, kernel), tf.matMul(h, rec)), bias));
  return { h: a, cs, gates: { h: a } };
}
