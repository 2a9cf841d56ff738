// One sequence run through the network in float64 JavaScript, every step kept: the gates
// after each input, and the gradient of one prediction's log-probability with respect to
// every earlier input vector (backpropagation through time by hand, one row). Inputs may be
// token ids (one-hot) or any vectors of the vocabulary's size, so the gradient can be checked
// by finite differences. Slow next to the batched path, which is why only `inside` uses it.
// Starts from the zero state; an <EOS> input after the first does not reset here (callers
// cut sequences at <EOS>, as training does).

import type { CellKind, ModelConfig } from './config.js';
import type { Params } from './params.js';
import type { Classes } from './classes.js';
import { classesOf, factoredLogProbs } from './factored.js';

/** An input: a token id (one-hot) or a vector of vocabSize values. */
export type Input = number | Float64Array;

interface LayerW {
  /** Input rows, Keras layout: [I, G·H], gates side by side. */
  Wx: Float64Array;
  /** Recurrent rows: [H, G·H]. */
  Wh: Float64Array;
  /** [G·H]. */
  b: Float64Array;
  I: number;
}

/** What one layer did at one step; gate values after their nonlinearity, [H] each. */
export interface LayerStep {
  /** Input of this layer (layer 0: the input vector, or null for a one-hot id). */
  x: Float64Array | null;
  hPrev: Float64Array;
  cPrev: Float64Array | null;
  /** Gate activations by Keras gate name (lstm i f c o; gru z r h; rnn h). */
  gates: Record<string, Float64Array>;
  h: Float64Array;
  c: Float64Array | null;
}

export interface Trace {
  inputs: Input[];
  /** [step][layer]. */
  steps: LayerStep[][];
  /** log P(next token) after each input, [V] each. */
  logProbs: Float64Array[];
}

export class Unrolled {
  readonly config: ModelConfig;
  private readonly layers: LayerW[];
  /** Output weights [H, V] and bias [V]. */
  private readonly Wy: Float64Array;
  private readonly by: Float64Array;
  /** A factored model's class layer [H, C], its bias [C], and its classes. */
  private readonly cls: { W: Float64Array; b: Float64Array; k: Classes } | null;

  constructor(params: Params) {
    const c = (this.config = params.config);
    this.layers = Array.from({ length: c.layers }, (_, l) => {
      const k = params.layerToKeras(l);
      return { Wx: Float64Array.from(k.kernel), Wh: Float64Array.from(k.recurrent), b: Float64Array.from(k.bias), I: l === 0 ? c.vocabSize : c.hidden };
    });
    this.Wy = Float64Array.from(params.view('out', 0, c.hidden));
    this.by = Float64Array.from(params.view('out', c.hidden));
    const k = classesOf(c);
    this.cls = k ? { W: Float64Array.from(params.view('cls', 0, c.hidden)), b: Float64Array.from(params.view('cls', c.hidden)), k } : null;
  }

  /** Run the inputs from the zero state, keeping everything. */
  forward(inputs: readonly Input[]): Trace {
    const { layers: L, hidden: H, cell, vocabSize: V } = this.config;
    const h: Float64Array[] = Array.from({ length: L }, () => new Float64Array(H));
    const c: Array<Float64Array | null> = Array.from({ length: L }, () => (cell === 'lstm' ? new Float64Array(H) : null));
    const steps: LayerStep[][] = [];
    const logProbs: Float64Array[] = [];
    for (const input of inputs) {
      const row: LayerStep[] = [];
      let below: Float64Array | null = null;
      this.layers.forEach((w, l) => {
        const x = l === 0 ? (typeof input === 'number' ? null : input) : below!;
        if (l === 0 && typeof input === 'number' && (input < 0 || input >= V)) throw new Error(`token id ${input} outside the vocabulary`);
        const pre = this.inputPart(w, l === 0 && typeof input === 'number' ? input : x!);
        const step = stepCell(cell, w, pre, h[l]!, c[l]!);
        row.push({ x, hPrev: h[l]!, cPrev: c[l]!, gates: step.gates, h: step.h, c: step.c });
        h[l] = step.h;
        c[l] = step.c;
        below = step.h;
      });
      steps.push(row);
      logProbs.push(this.output(below!));
    }
    return { inputs: [...inputs], steps, logProbs };
  }

