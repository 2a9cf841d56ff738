// What a recurrent cell provides to the stacked model: one forward step, and one backward
// step that returns the gradient w.r.t. each gate's pre-activation. A gate matrix W_g is
// [I + 1 + H, H] (see params.ts); a step's input to it is z = [x, 1, ·] ([B, I + 1 + H]).
// Weight gradients are formed by the layer for a whole window: dW_g = Zᵀ · dZ_g.

import type * as tf from '@tensorflow/tfjs';

/** One layer's weights as tensors, plus transposed blocks for the backward pass. */
export interface LayerTensors {
  /** Per gate, [I + 1 + H, H]. */
  W: tf.Tensor[];
  /** Per gate, the input rows transposed: [H, I] (only for layers above the first). */
  WxT: tf.Tensor[];
  /** Per gate, the recurrent rows transposed: [H, H]. */
  WhT: tf.Tensor[];
  /**
   * For cells whose gates all multiply the same z (LSTM): the gate matrices side by side,
   * [I + 1 + H, G·H], so a step is one matmul; and for the backward pass the transposed
   * blocks stacked, [G·H, H] (recurrent) and [G·H, I] (input, layers above the first).
   */
  Wcat?: tf.Tensor;
  WhTcat?: tf.Tensor;
  WxTcat?: tf.Tensor;
}

export interface StepOut {
  h: tf.Tensor;
  /** New recurrent state ([h] or [h, c]), each [B, H]. */
  state: tf.Tensor[];
  /** Whatever backward needs; `z[k]` are the inputs of the gate matrices (see zOf). */
  cache: { z: tf.Tensor[]; [k: string]: tf.Tensor[] | tf.Tensor };
}

export interface BackOut {
  /** Gradient w.r.t. each gate's pre-activation, [B, H], in gate order. */
  dGates: tf.Tensor[];
  /** Gradient w.r.t. the previous state as the step saw it ([dh] or [dh, dc]), before the reset mask. */
  dState: tf.Tensor[];
  /** Gradient w.r.t. the input x (when asked). */
  dx?: tf.Tensor;
}

export interface Cell {
  /** 1 for RNN/GRU (h), 2 for LSTM (h, c). */
  stateSize: number;
  /** Index into cache.z of the input each gate matrix multiplies. */
  zOf: readonly number[];
  /**
   * One step. `x` [B, I] input, `one` [B, 1] of ones, `state` the previous state already
   * multiplied by the reset mask.
   */
  forward(w: LayerTensors, x: tf.Tensor, one: tf.Tensor, state: tf.Tensor[]): StepOut;
  /**
   * One step back. `dh` is the total gradient w.r.t. this step's output h (from above and
   * from t+1); `dCarry` the gradient w.r.t. the rest of this step's state (LSTM: [dc]).
   */
  backward(w: LayerTensors, cache: StepOut['cache'], dh: tf.Tensor, dCarry: tf.Tensor[], needDx: boolean): BackOut;
}
