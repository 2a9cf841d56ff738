// A class-factored output layer, exact (the RNNLM toolkit's classes; issue 32): tokens are
// put in C classes by frequency, and P(w | h) = P(class(w) | h) · P(w | class(w), h), each a
// softmax — over the C classes, then over the members of one class only. So a training
// position costs (C + |class|)·H instead of V·H, and every probability is still exact: the
// distribution over all V tokens sums to 1. Parameters: the flat layer's `out` [H + 1, V]
// (a token's column scores it within its class) and `cls` [H + 1, C] (bias rows last).
// This file is the reference in plain JavaScript (float64) for one state vector at a time.

/** Which class each token is in, and each class's tokens (ids ascending). */
export interface Classes {
  classOf: Int32Array;
  members: Int32Array[];
}

/**
 * C classes by frequency, as the RNNLM toolkit makes them: tokens sorted by count (ties by
 * id), class c takes tokens while their cumulative share of all counts is below (c + 1) / C,
 * so frequent tokens sit in small classes and rare ones share large ones. Every class gets at
 * least one token (C ≤ V). Tokens never seen (count 0) go to the last class.
 * Example: counts [6, 3, 1, 0], C 2 → token 0 alone (6/10 ≥ 1/2), tokens 1, 2, 3 together.
 */
export function frequencyClasses(counts: ArrayLike<number>, C: number): Classes {
  const V = counts.length;
  if (C < 1 || C > V) throw new Error(`classes: ${C} classes for ${V} tokens`);
  const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => counts[b]! - counts[a]! || a - b);
  const total = order.reduce((s, i) => s + counts[i]!, 0) || 1;
  const classOf = new Int32Array(V);
  let c = 0;
  let cum = 0;
  order.forEach((id, k) => {
    const left = V - k; // tokens not yet placed, this one included
    // Move on when this class's share is used up, but leave a token for every class still to come.
    if (k > 0 && c < C - 1 && (cum / total >= (c + 1) / C || left <= C - 1 - c)) c++;
    classOf[id] = c;
    cum += counts[id]!;
  });
  const members = Array.from({ length: C }, (_, k) => Int32Array.from(order.filter((id) => classOf[id] === k).sort((a, b) => a - b)));
  return { classOf, members };
}

/** The log-softmax of v, written into out. */
function logSoftmax(v: Float64Array, out: Float64Array): void {
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) if (v[i]! > max) max = v[i]!;
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += Math.exp(v[i]! - max);
  const lse = max + Math.log(sum);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! - lse;
}

/** h·W[:, cols] + bias for a [H + 1, N] matrix (bias row last), row-major. */
function scores(h: ArrayLike<number>, W: ArrayLike<number>, N: number, cols: ArrayLike<number>): Float64Array {
  const H = h.length;
  const out = new Float64Array(cols.length);
  for (let j = 0; j < cols.length; j++) {
    const col = cols[j]!;
    let s = W[H * N + col]!;
    for (let k = 0; k < H; k++) s += h[k]! * W[k * N + col]!;
    out[j] = s;
  }
  return out;
}

const range = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

/** ln P(target | h): the class's log-probability plus the token's within its class. */
export function classLogProb(h: ArrayLike<number>, out: ArrayLike<number>, cls: ArrayLike<number>, k: Classes, target: number): number {
  const C = k.members.length;
  const V = k.classOf.length;
  const c = k.classOf[target]!;
  const lc = new Float64Array(C);
  logSoftmax(scores(h, cls, C, range(C)), lc);
  const m = k.members[c]!;
  const lw = new Float64Array(m.length);
  logSoftmax(scores(h, out, V, m), lw);
  return lc[c]! + lw[m.indexOf(target)]!;
}

/** ln P(w | h) for every token w, [V] (what sampling and the full distribution need). */
export function classDistribution(h: ArrayLike<number>, out: ArrayLike<number>, cls: ArrayLike<number>, k: Classes): Float64Array {
  const C = k.members.length;
  const V = k.classOf.length;
  const lc = new Float64Array(C);
  logSoftmax(scores(h, cls, C, range(C)), lc);
  const lp = new Float64Array(V);
  k.members.forEach((m, c) => {
    const lw = new Float64Array(m.length);
    logSoftmax(scores(h, out, V, m), lw);
    m.forEach((id, j) => (lp[id] = lc[c]! + lw[j]!));
  });
  return lp;
}

/**
 * Gradient of −ln P(target | h), added into dOut [H + 1, V], dCls [H + 1, C] and dh [H]: only
 * the class's members' columns of `out` are touched. Returns −ln P(target | h).
 */
export function classBackward(
  h: ArrayLike<number>,
  out: ArrayLike<number>,
  cls: ArrayLike<number>,
  k: Classes,
  target: number,
  dOut: Float64Array | Float32Array,
  dCls: Float64Array | Float32Array,
  dh: Float64Array | Float32Array,
): number {
  const H = h.length;
  const C = k.members.length;
  const V = k.classOf.length;
  const c = k.classOf[target]!;
  // d(−ln softmax)/d logits = softmax − onehot, for the classes and within the class.
  const part = (W: ArrayLike<number>, dW: Float64Array | Float32Array, N: number, cols: ArrayLike<number>, at: number): number => {
    const l = new Float64Array(cols.length);
    logSoftmax(scores(h, W, N, cols), l);
    for (let j = 0; j < cols.length; j++) {
      const g = Math.exp(l[j]!) - (j === at ? 1 : 0);
      const col = cols[j]!;
      for (let r = 0; r < H; r++) {
        dW[r * N + col]! += g * h[r]!;
        dh[r]! += g * W[r * N + col]!;
      }
      dW[H * N + col]! += g;
    }
    return -l[at]!;
  };
  const m = k.members[c]!;
  return part(cls, dCls, C, range(C), c) + part(out, dOut, V, m, m.indexOf(target));
}