  /**
   * ∂ log P(target | inputs 0..at) / ∂ x<k> for k = 0..at: one [V] vector per input (all V
   * components of the input vector, not only the one that is 1). With `from`, the pass back
   * stops there and the vectors before it are left empty (length 0).
   */
  inputGradient(trace: Trace, at: number, target: number, from = 0): Float64Array[] {
    const { layers: L, hidden: H, cell, vocabSize: V } = this.config;
    if (at < 0 || at >= trace.steps.length) throw new Error(`position ${at} outside 0..${trace.steps.length - 1}`);
    // d log softmax(z)[target] / dz = onehot(target) − softmax(z)
    const lp = trace.logProbs[at]!;
    const dz = new Float64Array(V);
    const dhTop = new Float64Array(H);
    if (this.cls) {
      // Factored: d/dz within the target's class only (onehot − the class's softmax), and
      // through the class layer d/dzc = onehot(class) − softmax over the classes.
      const { W, k } = this.cls;
      const c = k.classOf[target]!;
      const lc = this.classLogProbs(trace.steps[at]![L - 1]!.h);
      for (const v of k.members[c]!) dz[v] = (v === target ? 1 : 0) - Math.exp(lp[v]! - lc[c]!);
      const C = lc.length;
      for (let j = 0; j < H; j++) {
        let s = 0;
        for (let q = 0; q < C; q++) s += W[j * C + q]! * ((q === c ? 1 : 0) - Math.exp(lc[q]!));
        dhTop[j] = s;
      }
    } else {
      for (let v = 0; v < V; v++) dz[v] = (v === target ? 1 : 0) - Math.exp(lp[v]!);
    }
    // The gradient reaching each layer's output at the current step (from above), and its
    // recurrent carry from the step after.
    for (let k = 0; k < H; k++) {
      let s = 0;
      for (let v = 0; v < V; v++) s += this.Wy[k * V + v]! * dz[v]!;
      dhTop[k]! += s;
    }
    const dhNext = Array.from({ length: L }, () => new Float64Array(H));
    const dcNext = Array.from({ length: L }, () => new Float64Array(H));
    const out: Float64Array[] = Array.from({ length: at + 1 }, () => new Float64Array(0));
    for (let t = at; t >= Math.max(0, from); t--) {
      let fromAbove: Float64Array = t === at ? dhTop : new Float64Array(H);
      for (let l = L - 1; l >= 0; l--) {
        const w = this.layers[l]!;
        const st = trace.steps[t]![l]!;
        const dh = new Float64Array(H);
        for (let k = 0; k < H; k++) dh[k] = fromAbove[k]! + dhNext[l]![k]!;
        const back = backCell(cell, w, st, dh, dcNext[l]!);
        dhNext[l] = back.dhPrev;
        dcNext[l] = back.dcPrev;
        // d/du of u·Wx: Wx · dpre, [I]
        const du = new Float64Array(w.I);
        const GH = w.b.length;
        for (let i = 0; i < w.I; i++) {
          let s = 0;
          const o = i * GH;
          for (let j = 0; j < GH; j++) s += w.Wx[o + j]! * back.dpre[j]!;
          du[i] = s;
        }
        fromAbove = du;
      }
      out[t] = fromAbove;
    }
    return out;
  }

