// The stacked recurrent language model over one truncated-BPTT window: forward through the
// layers, softmax cross-entropy summed over time steps, and (for training) the backward
// pass by hand, returning all weight gradients in one flat array laid out like Params.
// Tensors are time-major inside: step t of the batch is rows [t·B, (t+1)·B) of the
// concatenated [T·B, ·] matrices, so no large tensor is ever sliced.

import * as tf from '@tensorflow/tfjs-core';
import type { Window } from '../text/corpus.js';
import { Rng } from '../common/rng.js';
import { EOS_ID } from '../text/tokenizer.js';
import type { Cell, LayerTensors, StepOut } from './cell.js';
import { GATES, type CellKind, type ModelConfig } from './config.js';
import { gru } from './gru.js';
import { lstm } from './lstm.js';
import { dropoutMaskData } from './dropout.js';
import { kernelStack, type KernelStack } from './lstm-kernels.js';
import type { Params } from './params.js';
import { transposeJS } from './ops.js';
import { inputGradient, inputsT, lookupInputs, matmulInputs, perStep, scatterInputGradient, type StepInputs } from './projection.js';
import { lossInJS, sampledOutput } from './softmax.js';
import { factoredOutput } from './factored.js';
import { rnn } from './rnn.js';

export const CELL_IMPL: Record<CellKind, Cell> = { lstm, gru, rnn };

/** Backends on which the loss is computed on the device by default (see RunOptions.deviceLoss). */
const DEVICE_LOSS_BACKENDS = ['webgpu'];

/** Recurrent state carried between windows: per layer, per component ([h] or [h, c]), [B·H]. */
export type State = Float32Array[][];

export function zeroState(c: ModelConfig, batch: number): State {
  const n = CELL_IMPL[c.cell].stateSize;
  return Array.from({ length: c.layers }, () => Array.from({ length: n }, () => new Float32Array(batch * c.hidden)));
}

export interface RunOptions {
  /** Compute gradients (and apply dropout). */
  train: boolean;
  /** Multiplies the per-position loss in the gradient (e.g. 1/B: summed over time, mean over rows). */
  lossScale?: number;
  /**
   * Seed of this step's dropout masks (training with dropout > 0). A mask value depends only
   * on (dropoutSeed, layer, rowOffset + b, step, unit) (dropout.ts), so splitting a batch
   * across workers draws exactly the masks of the whole batch.
   */
  dropoutSeed?: number;
  /** Index of this window's first row in the whole batch (for dropout seeding). */
  rowOffset?: number;
  /** Also return log P(target) per position, [batch, time] row-major. */
  wantLogProbs?: boolean;
  /**
   * Softmax, loss and its gradient on the backend, read back once at the end of the window
   * (default: on webgpu, where every read is a round trip to the GPU); else in JavaScript
   * after reading the logits (float64 sums).
   */
  deviceLoss?: boolean;
  /**
   * Training with a sampled softmax (a word model's cheaper objective; sampled.ts): the output
   * layer over these ids only — every target of the whole batch and some sampled negatives,
   * sorted — with `candidateLogWeights` added to their logits (−ln of each one's chance of
   * being a candidate). Gradients reach only those rows of the output layer. Ignored without
   * `train`, on the device-loss path and by the webgpu kernels: scoring is always the full softmax.
   */
  candidates?: Int32Array;
  candidateLogWeights?: Float32Array;
}

export interface RunResult {
  /** Σ over weighted positions of −log P(target) (nats). */
  loss: number;
  /** Number of weighted positions (characters + <EOS> predicted). */
  count: number;
  state: State;
  /** Gradient of lossScale·loss w.r.t. every parameter, laid out like Params.data. */
  grads?: Float32Array;
  logProbs?: Float64Array;
}

/**
 * Forward (and with opts.train, backward) over one window, starting from `state`.
 * Asynchronous: results come back with `await data()` (never `dataSync`, which a GPU
 * backend cannot do in Node). With the loss in JS (CPU backends) at two points: the
 * logits, then at the end the gradients and the carried state together; with the loss on
 * the device (webgpu), once, at the end.
 */
/** Runs a window as runWindow does: runWindow itself, or worker threads that split its rows (parallel.ts). */
export interface WindowRunner {
  readonly workers: number;
  run(params: Params, win: Window, state: State, opts: RunOptions): Promise<RunResult>;
}

