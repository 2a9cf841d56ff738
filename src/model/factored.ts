// The class-factored output layer of a training or scoring window (issue 32), batched:
// P(w | h) = P(class(w) | h) · P(w | class(w), h) (classes.ts is the float64 reference for one
// state). A position costs (C + |class of its target|)·H instead of V·H: the class layer over
// all rows at once, then the rows grouped by their target's class, each group against only its
// class's columns of `out`. Exact: the log-probability of every target is the true one.

import * as tf from '@tensorflow/tfjs-core';
import type { Window } from '../text/corpus.js';
import { frequencyClasses, type Classes } from './classes.js';
import type { ModelConfig } from './config.js';
import { transposeJS } from './ops.js';
import type { Params } from './params.js';

/** Classes with each token's place among its class's members (members[classOf[w]][place[w]] = w). */
export interface PlacedClasses extends Classes {
  place: Int32Array;
}

const cache = new WeakMap<readonly number[], PlacedClasses>();

/** The classes of a factored model's config (classOf → each class's members, each token's place), cached per config. */
export function classesOf(c: ModelConfig): PlacedClasses | null {
  const k = c.classOf;
  if (!k) return null;
  let out = cache.get(k);
  if (!out) {
    const C = k.reduce((m, x) => Math.max(m, x), -1) + 1;
    const lists: number[][] = Array.from({ length: C }, () => []);
    k.forEach((cls, id) => lists[cls]!.push(id));
    const place = new Int32Array(k.length);
    lists.forEach((m) => m.forEach((id, j) => (place[id] = j)));
    out = { classOf: Int32Array.from(k), members: lists.map((m) => Int32Array.from(m)), place };
    cache.set(k, out);
  }
  return out;
}

/** The class of each of V tokens by their counts in a token stream, C classes (classes.ts). */
export function streamClasses(ids: ArrayLike<number>, V: number, C: number): number[] {
  const counts = new Float64Array(V);
  for (let i = 0; i < ids.length; i++) counts[ids[i]!]!++;
  return Array.from(frequencyClasses(counts, C).classOf);
}

/**
 * Turns flat logits h·W_out + b (float64, [V], in place) and class logits [C] into
 * ln P(w | h) for every token: each class's members' log-softmax plus the class's log-probability.
 */
export function factoredLogProbs(lp: Float64Array, classLogits: ArrayLike<number>, k: Classes): void {
  const C = k.members.length;
  let max = -Infinity;
  for (let c = 0; c < C; c++) if (classLogits[c]! > max) max = classLogits[c]!;
  let sum = 0;
  for (let c = 0; c < C; c++) sum += Math.exp(classLogits[c]! - max);
  const lseC = max + Math.log(sum);
  k.members.forEach((m, c) => {
    let mx = -Infinity;
    for (let j = 0; j < m.length; j++) if (lp[m[j]!]! > mx) mx = lp[m[j]!]!;
    let s = 0;
    for (let j = 0; j < m.length; j++) s += Math.exp(lp[m[j]!]! - mx);
    const shift = classLogits[c]! - lseC - (mx + Math.log(s));
    for (let j = 0; j < m.length; j++) lp[m[j]!]! += shift;
  });
}

export interface FactoredResult {
  loss: number;
  count: number;
  /** Training: the gradient w.r.t. the top layer's output, [T·B, H], time-major. */
  dTop?: tf.Tensor;
}

/** log-softmax of row r of x ([rows, n] row-major) at column `at`; with `g`, writes k·(softmax − onehot) into it. */
function rowLogSoftmax(x: Float32Array, r: number, n: number, at: number, g: Float32Array | null, k: number): number {
  const o = r * n;
  let max = -Infinity;
  for (let j = 0; j < n; j++) if (x[o + j]! > max) max = x[o + j]!;
  let sum = 0;
  for (let j = 0; j < n; j++) sum += Math.exp(x[o + j]! - max);
  const lse = max + Math.log(sum);
  if (g) {
    for (let j = 0; j < n; j++) g[o + j] = k * Math.exp(x[o + j]! - lse);
    g[o + at]! -= k;
  }
  return x[o + at]! - lse;
}

/**
 * The factored output layer over a window's top-layer outputs `top` [T·B, H] (time-major):
 * Σ w·(−ln P(target)) and Σ w; ln P(target) per position into `logProbs` [B, T] when given;
 * with `grads`, the gradients of scale·loss added at the `out` and `cls` parameters, and the
 * gradient w.r.t. `top` returned. Sums in float64 in JavaScript, as lossInJS does.
 */
