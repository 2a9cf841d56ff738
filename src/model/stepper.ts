// Runs the model one character at a time for one sequence, keeping the recurrent state
// between steps; `reset()` returns to the zero state (the start of a sequence). The input
// projection of the one-hot character is a row lookup; the vector·matrix products go to
// the TF.js backend when it is a fast one (wasm, tensorflow: ~30 µs for 256×1024, SIMD),
// else to plain JS loops. Nonlinearities and the softmax are JS, in float64. Checked
// against the batched TF.js path (lm.ts) in tests. A factored output layer (factored.ts)
// costs the same here as a flat one when every probability is wanted (sampling, the inside
// view); `logProbOf` gives one target's at the factored cost, (C + |class|)·H (scoring).

import * as tf from '@tensorflow/tfjs-core';
import { GATES, type ModelConfig } from './config.js';
import { classLogProb, type Classes } from './classes.js';
import { classesOf, factoredLogProbs } from './factored.js';
import type { Params } from './params.js';

/** A matrix [rows, cols] for vector·matrix products, on the backend when `tensor` is set. */
interface Mat {
  data: Float32Array;
  rows: number;
  cols: number;
  tensor?: tf.Tensor2D;
}

interface Layer {
  /** Input rows [I, G·H] (layer 0: looked up by character id). */
  x: Mat;
  /** Recurrent rows [H, G·H]; for GRU only the z and r columns [H, 2H]. */
  h: Mat;
  /** GRU: recurrent rows of the candidate, [H, H]. */
  hh?: Mat;
  bias: Float32Array;
}

export class Stepper {
  readonly config: ModelConfig;
  private readonly layers: Layer[];
  /** The output layer [H + 1, V] (bias row last), and as a matrix [H, V] and its bias (views of it). */
  private readonly outRows: Float32Array;
  private readonly out: Mat;
  private readonly outBias: Float32Array;
  /** A factored model's class layer [H + 1, C], as a matrix [H, C] and its bias, its classes, and the class logits [C]. */
  private readonly cls: { rows: Float32Array; w: Mat; bias: Float32Array; k: Classes; logits: Float64Array } | null;
  private readonly h: Float64Array[];
  private readonly c: Float64Array[];
  private readonly pre: Float64Array;
  private readonly rh: Float64Array;
  /** Log-probabilities of the next token after the last step, [V]. */
  readonly logProbs: Float64Array;

  /**
   * `mode`: 'auto' sends products with matrices of ≥ 4K weights to the backend when it is
   * wasm or tensorflow (below that a JS loop beats the call overhead); 'backend' and 'js'
   * force one path.
   */
  constructor(params: Params, mode: 'auto' | 'backend' | 'js' = 'auto') {
    const fast = ['wasm', 'tensorflow'].includes(tf.getBackend());
    const onBackend = (n: number) => mode === 'backend' || (mode === 'auto' && fast && n >= 4096);
    const c = (this.config = params.config);
    const H = c.hidden;
    const gates = GATES[c.cell];
    const G = gates.length;
    const mat = (data: Float32Array, rows: number, cols: number): Mat => ({
      data,
      rows,
      cols,
      tensor: onBackend(rows * cols) ? tf.tensor2d(data, [rows, cols]) : undefined,
    });
    // Gather gate g's block of rows [r0, r1) into columns [k·H, (k+1)·H) of a [r1 − r0, n·H] matrix.
    const block = (l: number, r0: number, r1: number, gs: readonly string[]) => {
      const w = new Float32Array((r1 - r0) * gs.length * H);
      gs.forEach((g, k) => {
        const src = params.view(`l${l}.${g}`);
        for (let r = r0; r < r1; r++) w.set(src.subarray(r * H, (r + 1) * H), (r - r0) * gs.length * H + k * H);
      });
      return w;
    };
    this.layers = [];
    for (let l = 0; l < c.layers; l++) {
      const I = l === 0 ? c.vocabSize : H;
      const x = block(l, 0, I, gates);
      const bias = block(l, I, I + 1, gates);
      const layer: Layer = { x: l === 0 ? { data: x, rows: I, cols: G * H } : mat(x, I, G * H), h: mat(new Float32Array(0), 0, 0), bias };
      if (c.cell === 'gru') {
        layer.h = mat(block(l, I + 1, I + 1 + H, gates.slice(0, 2)), H, 2 * H);
        layer.hh = mat(block(l, I + 1, I + 1 + H, gates.slice(2)), H, H);
      } else {
        layer.h = mat(block(l, I + 1, I + 1 + H, gates), H, G * H);
      }
      this.layers.push(layer);
    }
    this.outRows = params.view('out').slice();
    this.out = mat(this.outRows.subarray(0, H * c.vocabSize), H, c.vocabSize);
    this.outBias = this.outRows.subarray(H * c.vocabSize);
    const k = classesOf(c);
    const C = k?.members.length ?? 0;
    const rows = k ? params.view('cls').slice() : null;
    this.cls = k && rows ? { rows, w: mat(rows.subarray(0, H * C), H, C), bias: rows.subarray(H * C), k, logits: new Float64Array(C) } : null;
    this.h = Array.from({ length: c.layers }, () => new Float64Array(H));
    this.c = Array.from({ length: c.layers }, () => new Float64Array(H));
    this.pre = new Float64Array(G * H);
    this.rh = new Float64Array(H);
    this.logProbs = new Float64Array(c.vocabSize);
  }