export async function runWindow(params: Params, win: Window, state: State, opts: RunOptions): Promise<RunResult> {
  const c = params.config;
  if (opts.train && c.dropout > 0 && opts.dropoutSeed === undefined) throw new Error('dropout needs a seed');
  // A scope instead of tf.tidy, which cannot span an await: everything made here is freed at the end.
  tf.engine().startScope();
  try {
    return await new WindowPass(params, win, state, opts).run();
  } finally {
    tf.engine().endScope();
  }
}

/**
 * One window's pass, in the order it runs: forward (the LSTM kernel stack on webgpu, else
 * layer by layer), the loss of one of three output layers (factored, sampled, flat — the flat
 * one's softmax on the device or in JS), then backward through time; every read of the backend
 * is queued in `reads` and done once, in finish().
 */
class WindowPass {
  private readonly c: ModelConfig;
  private readonly cell: Cell;
  private readonly B: number;
  private readonly T: number;
  private readonly dropout: number;
  private readonly result: RunResult;
  private readonly grads: Float32Array | undefined;
  private readonly scale: number;
  private readonly logProbs: Float64Array | undefined;
  /** Tensors to read back at the end, each into its place (the carried state; training, each gradient block at its offset in `grads`). */
  private readonly reads: Array<[tf.Tensor, Float32Array]> = [];
  private stack: KernelStack | null = null;
  private readonly finalState: tf.Tensor[][] = [];
  private readonly caches: StepOut['cache'][][] = [];
  private readonly masks: (tf.Tensor | null)[][] = [];
  private readonly keeps: (tf.Tensor | null)[] = [];
  private readonly layerW: LayerTensors[] = [];
  /** Per layer above the first, its input [T·B, H] (training). */
  private readonly layerX: tf.Tensor[] = [];
  /** Per step, the inputs [B] (generic path). */
  private readonly ids: Int32Array[] = [];
  /** The loss and log-probabilities computed on the device, read at the end. */
  private onDevice = false;
  private readonly lossOut = new Float32Array(1);
  private lpOut: Float32Array | null = null; // log P(target), time-major

  constructor(
    private readonly params: Params,
    private readonly win: Window,
    private readonly state: State,
    private readonly opts: RunOptions,
  ) {
    this.c = params.config;
    this.cell = CELL_IMPL[this.c.cell];
    this.B = win.batch;
    this.T = win.time;
    this.dropout = opts.train && this.c.dropout > 0 ? this.c.dropout : 0;
    this.result = { loss: 0, count: 0, state: zeroState(this.c, this.B) };
    this.grads = opts.train ? new Float32Array(params.data.length) : undefined;
    this.scale = opts.lossScale ?? 1;
    this.logProbs = opts.wantLogProbs ? new Float64Array(this.B * this.T) : undefined;
  }

  async run(): Promise<RunResult> {
    const { c, opts } = this;
    // The LSTM on webgpu: the whole stack in a few GPU kernels per step (lstm-kernels.ts).
    const useKernels = c.cell === 'lstm' && kernelsEnabled && tf.getBackend() === 'webgpu';
    const top = useKernels ? this.forwardKernels() : await this.forwardLayers(); // the top layer's output, [T·B, H]
    this.finalState.forEach((st, l) => st.forEach((t, k) => this.reads.push([t, this.result.state[l]![k]!])));
    this.onDevice = !c.classOf && (opts.deviceLoss ?? DEVICE_LOSS_BACKENDS.includes(tf.getBackend())); // a factored layer sums in JS
    // Each loss path gives the gradient w.r.t. the top layer's output per step, T × [B, H], or null when done.
    const dxs = c.classOf
      ? await this.factoredLoss(top)
      : opts.train && this.grads && opts.candidates && !this.onDevice && !this.stack
        ? await this.sampledLoss(top)
        : await this.flatLoss(top);
    if (dxs === null) return this.result;
    await this.backwardThroughTime(dxs);
    this.result.grads = this.grads;
    return await this.finish();
  }