export async function factoredOutput(
  params: Params,
  top: tf.Tensor,
  win: Window,
  scale: number,
  grads?: Float32Array,
  logProbs?: Float64Array,
): Promise<FactoredResult> {
  const k = classesOf(params.config);
  if (!k) throw new Error('factoredOutput: a flat model');
  const { hidden: H, vocabSize: V } = params.config;
  const { batch: B, time: T } = win;
  const C = k.members.length;
  const N = T * B;
  const train = !!grads;
  // Targets and weights time-major.
  const y = new Int32Array(N);
  const w = new Float32Array(N);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      y[t * B + b] = win.targets[b * T + t]!;
      w[t * B + b] = win.weights[b * T + t]!;
    }
  }
  const rowsOf: number[][] = Array.from({ length: C }, () => []);
  for (let r = 0; r < N; r++) rowsOf[k.classOf[y[r]!]!]!.push(r);

  const wCls = params.view('cls', 0, H); // [H, C]
  const bCls = params.view('cls', H); // [C]
  const wOut = params.view('out', 0, H); // [H, V]
  const bOut = params.view('out', H); // [V]
  const classLogits = tf.add(tf.matMul(top, tf.tensor2d(wCls, [H, C])), tf.tensor1d(bCls)); // [N, C]
  // Per class with rows: its members' columns [H, m], the rows' outputs [n, H], their logits [n, m].
  const groups = k.members.flatMap((m, c) => {
    const rows = rowsOf[c]!;
    if (rows.length === 0) return [];
    const M = m.length;
    const wm = new Float32Array(H * M);
    for (let h = 0; h < H; h++) for (let j = 0; j < M; j++) wm[h * M + j] = wOut[h * V + m[j]!]!;
    const bm = new Float32Array(M);
    for (let j = 0; j < M; j++) bm[j] = bOut[m[j]!]!;
    const x = tf.gather(top, tf.tensor1d(Int32Array.from(rows), 'int32')); // [n, H]
    const logits = tf.add(tf.matMul(x, tf.tensor2d(wm, [H, M])), tf.tensor1d(bm)); // [n, M]
    return [{ c, m, rows, wm, x, logits }];
  });
  const [cl, ...gl] = (await Promise.all([classLogits, ...groups.map((g) => g.logits)].map((t) => t.data()))) as Float32Array[];

  let loss = 0;
  let count = 0;
  const dCl = train ? new Float32Array(N * C) : null; // [N, C]
  const dGroups = groups.map((g) => (train ? new Float32Array(g.rows.length * g.m.length) : null));
  const oCls = train ? params.spec('cls').offset : 0;
  const oOut = train ? params.spec('out').offset : 0;
  groups.forEach((g, gi) => {
    const M = g.m.length;
    const dg = dGroups[gi]!;
    g.rows.forEach((r, i) => {
      const target = y[r]!;
      const kw = w[r]! * scale;
      const lp = rowLogSoftmax(cl!, r, C, g.c, dCl, kw) + rowLogSoftmax(gl[gi]!, i, M, k.place[target]!, dg, kw);
      if (logProbs) logProbs[(r % B) * T + Math.floor(r / B)] = lp;
      if (w[r] === 0) return;
      loss -= w[r]! * lp;
      count += w[r]!;
    });
    if (train) {
      // Bias gradients: column sums, in JS.
      for (let i = 0; i < g.rows.length; i++) for (let j = 0; j < M; j++) grads![oOut + H * V + g.m[j]!]! += dg![i * M + j]!;
    }
  });
  if (!train || !grads || !dCl) return { loss, count };

  for (let r = 0; r < N; r++) for (let c = 0; c < C; c++) grads[oCls + H * C + c]! += dCl[r * C + c]!;
  const dClT = tf.tensor2d(dCl, [N, C]);
  const reads: Array<Promise<void>> = [];
  const read = (t: tf.Tensor, use: (d: Float32Array) => void) => reads.push((t.data() as Promise<Float32Array>).then(use));
  read(tf.matMul(tf.transpose(top), dClT), (d) => grads.set(d, oCls)); // dW_cls [H, C]
  let dTop = tf.matMul(dClT, tf.tensor2d(transposeJS(wCls, H, C), [C, H])); // [N, H]
  const parts: tf.Tensor[] = [];
  const order: number[] = [];
  groups.forEach((g, gi) => {
    const M = g.m.length;
    const dg = tf.tensor2d(dGroups[gi]!, [g.rows.length, M]);
    read(tf.matMul(tf.transpose(g.x), dg), (d) => {
      // dW_out at this class's columns: [H, M] scattered into [H, V].
      const m = g.m;
      for (let h = 0; h < H; h++) {
        const o = oOut + h * V;
        for (let j = 0; j < M; j++) grads[o + m[j]!]! += d[h * M + j]!;
      }
    });
    parts.push(tf.matMul(dg, tf.tensor2d(transposeJS(g.wm, H, M), [M, H]))); // [n, H]
    order.push(...g.rows);
  });
  // The groups' rows back in time-major order: row r of dTop is row inverse[r] of the concatenation.
  const inverse = new Int32Array(N);
  order.forEach((r, i) => (inverse[r] = i));
  dTop = tf.add(dTop, tf.gather(tf.concat(parts, 0), tf.tensor1d(inverse, 'int32')));
  await Promise.all(reads);
  return { loss, count, dTop };
}
