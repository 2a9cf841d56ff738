// Vanilla (Elman) RNN cell, as Keras SimpleRNN: a<t> = tanh([x, 1, a<t-1>]·W).
// Backward by hand; pinned against tf.layers.simpleRNN (forward) and autodiff (gradients).

import * as tf from '@tensorflow/tfjs';
import type { BackOut, Cell, LayerTensors, StepOut } from './cell.js';
import { dTanh, tanh } from './ops.js';

export const rnn: Cell = {
  stateSize: 1,
  zOf: [0],

  forward(w: LayerTensors, x, one, [hPrev]): StepOut {
    const z = tf.concat([x, one, hPrev!], 1); // [B, I + 1 + H]
    const h = tanh(tf.matMul(z, w.W[0]!));
    return { h, state: [h], cache: { z: [z], h } };
  },

  backward(w, cache, dh, _carry, needDx): BackOut {
    const dzh = tf.mul(dh, dTanh(cache.h as tf.Tensor));
    const dhPrev = tf.matMul(dzh, w.WhT[0]!);
    const dx = needDx ? tf.matMul(dzh, w.WxT[0]!) : undefined;
    return { dGates: [dzh], dState: [dhPrev], dx };
  },
};
