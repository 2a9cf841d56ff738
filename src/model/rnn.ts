// Vanilla (Elman) RNN cell, as Keras SimpleRNN: a<t> = tanh([x, 1, a<t-1>]·W)
// = tanh(px + a<t-1>·W_h), with px = x·W_x + b given for the step (cell.ts).
// Backward by hand; pinned against tf.layers.simpleRNN (forward) and autodiff (gradients).

import * as tf from '@tensorflow/tfjs-core';
import type { BackOut, Cell, LayerTensors, StepOut } from './cell.js';
import { dTanh, tanh } from './ops.js';

export const rnn: Cell = {
  stateSize: 1,
  sOf: [0],

  forward(w: LayerTensors, px, [hPrev]): StepOut {
    const h = tanh(tf.add(px[0]!, tf.matMul(hPrev!, w.Wh[0]!)));
    return { h, state: [h], cache: { s: [hPrev!], h } };
  },

  backward(w, cache, dh): BackOut {
    const dzh = tf.mul(dh, dTanh(cache.h as tf.Tensor));
    return { dGates: [dzh], dState: [tf.matMul(dzh, w.WhT[0]!)] };
  },
};
