// Small TF.js helpers shared by the cells. On the wasm backend `tanh` is several times
// slower than `sigmoid`, so tanh is computed as 2·σ(2x) − 1 there (same value to float
// rounding); elsewhere the native op is used.

import * as tf from '@tensorflow/tfjs-core';

let viaSigmoid: boolean | undefined;

export function tanh(x: tf.Tensor): tf.Tensor {
  viaSigmoid ??= tf.getBackend() === 'wasm';
  if (!viaSigmoid) return tf.tanh(x);
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1);
}

/** Forget the cached backend decision (after switching backends in tests). */
export function resetOps(): void {
  viaSigmoid = undefined;
}

/** y·(1 − y): derivative of σ in terms of its output. */
export function dSigmoid(y: tf.Tensor): tf.Tensor {
  return tf.mul(y, tf.sub(1, y));
}

/** 1 − y²: derivative of tanh in terms of its output. */
export function dTanh(y: tf.Tensor): tf.Tensor {
  return tf.sub(1, tf.square(y));
}

/** Row-major transpose of a [rows, cols] matrix held in JS (cheaper than on wasm). */
export function transposeJS(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = a[base + c]!;
  }
  return out;
}
