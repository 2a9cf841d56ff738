// An interpolated, modified Kneser–Ney character n-gram (Chen & Goodman 1998), over the
// same tokens as the network (characters, <UNK>, <EOS>), the context reset at each <EOS>:
//   P(w | h) = α(h, w) + γ(h) · P(w | h′),   α(h, w) = max(c(h, w) − D(c), 0) / c(h)
// where h′ drops the oldest token of h, c is the raw count at the highest order and the
// continuation count N1+(• h w) below it, D is one of three discounts per order (for counts
// 1, 2, 3+) and γ(h) = 1 − Σ_w α(h, w), so each P(· | h) sums to 1 — also after pruning.
// Below the unigram is the uniform 1/V. Browser-safe: the page mixes with this same code.

import { RnnlmError } from '../common/errors.js';
import type { Tokens } from '../text/tokenizer.js';
import { readContext, type NGramCounts } from './counts.js';
import { IntMap } from './intmap.js';

/** λ buckets of the mixture: by the count c of the longest context seen, 4^b ≤ c + 1 < 4^(b+1) (the last bucket open-ended). */
export const BUCKETS = 8;
/** A count less its discount (D1, D2 or D3+ of its order), never below 0: max(c − D(c), 0). */
export function discounted(c: number, D: number[]): number {
  return c > 0 ? Math.max(0, c - D[Math.min(c, 3) - 1]!) : 0;
}

/** The least ln P the n-gram hands the network as input (a token it gives no chance at all). */
export const LOG_FLOOR = -30;

export function bucketOf(contextCount: number): number {
  return Math.min(BUCKETS - 1, Math.floor(Math.log2(contextCount + 1) / 2));
}

/** The arrays a model is made of (what ngram.bin stores). */
export interface NGramArrays {
  order: number;
  vocabSize: number;
  /** discounts[d] = [D1, D2, D3+] of contexts of length d. */
  discounts: number[][];
  /** Nodes in breadth-first order: parent before child; node 0 the empty context. */
  nodeParent: Int32Array;
  nodeToken: Int32Array;
  /** c(h): the count of the context before pruning. */
  nodeTotal: Float64Array;
  /** Entries sorted by node, then token: node n owns [nodeFirst[n], nodeFirst[n + 1]). */
  nodeFirst: Int32Array;
  entToken: Int32Array;
  entCount: Int32Array;
}

export interface StreamScore {
  /** ln P of stream[p + 1] given the context at p, for each p. */
  logProbs: Float64Array;
  /** Mixture bucket at each p. */
  buckets: Uint8Array;
}

export class NGramModel {
  readonly order: number;
  readonly vocabSize: number;
  private readonly depth: Uint8Array;
  private readonly alpha: Float64Array;
  private readonly gamma: Float64Array;
  private readonly children: IntMap;
  private readonly entries: IntMap;
  private readonly scratch: Int32Array;
  private readonly ctxScratch: Int32Array;
  private readonly probScratch: Float64Array;

  constructor(readonly a: NGramArrays) {
    this.order = a.order;
    this.vocabSize = a.vocabSize;
    const nodes = a.nodeParent.length;
    const V = a.vocabSize;
    this.depth = new Uint8Array(nodes);
    this.alpha = new Float64Array(a.entToken.length);
    this.gamma = new Float64Array(nodes);
    this.children = new IntMap(nodes);
    this.entries = new IntMap(a.entToken.length);
    this.scratch = new Int32Array(a.order);
    this.ctxScratch = new Int32Array(a.order);
    this.probScratch = new Float64Array(V);
    for (let n = 0; n < nodes; n++) {
      if (n > 0) {
        const p = a.nodeParent[n]!;
        if (!(p >= 0 && p < n)) throw new RnnlmError(`n-gram: node ${n} has parent ${p} (not before it)`);
        this.depth[n] = this.depth[p]! + 1;
        this.children.set(p * V + a.nodeToken[n]!, n);
      }
      const D = a.discounts[this.depth[n]!]!;
      const total = a.nodeTotal[n]!;
      let kept = 0;
      for (let e = a.nodeFirst[n]!; e < a.nodeFirst[n + 1]!; e++) {
        const c = a.entCount[e]!;
        const al = total > 0 ? discounted(c, D) / total : 0;
        this.alpha[e] = al;
        kept += al;
        this.entries.set(n * V + a.entToken[e]!, e);
      }
      this.gamma[n] = Math.max(0, 1 - kept);
    }
  }

  get nodes(): number {
    return this.a.nodeParent.length;
  }
  get entryCount(): number {
    return this.a.entToken.length;
  }

