// LSTM cell (Keras/TF.js gate order i, f, c, o; sigmoid recurrent activation):
//   i = σ(z·W_i), f = σ(z·W_f), c~ = tanh(z·W_c), o = σ(z·W_o),   z = [x, 1, a<t-1>]
//   c<t> = i * c~ + f * c<t-1>,   a<t> = o * tanh(c<t>)
// Backward by hand; pinned against tf.layers.lstm (forward) and autodiff (gradients).

import * as tf from '@tensorflow/tfjs';
import type { BackOut, Cell, LayerTensors, StepOut } from './cell.js';
import { dSigmoid, dTanh, tanh } from './ops.js';

export const lstm: Cell = {
  stateSize: 2,
  zOf: [0, 0, 0, 0],

  forward(w: LayerTensors, x, one, [hPrev, cPrev]): StepOut {
    const z = tf.concat([x, one, hPrev!], 1); // [B, I + 1 + H]
    // One matmul for the four gates, then their pre-activations apart: 4 × [B, H].
    const [ai, af, ag, ao] = w.Wcat ? tf.split(tf.matMul(z, w.Wcat), 4, 1) : w.W.map((W) => tf.matMul(z, W));
    const i = tf.sigmoid(ai!);
    const f = tf.sigmoid(af!);
    const g = tanh(ag!);
    const o = tf.sigmoid(ao!);
    const c = tf.add(tf.mul(f, cPrev!), tf.mul(i, g));
    const tc = tanh(c);
    const h = tf.mul(o, tc);
    return { h, state: [h, c], cache: { z: [z], i, f, g, o, cPrev: cPrev!, tc } };
  },

  backward(w, cache, dh, [dcNext], needDx): BackOut {
    const { i, f, g, o, cPrev, tc } = cache as unknown as Record<string, tf.Tensor>;
    const dzo = tf.mul(tf.mul(dh, tc!), dSigmoid(o!));
    const dcFromH = tf.mul(tf.mul(dh, o!), dTanh(tc!));
    const dc = dcNext ? tf.add(dcNext, dcFromH) : dcFromH;
    const dzi = tf.mul(tf.mul(dc, g!), dSigmoid(i!));
    const dzg = tf.mul(tf.mul(dc, i!), dTanh(g!));
    const dzf = tf.mul(tf.mul(dc, cPrev!), dSigmoid(f!));
    const dGates = [dzi, dzf, dzg, dzo];
    // Σ_g dZ_g · W_gᵀ as one matmul: [B, 4H] · [4H, H].
    const dAll = w.WhTcat ? tf.concat(dGates, 1) : null;
    const dhPrev = dAll ? tf.matMul(dAll, w.WhTcat!) : tf.addN(dGates.map((d, k) => tf.matMul(d, w.WhT[k]!)));
    const dcPrev = tf.mul(dc, f!);
    const dx = needDx ? (dAll && w.WxTcat ? tf.matMul(dAll, w.WxTcat) : tf.addN(dGates.map((d, k) => tf.matMul(d, w.WxT[k]!)))) : undefined;
    return { dGates, dState: [dhPrev, dcPrev], dx };
  },
};
