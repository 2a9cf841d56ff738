// Runs the model one character at a time for one sequence, in plain typed-array math —
// no TF.js ops, so a step costs only its multiply-adds. Keeps the recurrent state between
// steps; `reset()` returns to the zero state (the start of a sequence). Checked against
// the TF.js path (lm.ts) in tests.

import { GATES, type ModelConfig } from './config.js';
import type { Params } from './params.js';

export class Stepper {
  readonly config: ModelConfig;
  /** Per layer: [I + 1 + H, G·H], gates side by side (rows: input, bias, recurrent). */
  private readonly W: Float32Array[];
  private readonly out: Float32Array;
  private readonly h: Float64Array[];
  private readonly c: Float64Array[];
  private readonly pre: Float64Array;
  private readonly rh: Float64Array;
  /** Log-probabilities of the next token after the last step, [V]. */
  readonly logProbs: Float64Array;

  constructor(params: Params) {
    const c = (this.config = params.config);
    const H = c.hidden;
    const gates = GATES[c.cell];
    const G = gates.length;
    this.W = [];
    for (let l = 0; l < c.layers; l++) {
      const rows = (l === 0 ? c.vocabSize : H) + 1 + H;
      const w = new Float32Array(rows * G * H);
      gates.forEach((g, k) => {
        const src = params.view(`l${l}.${g}`);
        for (let r = 0; r < rows; r++) w.set(src.subarray(r * H, (r + 1) * H), r * G * H + k * H);
      });
      this.W.push(w);
    }
    this.out = params.view('out').slice();
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

  /** Feed token `id`; afterwards `logProbs` holds log P(next | everything fed since reset). */
  step(id: number): Float64Array {
    const { cell, layers, hidden: H, vocabSize: V } = this.config;
    const G = GATES[cell].length;
    const GH = G * H;
    const pre = this.pre;
    let x: Float64Array | null = null; // input of layers above the first
    for (let l = 0; l < layers; l++) {
      const W = this.W[l]!;
      const I = l === 0 ? V : H;
      const h = this.h[l]!;
      // pre = x·W_x + b (+ h·W_h for all gates but the GRU candidate)
      if (l === 0) {
        const o = id * GH;
        for (let j = 0; j < GH; j++) pre[j] = W[o + j]! + W[I * GH + j]!;
      } else {
        for (let j = 0; j < GH; j++) pre[j] = W[I * GH + j]!;
        addRows(pre, x!, W, 0, I, GH, GH);
      }
      const recurrentCols = cell === 'gru' ? 2 * H : GH;
      addRows(pre, h, W, (I + 1) * GH, H, GH, recurrentCols);
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
        // candidate: pre[2H..3H) += (r * h)·W_h[:, 2H..3H)
        const base = (I + 1) * GH;
        for (let k = 0; k < H; k++) {
          const a = rh[k]!;
          if (a === 0) continue;
          const o = base + k * GH + 2 * H;
          for (let j = 0; j < H; j++) pre[2 * H + j]! += a * W[o + j]!;
        }
        for (let j = 0; j < H; j++) {
          const z = sigmoid(pre[j]!);
          const hh = Math.tanh(pre[2 * H + j]!);
          h[j] = z * h[j]! + (1 - z) * hh;
        }
      } else {
        for (let j = 0; j < H; j++) h[j] = Math.tanh(pre[j]!);
      }
      x = h;
    }
    // logits = x·W_out + b_out, then log-softmax
    const lp = this.logProbs;
    const out = this.out;
    for (let v = 0; v < V; v++) lp[v] = out[H * V + v]!;
    addRows(lp, x!, out, 0, H, V, V);
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

/** acc[0..cols) += Σ_k v[k] · M[offset + k·stride + 0..cols), for k < n. */
function addRows(acc: Float64Array, v: Float64Array, M: Float32Array, offset: number, n: number, stride: number, cols: number): void {
  for (let k = 0; k < n; k++) {
    const a = v[k]!;
    if (a === 0) continue;
    const o = offset + k * stride;
    for (let j = 0; j < cols; j++) acc[j]! += a * M[o + j]!;
  }
}
