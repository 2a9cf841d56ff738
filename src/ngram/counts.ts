// Counting the n-grams of a token stream `[EOS, c1, …, EOS, …]`, every order up to a
// maximum at once, into a trie of contexts. A context is read most recent token first and
// stops at the sequence's <EOS>; before it, the context is padded with <EOS> (the model's
// state is reset there too). Each (context, next token) entry has its raw count and its
// continuation count N1+(• context token): the number of distinct tokens seen before it,
// which Kneser–Ney uses for every order below the highest.

import { EOS_ID, type Tokens } from '../text/tokenizer.js';
import { IntMap, IntVec } from './intmap.js';

/** The k-th most recent token of the context at position p (k = 0: stream[p]), <EOS> before `seqStart`. */
export function contextToken(stream: ArrayLike<number>, p: number, k: number, seqStart: number): number {
  const j = p - k;
  return j >= seqStart && j >= 0 ? stream[j]! : EOS_ID;
}

/**
 * The n most recent tokens at position p into out[0..n) (out[0] = stream[p]), <EOS> from the
 * sequence's <EOS> back (the same tokens contextToken reads with the sequence start known).
 */
export function readContext(stream: ArrayLike<number>, p: number, n: number, out: Int32Array): void {
  let ended = false;
  for (let k = 0; k < n; k++) {
    const j = p - k;
    const tok = ended || j < 0 ? EOS_ID : stream[j]!;
    if (tok === EOS_ID) ended = true;
    out[k] = tok;
  }
}

export class NGramCounts {
  /** Context nodes: node 0 is the empty context; node n extends nodeParent[n] by the older token nodeToken[n]. */
  readonly nodeParent = new IntVec();
  readonly nodeToken = new IntVec();
  readonly nodeDepth = new IntVec();
  /** Entries: the count of token entToken[e] after context entNode[e]. */
  readonly entNode = new IntVec();
  readonly entToken = new IntVec();
  readonly raw = new IntVec();
  readonly cont = new IntVec();
  /** parent · V + token → child node; node · V + token → entry. */
  readonly children = new IntMap();
  readonly entries = new IntMap();

  private constructor(
    readonly maxOrder: number,
    readonly vocabSize: number,
  ) {
    this.nodeParent.push(-1);
    this.nodeToken.push(-1);
    this.nodeDepth.push(0);
  }

  /** Count every n-gram of order 1..maxOrder in a stream (the targets are stream[1..]). */
  static count(stream: Tokens, vocabSize: number, maxOrder: number): NGramCounts {
    const c = new NGramCounts(maxOrder, vocabSize);
    const V = vocabSize;
    let seqStart = 0;
    for (let p = 0; p + 1 < stream.length; p++) {
      if (stream[p] === EOS_ID) seqStart = p;
      const w = stream[p + 1]!;
      let node = 0;
      for (let k = 0; k < maxOrder; k++) {
        const e = c.entries.getOrSet(node * V + w, () => c.newEntry(node, w));
        c.raw.data[e]!++;
        if (k + 1 === maxOrder) break;
        const tok = contextToken(stream, p, k, seqStart);
        const depth = k + 1;
        const parent = node;
        node = c.children.getOrSet(parent * V + tok, () => c.newNode(parent, tok, depth));
      }
    }
    // N1+(• h w): each entry of a longer context adds one to its suffix's entry.
    const n = c.entNode.length;
    for (let e = 0; e < n; e++) {
      const node = c.entNode.data[e]!;
      if (node === 0) continue;
      const shorter = c.entries.get(c.nodeParent.data[node]! * V + c.entToken.data[e]!);
      c.cont.data[shorter]!++;
    }
    return c;
  }

  private newEntry(node: number, w: number): number {
    this.entNode.push(node);
    this.entToken.push(w);
    this.cont.push(0);
    return this.raw.push(0);
  }

  private newNode(parent: number, tok: number, depth: number): number {
    this.nodeToken.push(tok);
    this.nodeDepth.push(depth);
    return this.nodeParent.push(parent);
  }

  get nodes(): number {
    return this.nodeParent.length;
  }

  /** Bytes held while counting. */
  get bytes(): number {
    const vecs = [this.nodeParent, this.nodeToken, this.nodeDepth, this.entNode, this.entToken, this.raw, this.cont];
    return vecs.reduce((a, v) => a + v.data.byteLength, 0) + this.children.bytes + this.entries.bytes;
  }
}
