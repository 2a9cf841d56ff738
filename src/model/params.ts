// All trainable weights in one flat Float32Array, with a named view per matrix. Each gate g
// of layer l is one matrix `l{l}.{g}` of shape [I + 1 + H, H]: rows [0, I) multiply the
// input, row I is the bias, rows [I+1, I+1+H) multiply the previous state — so a step is a
// single matmul of [x, 1, a<t-1>] with it. The output layer `out` is [H + 1, V] (bias last);
// a factored model (factored.ts) also has the class layer `cls` [H + 1, C] after it.
// toKeras/fromKeras convert to the Keras layout (kernel [I, G·H], recurrent_kernel [H, G·H],
// bias [G·H], gates side by side in Keras order).

import { Rng } from '../common/rng.js';
import { GATES, outputClasses, type ModelConfig } from './config.js';

export interface ParamSpec {
  name: string;
  rows: number;
  cols: number;
  offset: number;
}

export function layout(c: ModelConfig): ParamSpec[] {
  const specs: ParamSpec[] = [];
  let offset = 0;
  const add = (name: string, rows: number, cols: number) => {
    specs.push({ name, rows, cols, offset });
    offset += rows * cols;
  };
  for (let l = 0; l < c.layers; l++) {
    const input = l === 0 ? c.vocabSize : c.hidden;
    for (const g of GATES[c.cell]) add(`l${l}.${g}`, input + 1 + c.hidden, c.hidden);
  }
  add('out', c.hidden + 1, c.vocabSize);
  const C = outputClasses(c);
  if (C > 0) add('cls', c.hidden + 1, C);
  return specs;
}

export class Params {
  readonly specs: ParamSpec[];
  private readonly byName: Map<string, ParamSpec>;

  constructor(
    readonly config: ModelConfig,
    readonly data: Float32Array = new Float32Array(total(layout(config))),
  ) {
    this.specs = layout(config);
    this.byName = new Map(this.specs.map((s) => [s.name, s]));
    if (data.length !== total(this.specs)) throw new Error(`parameter array has ${data.length} values, expected ${total(this.specs)}`);
  }

  spec(name: string): ParamSpec {
    const s = this.byName.get(name);
    if (!s) throw new Error(`no parameter ${name}`);
    return s;
  }

  /** The values of one matrix, row-major, sharing memory with `data`. */
  view(name: string, from = 0, to?: number): Float32Array {
    const s = this.spec(name);
    const end = to ?? s.rows;
    return this.data.subarray(s.offset + from * s.cols, s.offset + end * s.cols);
  }

  /**
   * Keras-compatible initialisation: kernels Glorot-uniform, recurrent kernels orthogonal,
   * biases zero except the LSTM forget gate (1, "unit forget bias"); output Glorot-uniform.
   */
  static init(c: ModelConfig, rng: Rng): Params {
    const p = new Params(c);
    const G = GATES[c.cell].length;
    const H = c.hidden;
    for (let l = 0; l < c.layers; l++) {
      const I = l === 0 ? c.vocabSize : H;
      const kernel = new Float32Array(I * G * H);
      const limit = Math.sqrt(6 / (I + G * H));
      for (let i = 0; i < kernel.length; i++) kernel[i] = rng.uniform(-limit, limit);
      const recurrent = orthogonal(H, G * H, rng);
      const bias = new Float32Array(G * H);
      if (c.cell === 'lstm') bias.fill(1, H, 2 * H);
      p.setLayerFromKeras(l, kernel, recurrent, bias);
    }
    const out = p.view('out');
    const limit = Math.sqrt(6 / (H + c.vocabSize));
    for (let i = 0; i < H * c.vocabSize; i++) out[i] = rng.uniform(-limit, limit);
    const C = outputClasses(c);
    if (C > 0) {
      const cls = p.view('cls');
      const lim = Math.sqrt(6 / (H + C));
      for (let i = 0; i < H * C; i++) cls[i] = rng.uniform(-lim, lim);
    }
    return p;
  }