  /** Every read in one Promise.all; then the device's loss and log-probabilities into the result. */
  private async finish(): Promise<RunResult> {
    const { result, reads, T, B } = this;
    const data = await Promise.all(reads.map(([t]) => t.data() as Promise<Float32Array>));
    data.forEach((d, i) => reads[i]![1].set(d));
    if (this.onDevice) result.loss = this.lossOut[0]!;
    if (this.lpOut) for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) this.logProbs![b * T + t] = this.lpOut[t * B + b]!;
    result.logProbs = this.logProbs;
    return result;
  }

  /** The kernel stack's backward from the gradient w.r.t. the top output [T·B, H]: its reads, then its scatter into `grads`. */
  private async finishStack(dTop: tf.Tensor): Promise<null> {
    const scatter = this.stack!.backward(dTop, this.reads, this.grads!);
    this.result.grads = this.grads;
    await this.finish();
    scatter();
    return null;
  }

  /** Forward through the LSTM kernel stack (webgpu). */
  private forwardKernels(): tf.Tensor {
    const { win, B, T, dropout, opts } = this;
    const ids = new Int32Array(T * B);
    const keep = new Float32Array(T * B);
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        ids[t * B + b] = win.inputs[b * T + t]!;
        keep[t * B + b] = ids[t * B + b] === EOS_ID ? 0 : 1;
      }
    }
    const drop = dropout > 0 ? { p: dropout, seed: opts.dropoutSeed!, rowOffset: opts.rowOffset ?? 0 } : null;
    this.stack = kernelStack({ params: this.params, ids, keep, B, T, state: this.state, dropout: drop, train: opts.train });
    this.finalState.push(...this.stack.finalState);
    return this.stack.top;
  }

  /** Forward layer by layer, step by step, keeping what backward needs when training. */
  private async forwardLayers(): Promise<tf.Tensor> {
    const { params, win, state, opts, cell, B, T, dropout, ids, keeps, layerW } = this;
    const { hidden: H, layers: L } = this.c;
    const train = opts.train;
    // Per-step inputs (time-major) and reset masks: keep = 0 where the input is <EOS>.
    for (let t = 0; t < T; t++) {
      const idsT = new Int32Array(B);
      const keep = new Float32Array(B);
      let resets = false;
      for (let b = 0; b < B; b++) {
        idsT[b] = win.inputs[b * T + t]!;
        keep[b] = idsT[b] === EOS_ID ? 0 : 1;
        if (keep[b] === 0) resets = true;
      }
      ids.push(idsT);
      keeps.push(resets ? tf.tensor2d(keep, [B, 1]) : null);
    }
    for (let l = 0; l < L; l++) layerW.push(layerTensors(params, l, train));

    // Forward, layer by layer. The input part of every step's gates comes first, for the
    // whole window (projection.ts): a lookup for layer 0, one matmul per gate above it.
    let xs: tf.Tensor[] = []; // the layer below's output per step, [B, H]
    for (let l = 0; l < L; l++) {
      let px: StepInputs;
      if (l === 0) {
        px = lookupInputs(params, ids, B);
      } else {
        const X = tf.concat(xs, 0); // [T·B, H]
        px = await matmulInputs(params, l, X, B, T);
        if (train) this.layerX[l] = X;
        else {
          X.dispose();
          xs.slice(0, T - 1).forEach((x) => x.dispose()); // used; the last is the layer below's final state, read at the end
        }
      }
      let st: tf.Tensor[] = state[l]!.map((s) => tf.tensor2d(s, [B, H]));
      const cacheL: StepOut['cache'][] = [];
      const maskL: (tf.Tensor | null)[] =
        dropout > 0 ? dropoutMaskData(B, T, H, dropout, opts.dropoutSeed!, opts.rowOffset ?? 0, l).map((m) => tf.tensor2d(m, [B, H])) : new Array(T).fill(null);
      const next: tf.Tensor[] = [];
      for (let t = 0; t < T; t++) {
        const keep = keeps[t];
        const stepIn = st;
        if (train) {
          const kept = keep ? stepIn.map((s) => tf.mul(s, keep)) : stepIn;
          const out = cell.forward(layerW[l]!, px.at(t), kept);
          st = out.state;
          cacheL.push(out.cache);
          const mask = maskL[t];
          next.push(mask ? tf.mul(out.h, mask) : out.h);
        } else {
          // Forward only: keep just the new state, so memory stays flat over the window.
          st = tf.tidy(() => cell.forward(layerW[l]!, px.at(t), keep ? stepIn.map((s) => tf.mul(s, keep)) : stepIn).state);
          if (t > 0) stepIn.slice(1).forEach((s) => s.dispose()); // old c; old h lives on in `next`
          next.push(st[0]!);
        }
      }
      this.finalState.push(st);
      this.caches.push(cacheL);
      this.masks.push(maskL);
      xs = next;
    }
    return tf.concat(xs, 0); // [T·B, H]
  }

  /** A class-factored output layer (factored.ts): its sums in JS on every backend. */
  private async factoredLoss(top: tf.Tensor): Promise<tf.Tensor[] | null> {
    const { win, result, grads, T, B } = this;
    if (win.prior) throw new Error('the n-gram as input does not work with a factored output layer');
    const out = await factoredOutput(this.params, top, win, this.scale, grads, this.logProbs);
    result.loss = out.loss;
    result.count = out.count;
    if (!out.dTop || !grads) {
      await this.finish();
      return null;
    }
    if (this.stack) return this.finishStack(out.dTop);
    return await perStep(out.dTop, T, B); // [T·B, H] → T × [B, H]
  }

  /** A sampled softmax: the output layer over the candidates only (softmax.ts). */
  private async sampledLoss(top: tf.Tensor): Promise<tf.Tensor[]> {
    const { win, result, opts } = this;
    if (win.prior) throw new Error('the n-gram as input does not work with a sampled softmax');
    const out = await sampledOutput(this.params, top, win, opts.candidates!, opts.candidateLogWeights, this.scale, this.grads!);
    result.loss = out.loss;
    result.count = out.count;
    return out.dxs;
  }

  /** The full softmax over the vocabulary: on the device (no read until the end), or in JS with float64 sums. */
  private async flatLoss(top: tf.Tensor): Promise<tf.Tensor[] | null> {
    const { params, win, result, grads, reads, B, T, opts } = this;
    const { hidden: H, vocabSize: V } = this.c;
    const train = opts.train;
    const scale = this.scale;
    const wOut = params.view('out', 0, H);
    let logits = tf.add(tf.matMul(top, tf.tensor2d(wOut, [H, V])), tf.tensor1d(params.view('out', H))); // [T·B, V]
    const prior = win.prior ? timeMajor(win.prior, B, T, V) : null; // the n-gram's ln P, [T·B, V] (ngram/input.ts)
    if (prior && this.onDevice) logits = tf.add(logits, tf.tensor2d(prior, [T * B, V]));
    const outSpec = params.spec('out');
    const dBias = grads?.subarray(outSpec.offset + H * V, outSpec.offset + (H + 1) * V);
    let dLogits: tf.Tensor | null = null; // [T·B, V]
    let dLogitsJS: Float32Array | undefined; // the same, when computed in JS
    if (this.onDevice) {
      // Loss and its gradient on the device: no read until the end of the window.
      const y = new Int32Array(T * B); // targets, time-major
      const wts = new Float32Array(T * B);
      for (let t = 0; t < T; t++) {
        for (let b = 0; b < B; b++) {
          const r = t * B + b;
          y[r] = win.targets[b * T + t]!;
          wts[r] = win.weights[b * T + t]!;
          result.count += wts[r]!;
        }
      }
      const Y = tf.cast(tf.oneHot(tf.tensor1d(y, 'int32'), V), 'float32'); // [T·B, V], made on the device, not uploaded (oneHot's own float32 output is all zeros on wasm)
      const Wt = tf.tensor2d(wts, [T * B, 1]);
      const lsm = tf.logSoftmax(logits);
      const lp = tf.sum(tf.mul(lsm, Y), 1, true); // [T·B, 1] log P(target)
      reads.push([tf.neg(tf.sum(tf.mul(lp, Wt))), this.lossOut]);
      if (this.logProbs) reads.push([lp, (this.lpOut = new Float32Array(T * B))]);
      if (train) dLogits = tf.mul(tf.sub(tf.exp(lsm), Y), tf.mul(Wt, scale)); // w·scale·(softmax − onehot)
    } else {
      // In JS: exact float64 sums, no slow reductions on the backend (wasm, cpu, tensorflow).
      const dl = train ? new Float32Array(T * B * V) : undefined;
      const lg = (await logits.data()) as Float32Array;
      if (prior) for (let i = 0; i < lg.length; i++) lg[i]! += prior[i]!;
      const sums = lossInJS(lg, win, V, scale, dl, this.logProbs, dBias);
      result.loss = sums.loss;
      result.count = sums.count;
      dLogitsJS = dl;
      if (dl) dLogits = tf.tensor2d(dl, [T * B, V]);
    }
    if (!train || !grads || !dBias || !dLogits) {
      await this.finish();
      return null;
    }

    // Backward. Output layer first: dW_out = topᵀ·dLogits, db_out = column sums.
    reads.push([tf.matMul(tf.transpose(top), dLogits), grads.subarray(outSpec.offset, outSpec.offset + H * V)]); // [H, V]
    const wOutT = tf.tensor2d(transposeJS(wOut, H, V), [V, H]);
    if (!dLogitsJS) reads.push([tf.sum(dLogits, 0), dBias]); // [V] (with the loss in JS, lossInJS summed it)
    // Kernel stack: the gradient w.r.t. the top output as one [T·B, H] tensor.
    if (this.stack) return this.finishStack(tf.matMul(dLogits, wOutT));
    if (dLogitsJS) {
      // On CPU backends: each step's rows uploaded apart (slicing a big tensor is slow on wasm).
      return Array.from({ length: T }, (_, t) => tf.matMul(tf.tensor2d(dLogitsJS!.subarray(t * B * V, (t + 1) * B * V), [B, V]), wOutT)); // T × [B, H]
    }
    return tf.split(tf.matMul(dLogits, wOutT), T, 0); // T × [B, H]
  }

  /** Backward through time, top layer first: the gates' gradients step by step, then each layer's weight gradients for the window. */
  private async backwardThroughTime(dxsTop: tf.Tensor[]): Promise<void> {
    const { params, cell, B, T, masks, caches, keeps, layerW, ids, reads } = this;
    const grads = this.grads!;
    const { hidden: H, vocabSize: V, layers: L } = this.c;
    const gates = GATES[this.c.cell];
    let dxs = dxsTop;
    for (let l = L - 1; l >= 0; l--) {
      const w = layerW[l]!;
      const I = l === 0 ? V : H;
      const dGates: tf.Tensor[][] = gates.map(() => new Array<tf.Tensor>(T));
      let dhRec: tf.Tensor | null = null;
      let dCarry: tf.Tensor[] = [];
      for (let t = T - 1; t >= 0; t--) {
        const mask = masks[l]![t];
        let dh = mask ? tf.mul(dxs[t]!, mask) : dxs[t]!;
        if (dhRec) dh = tf.add(dh, dhRec);
        const back = cell.backward(w, caches[l]![t]!, dh, dCarry);
        back.dGates.forEach((d, k) => (dGates[k]![t] = d));
        const keep = keeps[t];
        const [dh0, ...rest] = keep ? back.dState.map((d) => tf.mul(d, keep)) : back.dState;
        dhRec = dh0 ?? null;
        dCarry = rest;
      }
      // Weight gradients for the whole window: input and bias rows [X, 1]ᵀ·dZ_g, recurrent rows Sᵀ·dZ_g.
      const dZ = dGates.map((d) => tf.concat(d, 0)); // G × [T·B, H]
      const sT = new Map<number, tf.Tensor>();
      let xT: tf.Tensor | null = null;
      for (const [k, g] of gates.entries()) {
        const si = cell.sOf[k]!;
        if (!sT.has(si))
          sT.set(
            si,
            tf.transpose(
              tf.concat(
                caches[l]!.map((ch) => ch.s[si]!),
                0,
              ),
            ),
          ); // [H, T·B]
        const o = params.spec(`l${l}.${g}`).offset;
        const split = o + (I + 1) * H;
        // Layer 0 on CPU backends: rows scattered by id (no one-hot matmul, whose cost grows with V).
        if (!(l === 0 && (await scatterInputGradient(dZ[k]!, ids, B, grads.subarray(o, split))))) {
          xT ??= inputsT(params, l, ids, this.layerX[l] ?? null, B); // [I + 1, T·B]
          reads.push([tf.matMul(xT, dZ[k]!), grads.subarray(o, split)]); // [I + 1, H]
        }
        reads.push([tf.matMul(sT.get(si)!, dZ[k]!), grads.subarray(split, split + H * H)]); // [H, H]
      }
      // The gradient w.r.t. this layer's input, for the layer below: one matmul per gate for the window.
      if (l > 0) dxs = await perStep(inputGradient(params, l, dZ), T, B); // [T·B, H] → T × [B, H]
    }
  }
}