  /** b + u·Wx, or b + row `id` of Wx for a one-hot input. [G·H] */
  private inputPart(w: LayerW, u: number | Float64Array): Float64Array {
    const GH = w.b.length;
    const pre = Float64Array.from(w.b);
    if (typeof u === 'number') {
      const o = u * GH;
      for (let j = 0; j < GH; j++) pre[j]! += w.Wx[o + j]!;
      return pre;
    }
    for (let i = 0; i < w.I; i++) {
      const a = u[i]!;
      if (a === 0) continue;
      const o = i * GH;
      for (let j = 0; j < GH; j++) pre[j]! += a * w.Wx[o + j]!;
    }
    return pre;
  }

  /** A factored model's class logits h·Wc + bc, [C]. */
  private classLogits(h: Float64Array): Float64Array {
    const { W, b } = this.cls!;
    const C = b.length;
    const z = Float64Array.from(b);
    for (let k = 0; k < h.length; k++) for (let q = 0; q < C; q++) z[q]! += h[k]! * W[k * C + q]!;
    return z;
  }

  /** log softmax of the class logits, [C]. */
  private classLogProbs(h: Float64Array): Float64Array {
    const z = this.classLogits(h);
    let max = -Infinity;
    for (const x of z) max = Math.max(max, x);
    let s = 0;
    for (const x of z) s += Math.exp(x - max);
    const lse = max + Math.log(s);
    return z.map((x) => x - lse);
  }

