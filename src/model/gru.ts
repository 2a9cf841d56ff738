// GRU cell as Keras/TF.js computes it (reset_after = false; gate order z, r, h):
//   z = σ([x, 1, a]·W_z),  r = σ([x, 1, a]·W_r),  ã = tanh([x, 1, r * a]·W_h)
//   a<t> = z * a<t-1> + (1 − z) * ã
// Backward by hand; pinned against tf.layers.gru (forward) and autodiff (gradients).

import * as tf from '@tensorflow/tfjs';
import type { BackOut, Cell, LayerTensors, StepOut } from './cell.js';
import { dSigmoid, dTanh, tanh } from './ops.js';

export const gru: Cell = {
  stateSize: 1,
  zOf: [0, 0, 1],

  forward(w: LayerTensors, x, one, [hPrev]): StepOut {
    const zx = tf.concat([x, one, hPrev!], 1); // [B, I + 1 + H]
    const z = tf.sigmoid(tf.matMul(zx, w.W[0]!));
    const r = tf.sigmoid(tf.matMul(zx, w.W[1]!));
    const zh = tf.concat([x, one, tf.mul(r, hPrev!)], 1); // [B, I + 1 + H]
    const hh = tanh(tf.matMul(zh, w.W[2]!));
    const h = tf.add(hh, tf.mul(z, tf.sub(hPrev!, hh)));
    return { h, state: [h], cache: { z: [zx, zh], zg: z, r, hh, hPrev: hPrev! } };
  },

  backward(w, cache, dh, _carry, needDx): BackOut {
    const { zg, r, hh, hPrev } = cache as unknown as Record<string, tf.Tensor>;
    const dzz = tf.mul(tf.mul(dh, tf.sub(hPrev!, hh!)), dSigmoid(zg!));
    const dzh = tf.mul(tf.mul(dh, tf.sub(1, zg!)), dTanh(hh!));
    const drh = tf.matMul(dzh, w.WhT[2]!); // gradient w.r.t. r * a<t-1>
    const dzr = tf.mul(tf.mul(drh, hPrev!), dSigmoid(r!));
    const dhPrev = tf.addN([tf.mul(dh, zg!), tf.mul(drh, r!), tf.matMul(dzz, w.WhT[0]!), tf.matMul(dzr, w.WhT[1]!)]);
    const dGates = [dzz, dzr, dzh];
    const dx = needDx ? tf.addN(dGates.map((d, k) => tf.matMul(d, w.WxT[k]!))) : undefined;
    return { dGates, dState: [dhPrev], dx };
  },
};