  /** Layer l's weights in Keras layout: kernel [I, G·H], recurrent [H, G·H], bias [G·H]. */
  layerToKeras(l: number): { kernel: Float32Array; recurrent: Float32Array; bias: Float32Array } {
    const { I, H, gates } = this.dims(l);
    const G = gates.length;
    const kernel = new Float32Array(I * G * H);
    const recurrent = new Float32Array(H * G * H);
    const bias = new Float32Array(G * H);
    gates.forEach((g, k) => {
      const w = this.view(`l${l}.${g}`);
      for (let r = 0; r < I; r++) kernel.set(w.subarray(r * H, (r + 1) * H), r * G * H + k * H);
      bias.set(w.subarray(I * H, (I + 1) * H), k * H);
      for (let r = 0; r < H; r++) recurrent.set(w.subarray((I + 1 + r) * H, (I + 2 + r) * H), r * G * H + k * H);
    });
    return { kernel, recurrent, bias };
  }

  setLayerFromKeras(l: number, kernel: Float32Array, recurrent: Float32Array, bias: Float32Array): void {
    const { I, H, gates } = this.dims(l);
    const G = gates.length;
    gates.forEach((g, k) => {
      const w = this.view(`l${l}.${g}`);
      for (let r = 0; r < I; r++) w.set(kernel.subarray(r * G * H + k * H, r * G * H + (k + 1) * H), r * H);
      w.set(bias.subarray(k * H, (k + 1) * H), I * H);
      for (let r = 0; r < H; r++) w.set(recurrent.subarray(r * G * H + k * H, r * G * H + (k + 1) * H), (I + 1 + r) * H);
    });
  }

  /**
   * All weights in Keras order: per layer kernel, recurrent_kernel, bias; then dense kernel,
   * bias; a factored model then the class layer's kernel and bias.
   */
  toKeras(): Float32Array[] {
    const out: Float32Array[] = [];
    for (let l = 0; l < this.config.layers; l++) {
      const k = this.layerToKeras(l);
      out.push(k.kernel, k.recurrent, k.bias);
    }
    const H = this.config.hidden;
    for (const name of outputNames(this.config)) out.push(this.view(name, 0, H).slice(), this.view(name, H).slice());
    return out;
  }

  static fromKeras(c: ModelConfig, arrays: Float32Array[]): Params {
    const p = new Params(c);
    for (let l = 0; l < c.layers; l++) p.setLayerFromKeras(l, arrays[3 * l]!, arrays[3 * l + 1]!, arrays[3 * l + 2]!);
    outputNames(c).forEach((name, k) => {
      p.view(name, 0, c.hidden).set(arrays[3 * c.layers + 2 * k]!);
      p.view(name, c.hidden).set(arrays[3 * c.layers + 2 * k + 1]!);
    });
    return p;
  }

  private dims(l: number) {
    const c = this.config;
    return { I: l === 0 ? c.vocabSize : c.hidden, H: c.hidden, gates: GATES[c.cell] };
  }
}

/** Keras shapes of toKeras() arrays, in the same order. */
export function kerasShapes(c: ModelConfig): number[][] {
  const G = GATES[c.cell].length;
  const shapes: number[][] = [];
  for (let l = 0; l < c.layers; l++) {
    const I = l === 0 ? c.vocabSize : c.hidden;
    shapes.push([I, G * c.hidden], [c.hidden, G * c.hidden], [G * c.hidden]);
  }
  shapes.push([c.hidden, c.vocabSize], [c.vocabSize]);
  const C = outputClasses(c);
  if (C > 0) shapes.push([c.hidden, C], [C]);
  return shapes;
}

/** The output layers' parameters: `out`, and `cls` for a factored model. */
function outputNames(c: ModelConfig): string[] {
  return outputClasses(c) > 0 ? ['out', 'cls'] : ['out'];
}

function total(specs: ParamSpec[]): number {
  return specs.reduce((a, s) => a + s.rows * s.cols, 0);
}

/** A rows×cols matrix with orthonormal rows (rows ≤ cols), by Gram–Schmidt on normals. */
function orthogonal(rows: number, cols: number, rng: Rng): Float32Array {
  const q = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const v = q.subarray(r * cols, (r + 1) * cols);
    for (;;) {
      for (let j = 0; j < cols; j++) v[j] = rng.normal();
      for (let k = 0; k < r; k++) {
        const u = q.subarray(k * cols, (k + 1) * cols);
        let d = 0;
        for (let j = 0; j < cols; j++) d += u[j]! * v[j]!;
        for (let j = 0; j < cols; j++) v[j]! -= d * u[j]!;
      }
      let n = 0;
      for (let j = 0; j < cols; j++) n += v[j]! * v[j]!;
      n = Math.sqrt(n);
      if (n > 1e-6) {
        for (let j = 0; j < cols; j++) v[j]! /= n;
        break;
      }
    }
  }
  return Float32Array.from(q);
}
