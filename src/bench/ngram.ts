// A baseline for scale: an interpolated Witten–Bell character n-gram over token streams
// (the same tokens rnnlm predicts: characters, <UNK> and <EOS>), the context reset at
// every <EOS> as the model's state is. No training beyond counting.
//   P(w | h) = (c(h, w) + N1+(h·) · P(w | h')) / (c(h) + N1+(h·)),  P(w | ∅-context) over V uniform at the bottom
// where h' drops the oldest token of h and N1+(h·) counts the distinct tokens seen after h.

import { EOS_ID, type Tokens } from '../text/tokenizer.js';

interface Ctx {
  total: number;
  counts: Map<number, number>;
}

export class NGram {
  /** tables[k]: contexts of length k (a number key) → counts of the next token. */
  private readonly tables: Array<Map<number, Ctx>>;

  constructor(
    readonly order: number,
    readonly vocabSize: number,
  ) {
    if (order < 1 || order > 4) throw new Error('order must be 1..4 (contexts are packed into one number)');
    this.tables = Array.from({ length: order }, () => new Map());
  }

  /** Key of the k tokens before position p; positions before the sequence start read as <EOS>. */
  private key(stream: Tokens, start: number, p: number, k: number): number {
    let key = 0;
    for (let j = p - k; j < p; j++) key = key * 65536 + (j < start ? EOS_ID : stream[j]!);
    return key;
  }

  /** Count every (context, next token) pair of a stream `[EOS, c1, …, EOS, …]`. */
  train(stream: Tokens): this {
    let start = 0; // index of the current sequence's first input (its <EOS>)
    for (let p = 1; p < stream.length; p++) {
      const w = stream[p]!;
      for (let k = 0; k < this.order; k++) {
        const key = this.key(stream, start, p, k);
        const t = this.tables[k]!;
        let c = t.get(key);
        if (!c) t.set(key, (c = { total: 0, counts: new Map() }));
        c.total++;
        c.counts.set(w, (c.counts.get(w) ?? 0) + 1);
      }
      if (w === EOS_ID) start = p;
    }
    return this;
  }

  /** Natural-log probability of each target of a stream, summed, and the number of targets. */
  score(stream: Tokens): { nats: number; tokens: number } {
    let nats = 0;
    let start = 0;
    for (let p = 1; p < stream.length; p++) {
      const w = stream[p]!;
      let prob = 1 / this.vocabSize;
      for (let k = 0; k < this.order; k++) {
        const c = this.tables[k]!.get(this.key(stream, start, p, k));
        if (!c) break; // longer contexts are unseen too
        const types = c.counts.size;
        prob = ((c.counts.get(w) ?? 0) + types * prob) / (c.total + types);
      }
      nats -= Math.log(prob);
      if (w === EOS_ID) start = p;
    }
    return { nats, tokens: stream.length - 1 };
  }
}