  /** The node that extends `node` by the older token `tok`, or −1. */
  childOf(node: number, tok: number): number {
    return this.children.get(node * this.vocabSize + tok);
  }

  /** The count of w after a node's context (raw at the highest order, continuation below), 0 if none. */
  countOf(node: number, w: number): number {
    const e = this.entries.get(node * this.vocabSize + w);
    return e >= 0 ? this.a.entCount[e]! : 0;
  }

  /** One step of the interpolation: P at this node's order from `lower`, P at the order below. */
  levelProb(node: number, w: number, lower: number): number {
    const e = this.entries.get(node * this.vocabSize + w);
    return (e >= 0 ? this.alpha[e]! : 0) + this.gamma[node]! * lower;
  }

  /** The same step for the whole vocabulary, in place. */
  levelAll(node: number, probs: Float64Array): void {
    const a = this.a;
    const g = this.gamma[node]!;
    for (let v = 0; v < probs.length; v++) probs[v]! *= g;
    for (let e = a.nodeFirst[node]!; e < a.nodeFirst[node + 1]!; e++) probs[a.entToken[e]!]! += this.alpha[e]!;
  }

  /**
   * The context nodes at position p of a stream, shortest first (node 0 first), as far as
   * they were seen: `out[0..returned)`. <EOS> and everything before it read as <EOS>.
   */
  private chain(stream: ArrayLike<number>, p: number, out: Int32Array): number {
    const V = this.vocabSize;
    const ctx = this.ctxScratch;
    readContext(stream, p, this.order - 1, ctx);
    let node = 0;
    out[0] = 0;
    let n = 1;
    for (let k = 0; k + 1 < this.order; k++) {
      node = this.children.get(node * V + ctx[k]!);
      if (node < 0) break;
      out[n++] = node;
    }
    return n;
  }

  /** ln P of every target of a stream `[EOS, c1, …]` (the context resets at each <EOS>), with its mixture bucket. */
  scoreStream(stream: Tokens): StreamScore {
    const n = Math.max(0, stream.length - 1);
    const logProbs = new Float64Array(n);
    const buckets = new Uint8Array(n);
    const chain = this.scratch;
    for (let p = 0; p < n; p++) {
      const len = this.chain(stream, p, chain);
      let prob = 1 / this.vocabSize;
      for (let i = 0; i < len; i++) prob = this.levelProb(chain[i]!, stream[p + 1]!, prob);
      logProbs[p] = Math.log(prob);
      buckets[p] = bucketOf(this.a.nodeTotal[chain[len - 1]!]!);
    }
    return { logProbs, buckets };
  }

  /**
   * P(· | context) over the whole vocabulary, for a context in reading order that starts at
   * its sequence's <EOS> (earlier tokens are ignored after the last <EOS>), and its bucket.
   */
  distribution(context: ArrayLike<number>): { probs: Float64Array; bucket: number } {
    const chain = this.scratch;
    chain[0] = 0;
    const len = context.length === 0 ? 1 : this.chain(context, context.length - 1, chain);
    const probs = new Float64Array(this.vocabSize).fill(1 / this.vocabSize);
    for (let i = 0; i < len; i++) this.levelAll(chain[i]!, probs);
    return { probs, bucket: bucketOf(this.a.nodeTotal[chain[len - 1]!]!) };
  }