  /** log softmax(h·Wy + by), [V]; a factored model's exact distribution (factored.ts). */
  private output(h: Float64Array): Float64Array {
    const { hidden: H, vocabSize: V } = this.config;
    const z = Float64Array.from(this.by);
    for (let k = 0; k < H; k++) {
      const a = h[k]!;
      const o = k * V;
      for (let v = 0; v < V; v++) z[v]! += a * this.Wy[o + v]!;
    }
    if (this.cls) {
      factoredLogProbs(z, this.classLogits(h), this.cls.k);
      return z;
    }
    let max = -Infinity;
    for (let v = 0; v < V; v++) max = Math.max(max, z[v]!);
    let s = 0;
    for (let v = 0; v < V; v++) s += Math.exp(z[v]! - max);
    const lse = max + Math.log(s);
    for (let v = 0; v < V; v++) z[v]! -= lse;
    return z;
  }
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** acc[at + j] += Σ_k v[k] · W[k, from + j] for j < n; W is [rows, cols]. */
function addVecMat(acc: Float64Array, at: number, v: Float64Array, W: Float64Array, cols: number, from: number, n: number): void {
  for (let k = 0; k < v.length; k++) {
    const a = v[k]!;
    if (a === 0) continue;
    const o = k * cols + from;
    for (let j = 0; j < n; j++) acc[at + j]! += a * W[o + j]!;
  }
}

/** out[k] += Σ_j W[k, from + j] · d[j] for j < n (W [rows, cols]). */
function addMatVec(out: Float64Array, W: Float64Array, cols: number, from: number, d: Float64Array, dFrom: number, n: number): void {
  for (let k = 0; k < out.length; k++) {
    let s = 0;
    const o = k * cols + from;
    for (let j = 0; j < n; j++) s += W[o + j]! * d[dFrom + j]!;
    out[k]! += s;
  }
}

/** One forward step of a cell given the input part `pre` ([G·H], modified in place). */
function stepCell(
  cell: CellKind,
  w: LayerW,
  pre: Float64Array,
  hPrev: Float64Array,
  cPrev: Float64Array | null,
): { gates: Record<string, Float64Array>; h: Float64Array; c: Float64Array | null } {
  const H = hPrev.length;
  const GH = pre.length;
  const slice = (g: number) => new Float64Array(H).map((_, j) => pre[g * H + j]!);
  if (cell === 'lstm') {
    addVecMat(pre, 0, hPrev, w.Wh, GH, 0, GH);
    const i = slice(0).map(sigmoid);
    const f = slice(1).map(sigmoid);
    const g = slice(2).map(Math.tanh);
    const o = slice(3).map(sigmoid);
    const c = new Float64Array(H).map((_, j) => f[j]! * cPrev![j]! + i[j]! * g[j]!);
    const h = new Float64Array(H).map((_, j) => o[j]! * Math.tanh(c[j]!));
    return { gates: { i, f, c: g, o }, h, c };
  }
  if (cell === 'gru') {
    addVecMat(pre, 0, hPrev, w.Wh, GH, 0, 2 * H); // z and r act on a<t-1>
    const z = slice(0).map(sigmoid);
    const r = slice(1).map(sigmoid);
    const rh = new Float64Array(H).map((_, j) => r[j]! * hPrev[j]!);
    addVecMat(pre, 2 * H, rh, w.Wh, GH, 2 * H, H); // the candidate acts on r * a<t-1>
    const hh = slice(2).map(Math.tanh);
    const h = new Float64Array(H).map((_, j) => z[j]! * hPrev[j]! + (1 - z[j]!) * hh[j]!);
    return { gates: { z, r, h: hh }, h, c: null };
  }
  addVecMat(pre, 0, hPrev, w.Wh, GH, 0, GH);
  const h = slice(0).map(Math.tanh);
  return { gates: { h }, h, c: null };
}

/**
 * One step back: from dh (total gradient w.r.t. this step's output) and dc (LSTM: w.r.t. its
 * cell state from the step after), the gradients w.r.t. the gates' pre-activations ([G·H])
 * and the previous state.
 */
function backCell(cell: CellKind, w: LayerW, st: LayerStep, dh: Float64Array, dcIn: Float64Array) {
  const H = dh.length;
  const GH = w.b.length;
  const dpre = new Float64Array(GH);
  const dhPrev = new Float64Array(H);
  const dcPrev = new Float64Array(H);
  if (cell === 'lstm') {
    const { i, f, c: g, o } = st.gates as Record<'i' | 'f' | 'c' | 'o', Float64Array>;
    for (let j = 0; j < H; j++) {
      const tc = Math.tanh(st.c![j]!);
      const dc = dcIn[j]! + dh[j]! * o[j]! * (1 - tc * tc);
      dpre[j] = dc * g[j]! * i[j]! * (1 - i[j]!);
      dpre[H + j] = dc * st.cPrev![j]! * f[j]! * (1 - f[j]!);
      dpre[2 * H + j] = dc * i[j]! * (1 - g[j]! * g[j]!);
      dpre[3 * H + j] = dh[j]! * tc * o[j]! * (1 - o[j]!);
      dcPrev[j] = dc * f[j]!;
    }
    addMatVec(dhPrev, w.Wh, GH, 0, dpre, 0, GH);
  } else if (cell === 'gru') {
    const { z, r, h: hh } = st.gates as Record<'z' | 'r' | 'h', Float64Array>;
    for (let j = 0; j < H; j++) {
      dpre[j] = dh[j]! * (st.hPrev[j]! - hh[j]!) * z[j]! * (1 - z[j]!);
      dpre[2 * H + j] = dh[j]! * (1 - z[j]!) * (1 - hh[j]! * hh[j]!);
      dhPrev[j] = dh[j]! * z[j]!;
    }
    const drh = new Float64Array(H);
    addMatVec(drh, w.Wh, GH, 2 * H, dpre, 2 * H, H);
    for (let j = 0; j < H; j++) {
      dpre[H + j] = drh[j]! * st.hPrev[j]! * r[j]! * (1 - r[j]!);
      dhPrev[j]! += drh[j]! * r[j]!;
    }
    addMatVec(dhPrev, w.Wh, GH, 0, dpre, 0, 2 * H);
  } else {
    for (let j = 0; j < H; j++) dpre[j] = dh[j]! * (1 - st.h[j]! * st.h[j]!);
    addMatVec(dhPrev, w.Wh, GH, 0, dpre, 0, GH);
  }
  return { dpre, dhPrev, dcPrev };
}
