// The LSTM layer stack of one window on the webgpu backend, in few GPU operations: on a GPU
// each TF.js operation costs ~77 µs of dispatch whatever its size (measured on an H200), so
// the gates' element-wise work is done by five hand-written WGSL kernels (three forward,
// two backward) instead of ~45 TF.js ops per step. Same math as lstm.ts, pinned to it.

import * as tf from '@tensorflow/tfjs-core';
import { maskParams, WGSL_HASH32 } from './dropout.js';
import { Params } from './params.js';

/** What TF.js's webgpu backend needs of a program (see its webgpu_program.ts). */
interface Program {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  size: boolean;
  uniforms: string;
  getUserCode(): string;
}
type Uniform = { type: 'int32' | 'uint32' | 'float32'; data: number[] };
interface GpuBackend {
  runWebGPUProgram(p: Program, inputs: tf.TensorInfo[], dtype: 'float32', uniforms: Uniform[]): tf.TensorInfo;
}

const WG = 64;
const COMMON = `
  fn sigm(x : f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }
  fn tanhf(x : f32) -> f32 { let e = exp(-2.0 * abs(x)); return sign(x) * (1.0 - e) / (1.0 + e); }
`;

/**
 * For the step kernels: element `index` of a [B, H] output is unit j of batch row b; its
 * gate-i column in Act [B, 4H] is q (f, g, o at q + H, 2H, 3H), its time-major row r = t·B + b.
 */
const STEP = `
  struct Unit { b : i32, j : i32, q : i32, r : i32 };
  fn unitAt(index : i32) -> Unit {
    let H = uniforms.H;
    let b = index / H;
    return Unit(b, index % H, b * 4 * H + index % H, uniforms.t * uniforms.B + b);
  }
`;

/**
 * For the backward kernels: the gradients w.r.t. h⟨t⟩ and c⟨t⟩ at a unit.
 * dh = DH⟨t⟩ + keep⟨t+1⟩·DR (DR = dA⟨t+1⟩·W_hᵀ), dc = DC + dh·o·(1 − tanh²c), where DC
 * already carries keep⟨t+1⟩·f⟨t+1⟩.
 */
const BACK = `
  fn stateGrads(u : Unit) -> vec2<f32> {
    let H = uniforms.H;
    var kn = 0.0;
    if (uniforms.t + 1 < uniforms.T) { kn = K[u.r + uniforms.B]; }
    let x = u.b * H + u.j;
    let dh = DH[u.r * H + u.j] + kn * DR[x];
    let tc = tanhf(C[x]);
    return vec2<f32>(dh, DC[x] + dh * Act[u.q + 3 * H] * (1.0 - tc * tc));
  }
`;

/**
 * Kernel bodies (`index` runs over the output). Per-window inputs (XW, DH, K) are
 * time-major; Act holds the activated gates [i, f, g, o] side by side ([B, 4H]); K is the
 * reset mask (0 where the step's input is <EOS>).
 */
const BODIES: Record<string, { inputs: string[]; width: number; code: string }> = {
  // Activated gates: σ or tanh of keep·(h·W_h) + (x·W_x + b).
  act: {
    inputs: ['G', 'XW', 'K'],
    width: 4,
    code: `
      let H4 = 4 * uniforms.H;
      let r = uniforms.t * uniforms.B + index / H4;
      let a = K[r] * G[index] + XW[r * H4 + index % H4];
      if ((index % H4) / uniforms.H == 2) { setOutputAtIndex(index, tanhf(a)); } else { setOutputAtIndex(index, sigm(a)); }`,
  },
  // c⟨t⟩ = f·(keep·c⟨t−1⟩) + i·g.
  cell: {
    inputs: ['Act', 'Cp', 'K'],
    width: 1,
    code: `
      let u = unitAt(index);
      let H = uniforms.H;
      setOutputAtIndex(index, Act[u.q + H] * K[u.r] * Cp[index] + Act[u.q] * Act[u.q + 2 * H]);`,
  },
  // h⟨t⟩ = o·tanh(c⟨t⟩).
  out: {
    inputs: ['Act', 'C'],
    width: 1,
    code: `
      let u = unitAt(index);
      setOutputAtIndex(index, Act[u.q + 3 * uniforms.H] * tanhf(C[index]));`,
  },
  // Gradient w.r.t. the four pre-activations ([B, 4H]).
  dgates: {
    inputs: ['DH', 'DR', 'DC', 'Act', 'Cp', 'C', 'K'],
    width: 4,
    code: `
      let H = uniforms.H;
      let gate = (index % (4 * H)) / H;
      let u = unitAt((index / (4 * H)) * H + index % H);
      let d2 = stateGrads(u);
      let dh = d2.x;
      let dc = d2.y;
      let i = Act[u.q]; let f = Act[u.q + H]; let g = Act[u.q + 2 * H]; let o = Act[u.q + 3 * H];
      let tc = tanhf(C[u.b * H + u.j]);
      var d = dh * tc * o * (1.0 - o);
      if (gate == 0) { d = dc * g * i * (1.0 - i); }
      if (gate == 1) { d = dc * K[u.r] * Cp[u.b * H + u.j] * f * (1.0 - f); }
      if (gate == 2) { d = dc * i * (1.0 - g * g); }
      setOutputAtIndex(index, d);`,
  },
  // The carried cell gradient for step t − 1: keep⟨t⟩·dc·f.
  dcarry: {
    inputs: ['DH', 'DR', 'DC', 'Act', 'C', 'K'],
    width: 1,
    code: `
      let u = unitAt(index);
      setOutputAtIndex(index, K[u.r] * stateGrads(u).y * Act[u.q + uniforms.H]);`,
  },
};

