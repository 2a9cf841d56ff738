// GRU cell as Keras/TF.js computes it (reset_after = false; gate order z, r, h):
//   z = σ([x, 1, a]·W_z),  r = σ([x, 1, a]·W_r),  ã = tanh([x, 1, r * a]·W_h)
//   a<t> = z * a<t-1> + (1 − z) * ã
// [x, 1, s]·W_g = px_g + s·W_h,g, with px_g given for the step (cell.ts).
// Backward by hand; pinned against tf.layers.gru (forward) and autodiff (gradients).

import * as tf from '@tensorflow/tfjs-core';
import type { BackOut, Cell, LayerTensors, StepOut } from './cell.js';
import { dSigmoid, dTanh, tanh } from './ops.js';

export const gru: Cell = {
  stateSize: 1,
  sOf: [0, 0, 1],

  forward(w: LayerTensors, px, [hPrev]): StepOut {
    const z = tf.sigmoid(tf.add(px[0]!, tf.matMul(hPrev!, w.Wh[0]!)));
    const r = tf.sigmoid(tf.add(px[1]!, tf.matMul(hPrev!, w.Wh[1]!)));
    const rh = tf.mul(r, hPrev!); // [B, H]
    const hh = tanh(tf.add(px[2]!, tf.matMul(rh, w.Wh[2]!)));
    const h = tf.add(hh, tf.mul(z, tf.sub(hPrev!, hh)));
    return { h, state: [h], cache: { s: [hPrev!, rh], zg: z, r, hh, hPrev: hPrev! } };
  },

  backward(w, cache, dh): BackOut {
    const { zg, r, hh, hPrev } = cache as unknown as Record<string, tf.Tensor>;
    const dzz = tf.mul(tf.mul(dh, tf.sub(hPrev!, hh!)), dSigmoid(zg!));
    const dzh = tf.mul(tf.mul(dh, tf.sub(1, zg!)), dTanh(hh!));
    const drh = tf.matMul(dzh, w.WhT[2]!); // gradient w.r.t. r * a<t-1>
    const dzr = tf.mul(tf.mul(drh, hPrev!), dSigmoid(r!));
    const dhPrev = tf.addN([tf.mul(dh, zg!), tf.mul(drh, r!), tf.matMul(dzz, w.WhT[0]!), tf.matMul(dzr, w.WhT[1]!)]);
    return { dGates: [dzz, dzr, dzh], dState: [dhPrev] };
  },
};
