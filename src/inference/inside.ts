// Inside the cells, on a trained model: the gates after each character (per layer, as means
// over the units, the shares of units near open or shut, and per unit), the influence of
// each earlier input on one prediction — ‖∂ log P(y<N>) / ∂ x<k>‖₂ over the one-hot input
// vector at k — and that influence averaged by distance over a text: the vanishing gradient,
// measured. The network alone (an n-gram mixed in at scoring time is not part of it).
// Browser-safe: the page computes the same numbers with this code.

import type { CellKind } from '../model/config.js';
import type { Params } from '../model/params.js';
import { Unrolled, type LayerStep } from '../model/unrolled.js';
import { EOS, EOS_ID, type Vocab } from '../text/tokenizer.js';
import { inputError } from '../common/errors.js';

/** Gates by the names of the notation: LSTM Γu Γf Γo, GRU Γu Γr; a plain RNN has none. */
export type GateName = 'update' | 'forget' | 'output' | 'reset';

export const GATE_NAMES: Record<CellKind, readonly GateName[]> = {
  lstm: ['update', 'forget', 'output'],
  gru: ['update', 'reset'],
  rnn: [],
};

/**
 * A gate's values at one step, [H]. LSTM: i, f, o as the model computes them. GRU: Keras's
 * a<t> = z * a<t-1> + (1 − z) * ã, so Γu (the share of the candidate ã taken) is 1 − z, and
 * Γr is r.
 */
export function gateValues(cell: CellKind, st: LayerStep, gate: GateName): Float64Array {
  const g = st.gates;
  if (cell === 'lstm') return { update: g.i, forget: g.f, output: g.o, reset: undefined }[gate]!;
  if (cell === 'gru' && gate === 'update') return g.z!.map((z) => 1 - z);
  if (cell === 'gru' && gate === 'reset') return g.r!;
  throw new Error(`a ${cell} has no ${gate} gate`);
}

/** Units above this are counted as open, below 1 − this as shut. */
export const OPEN = 0.9;

/** One layer's gates; `update`, `forget`, `output`, `reset` (those the cell has): the mean over units at each position. */
export type LayerGates = Partial<Record<GateName, number[]>> & {
  /** 1-based, as printed. */
  layer: number;
  cell: CellKind;
  /** Per gate, the share of units above 0.9 at each position. */
  open: Partial<Record<GateName, number[]>>;
  /** Per gate, the share of units below 0.1 at each position. */
  shut: Partial<Record<GateName, number[]>>;
  /** Per gate, every unit's value at each position ([position][unit]), when asked for. */
  units?: Partial<Record<GateName, number[][]>>;
};

export interface Inside {
  /** The inputs as read: "<EOS>" then each character. */
  tokens: string[];
  /** The position whose prediction the influence is of (0-based; default the last). */
  at: number;
  /** What is predicted there: the next character, or <EOS> after the last. */
  target: string;
  /** log P(target | tokens 0..at), natural log. */
  logprob: number;
  /** ‖∂ log P / ∂ x<k>‖₂ for each position k (0 after `at`: later inputs cannot matter). */
  influence: number[];
  gates: LayerGates[];
  /** Characters outside the vocabulary, read as <UNK>. */
  oov: number;
}

/** Gates and influence for `text` read from <EOS>, as `rnnlm inside` and the page show them. */
export function inside(params: Params, vocab: Vocab, text: string, o: { at?: number; units?: boolean } = {}): Inside {
  text = vocab.normalized(text);
  const { ids, oov } = vocab.encode(text);
  const inputs = [EOS_ID, ...ids];
  const last = inputs.length - 1;
  const at = o.at ?? last;
  if (!Number.isInteger(at) || at < 0 || at > last) throw inputError(`--at ${at} is outside the text: positions run 0 (<EOS>) to ${last}`);
  const net = new Unrolled(params);
  const trace = net.forward(inputs);
  const target = at < last ? inputs[at + 1]! : EOS_ID;
  const grads = net.inputGradient(trace, at, target);
  const influence = inputs.map((_, k) => (k <= at ? norm(grads[k]!) : 0));
  const { cell, layers } = params.config;
  const gates: LayerGates[] = Array.from({ length: layers }, (_, l) => {
    const g: LayerGates = { layer: l + 1, cell, open: {}, shut: {}, ...(o.units ? { units: {} } : {}) };
    for (const name of GATE_NAMES[cell]) {
      const rows = trace.steps.map((row) => gateValues(cell, row[l]!, name));
      g[name] = rows.map((r) => r.reduce((a, v) => a + v, 0) / r.length);
      g.open[name] = rows.map((r) => share(r, (v) => v > OPEN));
      g.shut[name] = rows.map((r) => share(r, (v) => v < 1 - OPEN));
      if (g.units) g.units[name] = rows.map((r) => Array.from(r));
    }
    return g;
  });
  return {
    tokens: [EOS, ...vocab.split(text)], // characters, or a word model's words
    at,
    target: vocab.tokens[target]!,
    logprob: trace.logProbs[at]![target]!,
    influence,
    gates,
    oov,
  };
}

