// The output layer's softmax cross-entropy in JavaScript (float64 sums): over the whole
// vocabulary (lossInJS, as the CPU backends train and score), or for training a word model
// cheaply, a sampled softmax over candidates — every target of the batch and K negatives drawn
// uniformly from the other words, each logit corrected by −ln of its chance of being drawn, so
// the candidates' normalizer estimates the full one (Jean et al. 2015). Scoring always uses
// the full softmax: the model is the same, only its training objective is cheaper.

import * as tf from '@tensorflow/tfjs-core';
import type { Window } from '../text/corpus.js';
import type { Rng } from '../common/rng.js';
import { transposeJS } from './ops.js';
import type { Params } from './params.js';

/**
 * Softmax cross-entropy of the window in float64 from the logits [T·B, V] (time-major):
 * Σ w·(−log P(target)) and Σ w; with `dl`, fills it with the gradient w.r.t. the logits
 * (scale·w·(softmax − onehot)) and adds its column sums to `dBias`; with `logProbs`,
 * log P(target) per position [B, T]. A
 * plain function, not part of the async runWindow, so its loops stay fast.
 */
export function lossInJS(
  lg: Float32Array,
  win: Window,
  V: number,
  scale: number,
  dl?: Float32Array,
  logProbs?: Float64Array,
  dBias?: Float32Array,
): { loss: number; count: number } {
  const { batch: B, time: T } = win;
  let loss = 0;
  let count = 0;
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const r = (t * B + b) * V;
      const y = win.targets[b * T + t]!;
      const w = win.weights[b * T + t]!;
      let max = -Infinity;
      for (let v = 0; v < V; v++) if (lg[r + v]! > max) max = lg[r + v]!;
      let sum = 0;
      for (let v = 0; v < V; v++) sum += Math.exp(lg[r + v]! - max);
      const lse = max + Math.log(sum);
      const lp = lg[r + y]! - lse;
      if (logProbs) logProbs[b * T + t] = lp;
      if (w === 0) continue;
      loss -= w * lp;
      count += w;
      if (dl) {
        const k = w * scale;
        for (let v = 0; v < V; v++) dl[r + v] = k * Math.exp(lg[r + v]! - lse);
        dl[r + y]! -= k;
      }
      if (dBias && dl) for (let v = 0; v < V; v++) dBias[v]! += dl[r + v]!; // output bias gradient: column sums, in row order
    }
  }
  return { loss, count };
}

/**
 * The candidates of one training window: its targets (all of them, sorted) and `k` other ids
 * drawn without replacement, uniformly; with the log-weights to add to their logits: 0 for a
 * target (always a candidate), ln((V − targets) / k) for a drawn one. With k ≥ V − targets
 * every id is a candidate, all weights 0: exactly the full softmax.
 * Example: targets {2, 5}, V = 6, k = 2 → [2, 5] and two of {0, 1, 3, 4}, those weighted ln 2.
 */
export function sampleCandidates(win: Window, V: number, k: number, rng: Rng): { ids: Int32Array; logWeights: Float32Array } {
  const isTarget = new Uint8Array(V);
  for (let i = 0; i < win.targets.length; i++) if (win.weights[i]! > 0) isTarget[win.targets[i]!] = 1;
  const others: number[] = [];
  for (let v = 0; v < V; v++) if (!isTarget[v]) others.push(v);
  const n = Math.min(k, others.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rng.next() * (others.length - i)); // a partial Fisher–Yates shuffle
    [others[i], others[j]] = [others[j]!, others[i]!];
  }
  const drawn = new Uint8Array(V);
  for (let i = 0; i < n; i++) drawn[others[i]!] = 1;
  const lw = n > 0 ? Math.log(others.length / n) : 0;
  const ids: number[] = [];
  const weights: number[] = [];
  for (let v = 0; v < V; v++) {
    if (isTarget[v]) {
      ids.push(v);
      weights.push(0);
    } else if (drawn[v]) {
      ids.push(v);
      weights.push(lw);
    }
  }
  return { ids: Int32Array.from(ids), logWeights: Float32Array.from(weights) };
}

/**
 * The output layer of a training window over the candidates only: logits top·W_S + b_S (+ the
 * log-weights), the sampled loss and its gradient, which goes into `grads` at the candidates'
 * columns of the output kernel and bias; returns the gradient w.r.t. the top layer's output
 * per step, T × [B, H], for the layers below.
 */
export async function sampledOutput(
  params: Params,
  top: tf.Tensor, // [T·B, H], time-major
  win: Window,
  cand: Int32Array,
  logWeights: Float32Array | undefined,
  scale: number,
  grads: Float32Array,
): Promise<{ loss: number; count: number; dxs: tf.Tensor[] }> {
  const { hidden: H, vocabSize: V } = params.config;
  const { batch: B, time: T } = win;
  const S = cand.length;
  const wOut = params.view('out', 0, H); // [H, V]
  const bOut = params.view('out', H); // [V]
  const wS = new Float32Array(H * S); // [H, S]: the candidates' columns
  for (let h = 0; h < H; h++) for (let j = 0; j < S; j++) wS[h * S + j] = wOut[h * V + cand[j]!]!;
  const bS = new Float32Array(S);
  for (let j = 0; j < S; j++) bS[j] = bOut[cand[j]!]! + (logWeights ? logWeights[j]! : 0);
  const at = new Map<number, number>();
  cand.forEach((id, j) => at.set(id, j));
  const targets = new Int32Array(win.targets.length);
  for (let i = 0; i < targets.length; i++) {
    const j = at.get(win.targets[i]!);
    if (j === undefined && win.weights[i]! > 0) throw new Error('sampled softmax: a target is not among the candidates');
    targets[i] = j ?? 0;
  }
  const logits = tf.add(tf.matMul(top, tf.tensor2d(wS, [H, S])), tf.tensor1d(bS)); // [T·B, S]
  const dl = new Float32Array(T * B * S);
  const dBias = new Float32Array(S);
  const sums = lossInJS((await logits.data()) as Float32Array, { ...win, targets }, S, scale, dl, undefined, dBias);
  const dW = (await tf.matMul(tf.transpose(top), tf.tensor2d(dl, [T * B, S])).data()) as Float32Array; // [H, S]
  const o = params.spec('out').offset;
  for (let h = 0; h < H; h++) for (let j = 0; j < S; j++) grads[o + h * V + cand[j]!]! += dW[h * S + j]!;
  for (let j = 0; j < S; j++) grads[o + H * V + cand[j]!]! += dBias[j]!;
  const wST = tf.tensor2d(transposeJS(wS, H, S), [S, H]);
  const dxs = Array.from({ length: T }, (_, t) => tf.matMul(tf.tensor2d(dl.subarray(t * B * S, (t + 1) * B * S), [B, S]), wST)); // T × [B, H]
  return { loss: sums.loss, count: sums.count, dxs };
}