  /**
   * ln P(· | the context at input position p of `stream`) over the vocabulary, written to
   * out[at .. at + V), each at least LOG_FLOOR. With `leaveOneOut` (a training position, whose
   * target stream[p + 1] was counted at p): as if that one occurrence had not been counted,
   * so the n-gram is as unsure of it as of held-out text. Removing it takes 1 from the
   * highest order's raw count c(h, w) and its total c(h); where that count falls to 0 the
   * continuation count N1+(• h′ w) one order down loses 1 too, and so on down. Only the
   * nodes whose counts change are recomputed (their α and γ with the new totals; the
   * discounts stay). Checked against Kneser–Ney counted without it (prior.test.ts).
   */
  logDistributionAt(stream: ArrayLike<number>, p: number, out: Float32Array, at: number, leaveOneOut: boolean): void {
    const a = this.a;
    const V = this.vocabSize;
    const chain = this.scratch;
    const len = this.chain(stream, p, chain);
    const w = stream[p + 1]!;
    // Levels whose counts lose one: from the top down, while the count removed falls to 0.
    let lowest = len; // levels ≥ lowest are recomputed
    if (leaveOneOut && len === this.order) {
      for (let i = len - 1; i >= 0; i--) {
        const e = this.entries.get(chain[i]! * V + w);
        if (e < 0) break; // not counted here (pruned): nothing to take away
        lowest = i;
        if (a.entCount[e]! > 1) break;
      }
    }
    const probs = this.probScratch.fill(1 / V);
    for (let i = 0; i < len; i++) {
      const n = chain[i]!;
      if (i < lowest) {
        this.levelAll(n, probs);
        continue;
      }
      // This node's counts less the one occurrence: c(h, w) − 1 and c(h) − 1.
      const total = a.nodeTotal[n]! - 1;
      if (total <= 0) continue; // nothing left of this context: the shorter one decides
      const D = a.discounts[i]!;
      let kept = 0;
      const first = a.nodeFirst[n]!;
      const last = a.nodeFirst[n + 1]!;
      for (let e = first; e < last; e++) {
        const c = a.entCount[e]! - (a.entToken[e] === w ? 1 : 0);
        kept += discounted(c, D) / total;
      }
      const g = Math.max(0, 1 - kept);
      for (let v = 0; v < V; v++) probs[v]! *= g;
      for (let e = first; e < last; e++) {
        const c = a.entCount[e]! - (a.entToken[e] === w ? 1 : 0);
        probs[a.entToken[e]!]! += discounted(c, D) / total;
      }
    }
    for (let v = 0; v < V; v++) out[at + v] = Math.max(LOG_FLOOR, Math.log(probs[v]!));
  }

  /** The model of counts `c` at `order` (≤ c.maxOrder), pruned to at most `maxEntries` entries. */
  /** The model of `order` from counts, pruned to at most `maxEntries` entries: its counts, discounts, pruning, nodes renumbered and packed. */
  static fromCounts(c: NGramCounts, order: number, maxEntries = Infinity): NGramModel {
    if (order < 1 || order > c.maxOrder) throw new RnnlmError(`n-gram order ${order} is outside 1..${c.maxOrder}`);
    const sel = selectCounts(c, order);
    const discounts = sel.countsOfCounts.map(([n1, n2, n3, n4]) => modifiedDiscounts(n1!, n2!, n3!, n4!));
    const keep = pruning(c, order, sel, maxEntries);
    const nodes = breadthFirst(c, order, keptNodes(c, order, keep));
    return new NGramModel({ order, vocabSize: c.vocabSize, discounts, ...pack(c, sel, keep, nodes) });
  }
}

/**
 * The three discounts of modified Kneser–Ney from the counts of counts n1…n4 of one order
 * (Chen & Goodman): Y = n1 / (n1 + 2 n2), D1 = 1 − 2Y n2/n1, D2 = 2 − 3Y n3/n2, D3+ = 3 − 4Y n4/n3;
 * each kept within [0, its count]; 0.5, 1, 1.5 where a count of counts is zero.
 * Example: n = 100, 40, 20, 10 → Y = 5/9, D = 0.556, 1.167, 1.889.
 */
export function modifiedDiscounts(n1: number, n2: number, n3: number, n4: number): number[] {
  if (n1 === 0 || n2 === 0 || n3 === 0 || n4 === 0) return [0.5, 1, 1.5];
  const Y = n1 / (n1 + 2 * n2);
  const clamp = (d: number, hi: number) => Math.min(hi, Math.max(0, d));
  return [clamp(1 - (2 * Y * n2) / n1, 1), clamp(2 - (3 * Y * n3) / n2, 2), clamp(3 - (4 * Y * n4) / n3, 3)];
}

/** What each entry counts in a model of `order`: raw at the highest order, continuation below; each context's total; counts of counts 1–4 per depth. */
interface Selected {
  count: Int32Array;
  nodeTotal: Float64Array;
  countsOfCounts: number[][];
  selected: number;
}

function selectCounts(c: NGramCounts, order: number): Selected {
  const depthOf = c.nodeDepth.data;
  const top = order - 1;
  const E = c.entNode.length;
  const count = new Int32Array(E);
  const countsOfCounts = Array.from({ length: order }, () => [0, 0, 0, 0]); // counts of counts 1..4 per depth
  const nodeTotal = new Float64Array(c.nodes);
  let selected = 0;
  for (let e = 0; e < E; e++) {
    const node = c.entNode.data[e]!;
    const d = depthOf[node]!;
    if (d > top) continue;
    const k = d === top ? c.raw.data[e]! : c.cont.data[e]!;
    count[e] = k;
    nodeTotal[node]! += k;
    if (k <= 4) countsOfCounts[d]![k - 1]!++;
    selected++;
  }
  return { count, nodeTotal, countsOfCounts, selected };
}