export interface Flow {
  /** Mean influence at distance d = 0 … maxDistance (d = N − k). */
  mean: number[];
  /** How many predictions each mean is over (fewer at long distances when sequences are short). */
  count: number[];
  /** The first d ≥ 1 where the mean has fallen to 1% of its value at d = 1; null if it never does. */
  onePercent: number | null;
  /** Predictions measured. */
  positions: number;
}

export interface FlowOptions {
  /** Longest distance measured (default 200). */
  maxDistance?: number;
  /** How many predictions, spread evenly over the text (default 100). */
  positions?: number;
  /** Characters read before the measured span, from the zero state, to settle the state (default 50). */
  warmup?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Influence by distance over a token stream (as `streamOf` makes it: <EOS> first and between
 * sequences). Each prediction N is recomputed from the zero state at the start of its sequence,
 * or `maxDistance + warmup` inputs back when the sequence is longer; the gradient is followed
 * back `maxDistance` inputs (or to the sequence start).
 */
export function gradientFlow(params: Params, ids: ArrayLike<number>, o: FlowOptions = {}): Flow {
  const steps = flowSteps(params, ids, o);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * gradientFlow one prediction at a time: yields after each (so a page can stay responsive
 * between them) and returns the Flow.
 */
export function* flowSteps(params: Params, ids: ArrayLike<number>, o: FlowOptions = {}): Generator<void, Flow> {
  const maxD = o.maxDistance ?? 200;
  const warm = o.warmup ?? 50;
  const want = o.positions ?? 100;
  const net = new Unrolled(params);
  // Predictions are made at every input but the last (it has no next token).
  const n = ids.length - 1;
  if (n < 1) throw inputError('the text is too short to measure: it needs at least one character');
  const picks = Math.min(want, n);
  const sum = new Float64Array(maxD + 1);
  const count = new Array<number>(maxD + 1).fill(0);
  let lastEos = 0;
  let done = 0;
  for (let N = 0; N < n && done < picks; N++) {
    if (ids[N] === EOS_ID) lastEos = N;
    // the i-th pick sits at floor((i + 0.5) · n / picks)
    if (N !== Math.floor(((done + 0.5) * n) / picks)) continue;
    const start = Math.max(lastEos, N - maxD - warm);
    const inputs: number[] = [];
    for (let k = start; k <= N; k++) inputs.push(ids[k]!);
    const at = N - start;
    const from = Math.max(0, at - maxD);
    const grads = net.inputGradient(net.forward(inputs), at, ids[N + 1]!, from);
    for (let k = from; k <= at; k++) {
      sum[at - k]! += norm(grads[k]!);
      count[at - k]!++;
    }
    done++;
    o.onProgress?.(done, picks);
    yield;
  }
  const mean = Array.from(sum, (s, d) => (count[d]! > 0 ? s / count[d]! : 0));
  return { mean, count, onePercent: fallsTo(mean, count, 0.01), positions: done };
}

/**
 * The first d ≥ 1 with mean[d] ≤ share · mean[1], among distances measured (count > 0).
 * Example: mean [5, 1, 0.5, 0.009], counts all 1, share 0.01 → 3.
 */
export function fallsTo(mean: readonly number[], count: readonly number[], share: number): number | null {
  const base = mean[1];
  if (base === undefined || !(base > 0) || !(count[1]! > 0)) return null;
  for (let d = 2; d < mean.length; d++) if (count[d]! > 0 && mean[d]! <= share * base) return d;
  return null;
}

function norm(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

function share(v: Float64Array, pred: (x: number) => boolean): number {
  let k = 0;
  for (let i = 0; i < v.length; i++) if (pred(v[i]!)) k++;
  return k / v.length;
}
