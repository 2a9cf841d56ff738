// The input part of a layer's gate pre-activations, x·W_x + b, for a whole window before the
// recurrence (as cuDNN does): for the first layer, whose input is one-hot, a row lookup; for
// the layers above, one [T·B, I]·[I, H] matmul per gate instead of one [B, I]·[I, H] per
// gate and step. And the matching window-wide pieces of the backward pass: [X, 1]ᵀ for the
// input rows' weight gradient and the gradient w.r.t. the input.

import * as tf from '@tensorflow/tfjs-core';
import { GATES } from './config.js';
import { transposeJS } from './ops.js';
import type { Params } from './params.js';

/** A window's input projections, handed out step by step: G tensors [B, H] for step t. */
export interface StepInputs {
  at(t: number): tf.Tensor[];
}

/** Where a matrix read back and uploaded again beats slicing it on the backend (slices are slow on wasm). */
const readBack = () => tf.getBackend() !== 'webgpu';

/**
 * Layer 0: x is one-hot, so x·W_x + b is row `id` of W_x plus the bias row. Built in JS per
 * step on demand. Example: ids [[2, 0]] (B = 2) → step 0 gives, per gate, rows [W[2] + b, W[0] + b].
 */
export function lookupInputs(params: Params, ids: readonly Int32Array[], B: number): StepInputs {
  const c = params.config;
  const H = c.hidden;
  const I = c.vocabSize;
  const W = GATES[c.cell].map((g) => params.view(`l0.${g}`));
  return {
    at(t: number): tf.Tensor[] {
      const idsT = ids[t]!;
      return W.map((w) => {
        const out = new Float32Array(B * H);
        const bias = w.subarray(I * H, (I + 1) * H);
        for (let b = 0; b < B; b++) {
          const row = w.subarray(idsT[b]! * H, (idsT[b]! + 1) * H);
          for (let j = 0; j < H; j++) out[b * H + j] = row[j]! + bias[j]!;
        }
        return tf.tensor2d(out, [B, H]);
      });
    },
  };
}

/** Layers above the first: P_g = X·W_x,g + b_g for X [T·B, I] (time-major), one matmul per gate. */
export async function matmulInputs(params: Params, l: number, X: tf.Tensor, B: number, T: number): Promise<StepInputs> {
  const c = params.config;
  const H = c.hidden;
  const I = H;
  const P = GATES[c.cell].map((g) => {
    const w = params.view(`l${l}.${g}`);
    return tf.add(tf.matMul(X, tf.tensor2d(w.subarray(0, I * H), [I, H])), tf.tensor1d(w.subarray(I * H, (I + 1) * H))); // [T·B, H]
  });
  const steps = await Promise.all(P.map((p) => perStep(p, T, B)));
  return { at: (t) => steps.map((s) => s[t]!) };
}

/**
 * A time-major [T·B, C] matrix as T tensors [B, C]: read back and uploaded row block by row
 * block on CPU backends, split on the GPU (where a read is a round trip and a split is one op).
 */
export async function perStep(m: tf.Tensor, T: number, B: number): Promise<tf.Tensor[]> {
  if (!readBack()) return tf.split(m, T, 0);
  const C = m.shape[1]!;
  const d = (await m.data()) as Float32Array;
  m.dispose();
  return Array.from({ length: T }, (_, t) => tf.tensor2d(d.subarray(t * B * C, (t + 1) * B * C), [B, C]));
}

/**
 * [X, 1]ᵀ, [I + 1, T·B], for the input rows' weight gradient dW_x,b = [X, 1]ᵀ·dZ. For layer 0
 * (on the GPU; CPU backends scatter instead, scatterInputGradient) it is built in JS from the
 * ids (a one-hot column per position, and the ones row); above, transposed from X.
 */
export function inputsT(params: Params, l: number, ids: readonly Int32Array[], X: tf.Tensor | null, B: number): tf.Tensor {
  const T = ids.length;
  if (l > 0) return tf.transpose(tf.concat([X!, tf.ones([T * B, 1])], 1)); // [H + 1, T·B]
  const V = params.config.vocabSize;
  const out = new Float32Array((V + 1) * T * B);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const r = t * B + b;
      out[ids[t]![b]! * T * B + r] = 1;
      out[V * T * B + r] = 1;
    }
  }
  return tf.tensor2d(out, [V + 1, T * B]);
}

/**
 * Layer 0's input and bias rows' weight gradient without the one-hot matmul, whose cost grows
 * with the vocabulary ([V + 1, T·B]·[T·B, H]): each position's gate gradient dZ [T·B, H]
 * (time-major) added to row `id` and to the bias row of `dW` [V + 1, H]. On CPU backends
 * (where a read is cheap); false on the GPU, where the caller keeps the matmul on the device.
 */
export async function scatterInputGradient(dZ: tf.Tensor, ids: readonly Int32Array[], B: number, dW: Float32Array): Promise<boolean> {
  if (!readBack()) return false;
  const H = dZ.shape[1]!;
  const V = dW.length / H - 1;
  const d = (await dZ.data()) as Float32Array;
  const bias = new Float64Array(H);
  for (let t = 0; t < ids.length; t++) {
    const idsT = ids[t]!;
    for (let b = 0; b < B; b++) {
      const src = (t * B + b) * H;
      const row = idsT[b]! * H;
      for (let j = 0; j < H; j++) {
        const g = d[src + j]!;
        dW[row + j]! += g;
        bias[j]! += g;
      }
    }
  }
  for (let j = 0; j < H; j++) dW[V * H + j]! += bias[j]!;
  return true;
}

/** The gradient w.r.t. a layer's input X for the whole window: Σ_g dZ_g·W_x,gᵀ, [T·B, I] (layers above the first). */
export function inputGradient(params: Params, l: number, dZ: tf.Tensor[]): tf.Tensor {
  const c = params.config;
  const H = c.hidden;
  const I = H;
  const parts = GATES[c.cell].map((g, k) => tf.matMul(dZ[k]!, tf.tensor2d(transposeJS(params.view(`l${l}.${g}`).subarray(0, I * H), I, H), [H, I])));
  return parts.length === 1 ? parts[0]! : tf.addN(parts);
}