  reset(): void {
    for (const a of this.h) a.fill(0);
    for (const a of this.c) a.fill(0);
  }

  /**
   * Layer l's state after the last step: its output a<t> and, for an LSTM, its cell state
   * c<t> (null for GRU and RNN), [hidden] each. Live views: copy them to keep them.
   */
  state(l: number): { h: Float64Array; c: Float64Array | null } {
    const h = this.h[l];
    if (!h) throw new Error(`no layer ${l}`);
    return { h, c: this.config.cell === 'lstm' ? this.c[l]! : null };
  }

  /** Free the backend copies of the weights. */
  dispose(): void {
    for (const m of [this.out, this.cls?.w, ...this.layers.flatMap((l) => [l.x, l.h, l.hh])]) m?.tensor?.dispose();
  }

  /** Feed token `id`; afterwards `logProbs` holds log P(next | everything fed since reset). */
  step(id: number): Float64Array {
    return this.output(this.advance(id));
  }

  /**
   * Feed token `id` and return ln P(target | everything fed since reset) alone. For a factored
   * model only the class layer and the target's class are computed, and `logProbs` is left
   * as it was; for a flat one it is `step(id)[target]`.
   */
  logProbOf(id: number, target: number): number {
    const x = this.advance(id);
    if (!this.cls) return this.output(x)[target]!;
    return classLogProb(x, this.outRows, this.cls.rows, this.cls.k, target);
  }

  /** The recurrent layers for one input token; returns the top layer's output (a live view). */
  private advance(id: number): Float64Array {
    const { cell, hidden: H } = this.config;
    const pre = this.pre;
    let x: Float64Array | null = null; // input of layers above the first
    this.layers.forEach((L, l) => {
      const h = this.h[l]!;
      const GH = L.bias.length;
      if (l === 0) {
        const o = id * GH;
        for (let j = 0; j < GH; j++) pre[j] = L.x.data[o + j]! + L.bias[j]!;
      } else {
        for (let j = 0; j < GH; j++) pre[j] = L.bias[j]!;
        addVecMat(pre, 0, x!, L.x);
      }
      addVecMat(pre, 0, h, L.h);
      if (cell === 'lstm') {
        const c = this.c[l]!;
        for (let j = 0; j < H; j++) {
          const i = sigmoid(pre[j]!);
          const f = sigmoid(pre[H + j]!);
          const g = Math.tanh(pre[2 * H + j]!);
          const o = sigmoid(pre[3 * H + j]!);
          c[j] = f * c[j]! + i * g;
          h[j] = o * Math.tanh(c[j]!);
        }
      } else if (cell === 'gru') {
        const rh = this.rh;
        for (let j = 0; j < H; j++) rh[j] = sigmoid(pre[H + j]!) * h[j]!;
        addVecMat(pre, 2 * H, rh, L.hh!); // candidate: (r * a<t-1>)·W_hh
        for (let j = 0; j < H; j++) {
          const z = sigmoid(pre[j]!);
          const hh = Math.tanh(pre[2 * H + j]!);
          h[j] = z * h[j]! + (1 - z) * hh;
        }
      } else {
        for (let j = 0; j < H; j++) h[j] = Math.tanh(pre[j]!);
      }
      x = h;
    });
    return x!;
  }

  /** logits = x·W_out + b_out, then the log-softmax (flat or factored) into `logProbs`. */
  private output(x: Float64Array): Float64Array {
    const V = this.config.vocabSize;
    const lp = this.logProbs;
    for (let v = 0; v < V; v++) lp[v] = this.outBias[v]!;
    addVecMat(lp, 0, x, this.out);
    if (this.cls) {
      // Factored: each class's softmax over its members, times the class's probability.
      const { w, bias, k, logits } = this.cls;
      logits.set(bias);
      addVecMat(logits, 0, x, w);
      factoredLogProbs(lp, logits, k);
      return lp;
    }
    let max = -Infinity;
    for (let v = 0; v < V; v++) if (lp[v]! > max) max = lp[v]!;
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(lp[v]! - max);
    const lse = max + Math.log(sum);
    for (let v = 0; v < V; v++) lp[v]! -= lse;
    return lp;
  }
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** acc[at .. at + M.cols) += v · M. */
function addVecMat(acc: Float64Array, at: number, v: Float64Array, M: Mat): void {
  const { rows, cols } = M;
  if (M.tensor) {
    const r = tf.tidy(() => tf.matMul(tf.tensor2d(Float32Array.from(v), [1, rows]), M.tensor!));
    const d = r.dataSync();
    r.dispose();
    for (let j = 0; j < cols; j++) acc[at + j]! += d[j]!;
    return;
  }
  const m = M.data;
  for (let k = 0; k < rows; k++) {
    const a = v[k]!;
    if (a === 0) continue;
    const o = k * cols;
    for (let j = 0; j < cols; j++) acc[at + j]! += a * m[o + j]!;
  }
}
