// The n-gram as the network's input: its log-probabilities added to the network's logits,
//   P(c | h) = softmax(z(h) + ln P_ngram(· | h))[c],
// so the network learns what the n-gram does not know, starting from the n-gram itself
// (z ≈ 0 at the start gives P = P_ngram). On training positions the n-gram leaves the
// position's own occurrence out of its counts (model.ts logDistributionAt): counted with it,
// the n-gram would look surer of the training text than it can be of new text.

import type { Window } from '../text/corpus.js';
import type { Predictor } from './mixture.js';
import { EOS_ID, type Tokens } from '../text/tokenizer.js';
import type { NGramModel } from './model.js';

/** ln P_ngram at every real position of a window, [batch, time, vocab] (0 at padding). */
export function windowPrior(model: NGramModel, win: Window, stream: Tokens, leaveOneOut: boolean): Float32Array {
  const V = model.vocabSize;
  const pos = win.positions;
  if (!pos) throw new Error('windowPrior: the window has no positions');
  const out = new Float32Array(pos.length * V); // [B, T, V]
  for (let i = 0; i < pos.length; i++) if (pos[i]! >= 0) model.logDistributionAt(stream, pos[i]!, out, i * V, leaveOneOut);
  return out;
}

/**
 * A predictor of a model that takes the n-gram as input: the network's next-token ln P plus
 * the n-gram's, normalized again (the network's own normalizer cancels), for the tokens fed
 * since the last reset; the n-gram's context restarts at <EOS> as the network's state does.
 */
export class NGramInputPredictor implements Predictor {
  private context: number[] = [];
  private readonly lp: Float32Array;
  constructor(
    private readonly net: Predictor,
    private readonly ngram: NGramModel,
  ) {
    this.lp = new Float32Array(ngram.vocabSize);
  }

  reset(): void {
    this.net.reset();
    this.context = [];
  }

  step(id: number): Float64Array {
    const z = this.net.step(id);
    if (id === EOS_ID) this.context = [];
    this.context.push(id);
    if (this.context.length > this.ngram.order) this.context.shift();
    this.ngram.logDistributionAt(this.context, this.context.length - 1, this.lp, 0, false);
    const out = new Float64Array(z.length);
    let max = -Infinity;
    for (let v = 0; v < z.length; v++) {
      out[v] = z[v]! + this.lp[v]!;
      if (out[v]! > max) max = out[v]!;
    }
    let sum = 0;
    for (let v = 0; v < z.length; v++) sum += Math.exp(out[v]! - max);
    const lse = max + Math.log(sum);
    for (let v = 0; v < z.length; v++) out[v]! -= lse;
    return out;
  }

  dispose(): void {
    this.net.dispose();
  }
}