/** Run a program over every element of an output of shape `outputShape` (one thread each). */
function launch(
  key: string,
  variableNames: string[],
  inputs: tf.Tensor[],
  outputShape: number[],
  uniforms: string,
  data: Uniform[],
  code: string,
  prelude = '',
): tf.Tensor {
  const size = outputShape.reduce((a, b) => a * b, 1);
  const program: Program = {
    variableNames,
    outputShape,
    shaderKey: `rnnlm_${key}`,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.ceil(size / WG), 1, 1],
    workgroupSize: [WG, 1, 1],
    size: true,
    uniforms,
    getUserCode: () => `${COMMON}${prelude}
      fn main(index : i32) {
        if (index < uniforms.size) {${code}
        }
      }`,
  };
  const backend = tf.backend() as unknown as GpuBackend;
  return tf.engine().makeTensorFromTensorInfo(backend.runWebGPUProgram(program, inputs, 'float32', data));
}

/** Run kernel `name` for step t of a window of B rows, T steps, H units. */
function run(name: keyof typeof BODIES, inputs: tf.Tensor[], B: number, H: number, T: number, t: number): tf.Tensor {
  const k = BODIES[name]!;
  const data = [t, B, H, T].map((v): Uniform => ({ type: 'int32', data: [v] }));
  const prelude = name.startsWith('d') ? STEP + BACK : STEP;
  return launch(`lstm_${name}`, k.inputs, inputs, [B, k.width * H], 't : i32, B : i32, H : i32, T : i32,', data, k.code, prelude);
}

/** A layer's dropout masks for the window, [T·B, H], as dropout.ts draws them. */
function dropoutMask(B: number, T: number, H: number, d: { p: number; seed: number; rowOffset: number }, layer: number): tf.Tensor {
  const { layerKey, threshold, scale } = maskParams(d.p, d.seed, layer);
  const data: Uniform[] = [
    { type: 'uint32', data: [layerKey] },
    { type: 'uint32', data: [threshold] },
    { type: 'float32', data: [scale] },
    { type: 'int32', data: [d.rowOffset] },
    { type: 'int32', data: [B] },
    { type: 'int32', data: [H] },
  ];
  const code = `
      let H = uniforms.H;
      let r = index / H;
      let t = r / uniforms.B;
      let key = hash32(uniforms.layerKey ^ u32(uniforms.rowOffset + r % uniforms.B));
      let v = hash32(key ^ u32(t * H + index % H));
      setOutputAtIndex(index, select(0.0, uniforms.scale, v >= uniforms.threshold));`;
  return launch(
    'dropout_mask',
    [],
    [],
    [T * B, H],
    'layerKey : u32, threshold : u32, scale : f32, rowOffset : i32, B : i32, H : i32,',
    data,
    code,
    WGSL_HASH32,
  );
}

export interface KernelStackInput {
  params: Params;
  /** Input ids, time-major [T·B]. */
  ids: Int32Array;
  /** 0 where the step's input is <EOS> (the state is reset), else 1; time-major [T·B]. */
  keep: Float32Array;
  B: number;
  T: number;
  /** Carried state per layer: [h, c], each [B·H]. */
  state: Float32Array[][];
  /** Dropout on each layer's output (masks drawn on the GPU as dropout.ts draws them), or null. */
  dropout: { p: number; seed: number; rowOffset: number } | null;
  train: boolean;
}

export interface KernelStack {
  /** The top layer's output (dropout applied), [T·B, H]. */
  top: tf.Tensor;
  /** Per layer the final [h, c], each [B, H]. */
  finalState: tf.Tensor[][];
  /**
   * Backward from dTop ([T·B, H]): queues every weight gradient for reading (`reads`) and
   * returns what to do once read (scatter the gate blocks into `grads`).
   */
  backward(dTop: tf.Tensor, reads: Array<[tf.Tensor, Float32Array]>, grads: Float32Array): () => void;
}