/** [B, T, V] row-major → [T·B, V] time-major. */
function timeMajor(x: Float32Array, B: number, T: number, V: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out.set(x.subarray((b * T + t) * V, (b * T + t + 1) * V), (t * B + b) * V);
  return out;
}

/** Which of the LSTM's per-step (recurrent) matmuls are fused across its four gates. */
export interface Fusion {
  /** a<t-1>·W_h for all gates as one [H, 4H] matmul, then split into the gates. */
  forward: boolean;
  /** Σ_g dZ_g·W_h,gᵀ as one matmul of the concatenated gate gradients [B, 4H]. */
  backward: boolean;
}

/**
 * Per backend. On wasm both stay per gate: fusing the forward was slower (splitting the
 * [B, 4H] result costs more than the three matmul calls saved: 438 vs 347 ms per 32 × 64
 * window of LSTM 256), fusing the backward alone made no difference beyond the noise
 * (1 × 256: 328–364 vs 351–406 ms; 2 × 256: 882–907 vs 826–906 ms). On webgpu (H200) the
 * fused cell was slower too, 726 vs 566 ms per 1024 × 100 window (its split is four more
 * operations); there the LSTM runs on its own kernels anyway (lstm-kernels.ts), and this
 * applies to the generic path only. On tensorflow (unmeasured) everything is fused.
 */
