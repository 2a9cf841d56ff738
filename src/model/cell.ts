// What a recurrent cell provides to the stacked model: one forward step, and one backward
// step that returns the gradient w.r.t. each gate's pre-activation. A gate matrix W_g is
// [I + 1 + H, H] (see params.ts): rows [0, I] (input and bias) act on [x, 1], the rest on
// the recurrent input s (a<t-1>, or the GRU's r * a<t-1>). The input part x·W_x + b of a
// whole window is one matmul (or, for one-hot input, a row lookup) done by the layer
// (projection.ts); a step adds only s·W_h. Weight gradients are formed by the layer for a
// whole window: dW_g = [X, 1, S]ᵀ · dZ_g, and so is the gradient w.r.t. the input.

import type * as tf from '@tensorflow/tfjs-core';

/** One layer's recurrent weights as tensors, plus transposed blocks for the backward pass. */
export interface LayerTensors {
  /** Per gate, the recurrent rows W_h: [H, H]. */
  Wh: tf.Tensor[];
  /** Per gate, W_h transposed: [H, H]. */
  WhT: tf.Tensor[];
  /**
   * For cells whose gates all act on the same s (LSTM): the W_h side by side, [H, G·H], so a
   * step's recurrent part is one matmul; and for the backward pass the transposed blocks
   * stacked, [G·H, H].
   */
  Whcat?: tf.Tensor;
  WhTcat?: tf.Tensor;
}

export interface StepOut {
  h: tf.Tensor;
  /** New recurrent state ([h] or [h, c]), each [B, H]. */
  state: tf.Tensor[];
  /** Whatever backward needs; `s[k]` are the recurrent inputs of the gate matrices (see sOf), [B, H]. */
  cache: { s: tf.Tensor[]; [k: string]: tf.Tensor[] | tf.Tensor };
}

export interface BackOut {
  /** Gradient w.r.t. each gate's pre-activation, [B, H], in gate order. */
  dGates: tf.Tensor[];
  /** Gradient w.r.t. the previous state as the step saw it ([dh] or [dh, dc]), before the reset mask. */
  dState: tf.Tensor[];
}

export interface Cell {
  /** 1 for RNN/GRU (h), 2 for LSTM (h, c). */
  stateSize: number;
  /** Index into cache.s of the recurrent input each gate matrix multiplies. */
  sOf: readonly number[];
  /**
   * One step. `px[g]` is gate g's input part x·W_x + b for this step, [B, H]; `state` the
   * previous state already multiplied by the reset mask.
   */
  forward(w: LayerTensors, px: tf.Tensor[], state: tf.Tensor[]): StepOut;
  /**
   * One step back. `dh` is the total gradient w.r.t. this step's output h (from above and
   * from t+1); `dCarry` the gradient w.r.t. the rest of this step's state (LSTM: [dc]).
   */
  backward(w: LayerTensors, cache: StepOut['cache'], dh: tf.Tensor, dCarry: tf.Tensor[]): BackOut;
}