/** Forward through all layers of an LSTM over one window with the kernels above. */
export function kernelStack(inp: KernelStackInput): KernelStack {
  const { params, B, T, train } = inp;
  const { hidden: H, vocabSize: V, layers: L } = params.config;
  const K = tf.tensor1d(inp.keep); // [T·B]
  const idsT = tf.tensor1d(inp.ids, 'int32'); // [T·B]
  const layers: { Wx: tf.Tensor | null; Wh: tf.Tensor; xin: tf.Tensor | null; acts: tf.Tensor[]; cs: tf.Tensor[]; hs: tf.Tensor[]; mask: tf.Tensor | null }[] =
    [];
  const finalState: tf.Tensor[][] = [];
  let below: tf.Tensor | null = null; // the layer below's output, [T·B, H]
  for (let l = 0; l < L; l++) {
    // The four gates side by side: W_x [I, 4H], W_h [H, 4H], b [4H].
    const { kernel, recurrent, bias } = params.layerToKeras(l);
    let xw: tf.Tensor; // x·W_x + b for every step: [T·B, 4H]
    let Wx: tf.Tensor | null = null;
    if (l === 0) {
      // One-hot input: a row of W_x (plus the bias) per step and row.
      for (let v = 0; v < V; v++) for (let j = 0; j < 4 * H; j++) kernel[v * 4 * H + j]! += bias[j]!;
      xw = tf.gather(tf.tensor2d(kernel, [V, 4 * H]), idsT);
    } else {
      Wx = tf.tensor2d(kernel, [H, 4 * H]);
      xw = tf.add(tf.matMul(below!, Wx), tf.tensor1d(bias));
    }
    const Wh = tf.tensor2d(recurrent, [H, 4 * H]);
    let h: tf.Tensor = tf.tensor2d(inp.state[l]![0]!, [B, H]);
    let c: tf.Tensor = tf.tensor2d(inp.state[l]![1]!, [B, H]);
    const acts: tf.Tensor[] = [];
    const cs: tf.Tensor[] = [c]; // c⟨−1⟩ … c⟨T−1⟩
    const hs: tf.Tensor[] = [h]; // h⟨−1⟩ … h⟨T−1⟩
    for (let t = 0; t < T; t++) {
      const act = run('act', [tf.matMul(h, Wh), xw, K], B, H, T, t); // [B, 4H]
      c = run('cell', [act, c, K], B, H, T, t); // [B, H]
      h = run('out', [act, c], B, H, T, t); // [B, H]
      if (train) acts.push(act);
      cs.push(c);
      hs.push(h);
    }
    finalState.push([h, c]);
    const mask = inp.dropout ? dropoutMask(B, T, H, inp.dropout, l) : null; // [T·B, H]
    const outAll = tf.concat(hs.slice(1), 0); // [T·B, H]
    layers.push({ Wx, Wh, xin: below, acts, cs, hs, mask });
    below = mask ? tf.mul(outAll, mask) : outAll;
  }

  const backward = (dTop: tf.Tensor, reads: Array<[tf.Tensor, Float32Array]>, grads: Float32Array): (() => void) => {
    const scatters: (() => void)[] = [];
    const gradView = new Params(params.config, grads); // the gradients in the parameters' layout
    let dOut = dTop; // gradient w.r.t. layer l's output (after its dropout), [T·B, H]
    for (let l = L - 1; l >= 0; l--) {
      const { Wx, Wh, xin, acts, cs, hs, mask } = layers[l]!;
      const I = l === 0 ? V : H;
      const DH = mask ? tf.mul(dOut, mask) : dOut;
      let DR: tf.Tensor = tf.zeros([B, H]);
      let DC = DR;
      const dA: tf.Tensor[] = new Array<tf.Tensor>(T);
      for (let t = T - 1; t >= 0; t--) {
        dA[t] = run('dgates', [DH, DR, DC, acts[t]!, cs[t]!, cs[t + 1]!, K], B, H, T, t); // [B, 4H]
        DC = run('dcarry', [DH, DR, DC, acts[t]!, cs[t + 1]!, K], B, H, T, t); // [B, H]
        DR = tf.matMul(dA[t]!, Wh, false, true); // [B, H]
      }
      const dAll = tf.concat(dA, 0); // [T·B, 4H]
      // Weight gradients for the window: rows of z = [x, 1, keep·h⟨t−1⟩].
      const hPrev = tf.mul(tf.concat(hs.slice(0, T), 0), tf.reshape(K, [T * B, 1])); // [T·B, H]
      const x = l === 0 ? tf.cast(tf.oneHot(idsT, V), 'float32') : xin!; // [T·B, I]
      const dWx = new Float32Array(I * 4 * H);
      const db = new Float32Array(4 * H);
      const dWh = new Float32Array(H * 4 * H);
      reads.push([tf.matMul(x, dAll, true, false), dWx], [tf.sum(dAll, 0), db], [tf.matMul(hPrev, dAll, true, false), dWh]);
      scatters.push(() => gradView.setLayerFromKeras(l, dWx, dWh, db));
      if (Wx) dOut = tf.matMul(dAll, Wx, false, true); // [T·B, H]
    }
    return () => scatters.forEach((s) => s());
  };
  return { top: below!, finalState, backward };
}