const FUSION: Record<string, Fusion> = {
  wasm: { forward: false, backward: false },
  cpu: { forward: false, backward: false },
  webgpu: { forward: false, backward: false },
};
let fusionOverride: Fusion | undefined;

/** Force a fusion choice, or back to the backend's (undefined); for tests and measurements. */
export function setFusion(f: Fusion | undefined): void {
  fusionOverride = f;
}

/** Force all-fused (true) or all-per-gate (false), or the backend's choice (undefined). */
export function setFusedGates(v: boolean | undefined): void {
  fusionOverride = v === undefined ? undefined : { forward: v, backward: v };
}

/** Layer l's recurrent rows W_h as tensors; with `backward`, also their transposes. */
function layerTensors(params: Params, l: number, backward: boolean): LayerTensors {
  const c = params.config;
  const H = c.hidden;
  const I = l === 0 ? c.vocabSize : c.hidden;
  const gates = GATES[c.cell];
  const G = gates.length;
  const wh = gates.map((g) => params.view(`l${l}.${g}`).subarray((I + 1) * H)); // [H, H] each, row-major
  const out: LayerTensors = { Wh: [], WhT: [] };
  const fuse = c.cell === 'lstm' ? (fusionOverride ?? FUSION[tf.getBackend()] ?? { forward: true, backward: true }) : { forward: false, backward: false };
  if (fuse.forward) {
    // The LSTM's gates all act on a<t-1>: one [H, 4H] matrix.
    const cat = new Float32Array(H * G * H);
    wh.forEach((w, k) => {
      for (let r = 0; r < H; r++) cat.set(w.subarray(r * H, (r + 1) * H), r * G * H + k * H);
    });
    out.Whcat = tf.tensor2d(cat, [H, G * H]);
  } else {
    out.Wh = wh.map((w) => tf.tensor2d(w, [H, H]));
  }
  if (!backward) return out;
  const whT = wh.map((w) => transposeJS(w, H, H));
  if (fuse.backward) {
    // Stacked transposes: [4H, H].
    const cat = new Float32Array(G * H * H);
    whT.forEach((w, k) => cat.set(w, k * H * H));
    out.WhTcat = tf.tensor2d(cat, [G * H, H]);
  } else {
    out.WhT = whT.map((w) => tf.tensor2d(w, [H, H]));
  }
  return out;
}

let kernelsEnabled = true;

/** Use the LSTM kernels on webgpu (default), or the generic per-op cell there (false); for measurements and tests. */
export function setLstmKernels(v: boolean): void {
  kernelsEnabled = v;
}