/** Which entries stay: pruning drops the rarest entries of the longest contexts first, until the model fits `maxEntries`. */
function pruning(c: NGramCounts, order: number, sel: Selected, maxEntries: number): (e: number) => boolean {
  const depthOf = c.nodeDepth.data;
  const { count } = sel;
  const top = order - 1;
  const E = c.entNode.length;
  let threshold = 0;
  let pruneFrom = top + 1; // entries at depth ≥ pruneFrom with count ≤ threshold are dropped
  const keptAfter = () => {
    let n = 0;
    for (let e = 0; e < E; e++) {
      const d = depthOf[c.entNode.data[e]!]!;
      if (d <= top && !(d >= pruneFrom && count[e]! <= threshold) && count[e]! > 0) n++;
    }
    return n;
  };
  if (sel.selected > maxEntries) {
    outer: for (threshold = 1; ; threshold++) {
      for (pruneFrom = top; pruneFrom >= 1; pruneFrom--) if (keptAfter() <= maxEntries) break outer;
      if (threshold > 1e6) break;
    }
  }
  return (e: number) => {
    const d = depthOf[c.entNode.data[e]!]!;
    return d <= top && count[e]! > 0 && !(d >= pruneFrom && count[e]! <= threshold);
  };
}

/** The context nodes kept: those with a kept entry, and their ancestors. */
function keptNodes(c: NGramCounts, order: number, keep: (e: number) => boolean): Uint8Array {
  const depthOf = c.nodeDepth.data;
  const top = order - 1;
  const keepNode = new Uint8Array(c.nodes);
  keepNode[0] = 1;
  for (let e = 0; e < c.entNode.length; e++) if (keep(e)) keepNode[c.entNode.data[e]!] = 1;
  for (let n = c.nodes - 1; n > 0; n--) if (keepNode[n] && depthOf[n]! <= top) keepNode[c.nodeParent.data[n]!] = 1;
  return keepNode;
}

/** The kept nodes numbered breadth first: by depth, then the parent's new number, then token. `order[i]` is new node i's old number. */
function breadthFirst(c: NGramCounts, order: number, keepNode: Uint8Array): { order: number[]; renum: Int32Array } {
  const depthOf = c.nodeDepth.data;
  const top = order - 1;
  const renum = new Int32Array(c.nodes).fill(-1);
  const byDepth: number[][] = Array.from({ length: order }, () => []);
  for (let n = 0; n < c.nodes; n++) if (keepNode[n] && depthOf[n]! <= top) byDepth[depthOf[n]!]!.push(n);
  const out: number[] = [];
  for (const level of byDepth) {
    level.sort((x, y) => renum[c.nodeParent.data[x]!]! - renum[c.nodeParent.data[y]!]! || c.nodeToken.data[x]! - c.nodeToken.data[y]!);
    for (const n of level) {
      renum[n] = out.length;
      out.push(n);
    }
  }
  return { order: out, renum };
}

/** The model's arrays: nodes in their new order, each one's kept entries sorted by token. */
function pack(
  c: NGramCounts,
  sel: Selected,
  keep: (e: number) => boolean,
  nodes: { order: number[]; renum: Int32Array },
): Omit<NGramArrays, 'order' | 'vocabSize' | 'discounts'> {
  const { order: old, renum } = nodes;
  const N = old.length;
  const perNode: number[][] = Array.from({ length: N }, () => []);
  for (let e = 0; e < c.entNode.length; e++) if (keep(e)) perNode[renum[c.entNode.data[e]!]!]!.push(e);
  const nodeFirst = new Int32Array(N + 1);
  let total = 0;
  for (let i = 0; i < N; i++) {
    nodeFirst[i] = total;
    total += perNode[i]!.length;
  }
  nodeFirst[N] = total;
  const entToken = new Int32Array(total);
  const entCount = new Int32Array(total);
  const nodeParent = new Int32Array(N);
  const nodeToken = new Int32Array(N);
  const nodeTotal = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const n = old[i]!;
    nodeParent[i] = i === 0 ? -1 : renum[c.nodeParent.data[n]!]!;
    nodeToken[i] = i === 0 ? -1 : c.nodeToken.data[n]!;
    nodeTotal[i] = sel.nodeTotal[n]!;
    const list = perNode[i]!.sort((x, y) => c.entToken.data[x]! - c.entToken.data[y]!);
    list.forEach((e, j) => {
      entToken[nodeFirst[i]! + j] = c.entToken.data[e]!;
      entCount[nodeFirst[i]! + j] = sel.count[e]!;
    });
  }
  return { nodeParent, nodeToken, nodeTotal, nodeFirst, entToken, entCount };
}
