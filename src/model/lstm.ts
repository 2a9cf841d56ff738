// LSTM cell (Keras/TF.js gate order i, f, c, o; sigmoid recurrent activation):
//   i = σ(z·W_i), f = σ(z·W_f), c~ = tanh(z·W_c), o = σ(z·W_o),   z = [x, 1, a<t-1>]
//   c<t> = i * c~ + f * c<t-1>,   a<t> = o * tanh(c<t>)
// z·W_g = px_g + a<t-1>·W_h,g, with px_g = x·W_x,g + b_g given for the step (cell.ts).
// Backward by hand; pinned against tf.layers.lstm (forward) and autodiff (gradients).

import * as tf from '@tensorflow/tfjs-core';
import type { BackOut, Cell, LayerTensors, StepOut } from './cell.js';
import { dSigmoid, dTanh, tanh } from './ops.js';

export const lstm: Cell = {
  stateSize: 2,
  sOf: [0, 0, 0, 0],

  forward(w: LayerTensors, px, [hPrev, cPrev]): StepOut {
    // The recurrent part of the four gates' pre-activations: 4 × [B, H] (one [B, 4H] matmul when fused).
    const rec = w.Whcat ? tf.split(tf.matMul(hPrev!, w.Whcat), 4, 1) : w.Wh.map((W) => tf.matMul(hPrev!, W));
    const [ai, af, ag, ao] = rec.map((r, k) => tf.add(px[k]!, r));
    const i = tf.sigmoid(ai!);
    const f = tf.sigmoid(af!);
    const g = tanh(ag!);
    const o = tf.sigmoid(ao!);
    const c = tf.add(tf.mul(f, cPrev!), tf.mul(i, g));
    const tc = tanh(c);
    const h = tf.mul(o, tc);
    return { h, state: [h, c], cache: { s: [hPrev!], i, f, g, o, cPrev: cPrev!, tc } };
  },

  backward(w, cache, dh, [dcNext]): BackOut {
    const { i, f, g, o, cPrev, tc } = cache as unknown as Record<string, tf.Tensor>;
    const dzo = tf.mul(tf.mul(dh, tc!), dSigmoid(o!));
    const dcFromH = tf.mul(tf.mul(dh, o!), dTanh(tc!));
    const dc = dcNext ? tf.add(dcNext, dcFromH) : dcFromH;
    const dzi = tf.mul(tf.mul(dc, g!), dSigmoid(i!));
    const dzg = tf.mul(tf.mul(dc, i!), dTanh(g!));
    const dzf = tf.mul(tf.mul(dc, cPrev!), dSigmoid(f!));
    const dGates = [dzi, dzf, dzg, dzo];
    // Σ_g dZ_g · W_h,gᵀ, fused as one matmul: [B, 4H] · [4H, H].
    const dhPrev = w.WhTcat ? tf.matMul(tf.concat(dGates, 1), w.WhTcat) : tf.addN(dGates.map((d, k) => tf.matMul(d, w.WhT[k]!)));
    const dcPrev = tf.mul(dc, f!);
    return { dGates, dState: [dhPrev, dcPrev] };
  },
};
