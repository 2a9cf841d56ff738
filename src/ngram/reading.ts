// The n-gram that keeps counting what it reads: within a sequence, each token read is added to
// the Kneser–Ney counts as if it had been in the training text, so a name or a phrase that a
// document keeps using grows likelier as the document goes on (a cache, as in Kuhn & De Mori
// 1990, but inside the smoothing). Adding one occurrence of w after h: its raw count at the
// highest order and its context's total grow by 1; where that count was 0 (the first time),
// the continuation count N1+(• h′ w) one order down grows by 1 too, and so on down (the
// reverse of leaving one out, model.ts). The discounts stay. The counts added are forgotten at
// <EOS>, where the network's state resets too, so a sequence's probability depends on that
// sequence alone. Memory: about 340 bytes per token read (sotu's held-out text: 106K contexts
// with counts added over 159K characters); past MAX_COUNTED_NODES contexts the counts added are
// forgotten and counting starts again, so one long document stays within ~0.5 GB.

import { EOS_ID, type Tokens } from '../text/tokenizer.js';
import { readContext } from './counts.js';
import { bucketOf, discounted, type NGramModel, type StreamScore } from './model.js';

/** Contexts with counts added before they are all forgotten (about 1.5M characters of running text). */
export const MAX_COUNTED_NODES = 1_000_000;

export class ReadingNGram {
  private readonly V: number;
  private readonly staticNodes: number;
  /** Nodes not in the model: parent · V + token → id (ids from staticNodes up). A node's depth is its place in a chain. */
  private children = new Map<number, number>();
  private nextNode: number;
  /** Counts added per node: token → count, and the node's total added. */
  private added = new Map<number, Map<number, number>>();
  private totalAdded = new Map<number, number>();
  /** γ of a node with counts added, until its counts change again. */
  private gammaOf = new Map<number, number>();
  private readonly chainBuf: Int32Array;
  private readonly ctx: Int32Array;

  constructor(
    readonly model: NGramModel,
    private readonly maxNodes = MAX_COUNTED_NODES,
  ) {
    this.V = model.vocabSize;
    this.staticNodes = model.nodes;
    this.chainBuf = new Int32Array(model.order);
    this.ctx = new Int32Array(model.order);
    this.nextNode = this.staticNodes;
  }

  /** Forget every count added (a new sequence). */
  reset(): void {
    this.children.clear();
    this.nextNode = this.staticNodes;
    this.added.clear();
    this.totalAdded.clear();
    this.gammaOf.clear();
  }

  /**
   * The context nodes at position p of `stream`, shortest first, into chainBuf; with `create`,
   * every one down to the highest order (nodes the model lacks are made), else as far as seen.
   */
  private chain(stream: ArrayLike<number>, p: number, create: boolean): number {
    const m = this.model;
    const V = this.V;
    readContext(stream, p, m.order - 1, this.ctx);
    let node = 0;
    this.chainBuf[0] = 0;
    let len = 1;
    for (let k = 0; k + 1 < m.order; k++) {
      const tok = this.ctx[k]!;
      let next = node < this.staticNodes ? m.childOf(node, tok) : -1;
      if (next < 0) next = this.children.get(node * V + tok) ?? -1;
      if (next < 0) {
        if (!create) break;
        next = this.nextNode++;
        this.children.set(node * V + tok, next);
      }
      node = next;
      this.chainBuf[len++] = node;
    }
    return len;
  }

  private count(node: number, w: number): number {
    const s = node < this.staticNodes ? this.model.countOf(node, w) : 0;
    return s + (this.added.get(node)?.get(w) ?? 0);
  }

  private total(node: number): number {
    return (node < this.staticNodes ? this.model.a.nodeTotal[node]! : 0) + (this.totalAdded.get(node) ?? 0);
  }

  private discounted(c: number, depth: number): number {
    return discounted(c, this.model.a.discounts[depth]!);
  }

  /** γ(node) with the counts added: 1 − Σ_w α(node, w). */
  private gamma(node: number, depth: number): number {
    const cached = this.gammaOf.get(node);
    if (cached !== undefined) return cached;
    const total = this.total(node);
    const add = this.added.get(node);
    let kept = 0;
    if (node < this.staticNodes) {
      const a = this.model.a;
      for (let e = a.nodeFirst[node]!; e < a.nodeFirst[node + 1]!; e++) kept += this.discounted(a.entCount[e]! + (add?.get(a.entToken[e]!) ?? 0), depth);
    }
    if (add) for (const [w, c] of add) if (node >= this.staticNodes || this.model.countOf(node, w) === 0) kept += this.discounted(c, depth);
    const g = total > 0 ? Math.max(0, 1 - kept / total) : 1;
    this.gammaOf.set(node, g);
    return g;
  }

  /**
   * Visit the chain's levels that hold counts, shortest first: node, depth and total; returns
   * the deepest such node, whose total picks the mixture's bucket.
   */
  private levels(len: number, visit: (node: number, d: number, total: number) => void): number {
    let last = 0;
    for (let d = 0; d < len; d++) {
      const node = this.chainBuf[d]!;
      const total = this.total(node);
      if (total <= 0) continue;
      last = node;
      visit(node, d, total);
    }
    return last;
  }

  /** P(w | the context at p) with the counts added so far. */
  prob(stream: ArrayLike<number>, p: number, w: number): { prob: number; bucket: number } {
    let prob = 1 / this.V;
    const last = this.levels(this.chain(stream, p, false), (node, d, total) => {
      prob = this.added.has(node) ? this.discounted(this.count(node, w), d) / total + this.gamma(node, d) * prob : this.model.levelProb(node, w, prob);
    });
    return { prob, bucket: bucketOf(this.total(last)) };
  }

  /** P(· | the context at the end of `context`, read from its last <EOS>), and its mixture bucket. */
  distribution(context: ArrayLike<number>): { probs: Float64Array; bucket: number } {
    const len = context.length === 0 ? 1 : this.chain(context, context.length - 1, false);
    if (context.length === 0) this.chainBuf[0] = 0;
    const probs = new Float64Array(this.V).fill(1 / this.V);
    const last = this.levels(len, (node, d, total) => {
      const add = this.added.get(node);
      if (!add) return this.model.levelAll(node, probs);
      const g = this.gamma(node, d);
      for (let v = 0; v < probs.length; v++) probs[v]! *= g;
      if (node < this.staticNodes) {
        const a = this.model.a;
        for (let e = a.nodeFirst[node]!; e < a.nodeFirst[node + 1]!; e++)
          probs[a.entToken[e]!]! += this.discounted(a.entCount[e]! + (add.get(a.entToken[e]!) ?? 0), d) / total;
      }
      for (const [w, c] of add) if (node >= this.staticNodes || this.model.countOf(node, w) === 0) probs[w]! += this.discounted(c, d) / total;
    });
    return { probs, bucket: bucketOf(this.total(last)) };
  }

  /** Count the token stream[p + 1] after the context at p. */
  add(stream: ArrayLike<number>, p: number): void {
    if (this.added.size >= this.maxNodes) this.reset(); // full: start counting again
    const w = stream[p + 1]!;
    const len = this.chain(stream, p, true);
    for (let i = len - 1; i >= 0; i--) {
      const node = this.chainBuf[i]!;
      const before = this.count(node, w);
      let add = this.added.get(node);
      if (!add) this.added.set(node, (add = new Map()));
      add.set(w, (add.get(w) ?? 0) + 1);
      this.totalAdded.set(node, (this.totalAdded.get(node) ?? 0) + 1);
      this.gammaOf.delete(node);
      if (before > 0) break; // not the first of its kind: the shorter contexts' continuation counts stay
    }
  }

  /** ln P of every target of a stream, counting each token after predicting it; the counts added are forgotten at each <EOS>. */
  scoreStream(stream: Tokens): StreamScore {
    const n = Math.max(0, stream.length - 1);
    const logProbs = new Float64Array(n);
    const buckets = new Uint8Array(n);
    for (let p = 0; p < n; p++) {
      if (stream[p] === EOS_ID) this.reset();
      const r = this.prob(stream, p, stream[p + 1]!);
      logProbs[p] = Math.log(r.prob);
      buckets[p] = r.bucket;
      this.add(stream, p);
    }
    this.reset();
    return { logProbs, buckets };
  }
}
