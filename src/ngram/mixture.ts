// The network mixed with the n-gram, as the RNNLM toolkit interpolates with a Kneser–Ney model:
//   P(c | h) = λ_b · P_net(c | h) + (1 − λ_b) · P_ngram(c | h)
// with λ_b per bucket b of the n-gram's longest seen context (how often it was counted;
// ngram/model.ts bucketOf), fit on the validation split. The validation likelihood
// is concave in each λ_b and λ_b = 1 is a candidate, so on validation the mixture is never
// worse than the network, nor than the n-gram by more than 1e-4 nats per token: λ_b stays at
// LAMBDA_FLOOR or above, so the network's share keeps every character possible where the
// n-gram gives one it never saw P = 0 (a tiny text, an untrained network: λ would be 0 and
// a score −∞). A proper distribution: each next-token P sums to 1.

import type { NGramModel } from './model.js';
import { BUCKETS } from './model.js';
import { ReadingNGram } from './reading.js';
import { EOS_ID } from '../text/tokenizer.js';

export interface MixtureWeights {
  /** λ (the network's weight) per bucket, BUCKETS of them. */
  lambdas: number[];
}

/** The least weight of the network: −ln(1 − 1e-4) ≈ 1e-4 nats per token at most, against a score of −∞. */
export const LAMBDA_FLOOR = 1e-4;

/** A bucket with fewer validation tokens than this takes the λ fit on all of them. */
export const MIN_BUCKET_TOKENS = 200;

/** ln(λ e^a + (1 − λ) e^b), exact at λ = 0 and 1. */
export function mixLog(a: number, b: number, lambda: number): number {
  if (lambda >= 1) return a;
  if (lambda <= 0) return b;
  const x = Math.log(lambda) + a;
  const y = Math.log1p(-lambda) + b;
  const m = Math.max(x, y);
  return m === -Infinity ? m : m + Math.log(Math.exp(x - m) + Math.exp(y - m));
}

/** Σ −ln P of the mixture over positions. */
export function mixtureNats(net: ArrayLike<number>, ngram: ArrayLike<number>, buckets: ArrayLike<number>, w: MixtureWeights): number {
  let nats = 0;
  for (let i = 0; i < net.length; i++) nats -= mixLog(net[i]!, ngram[i]!, w.lambdas[buckets[i]!]!);
  return nats;
}

/**
 * The λ maximising Σ ln(λ p + (1 − λ) q) over the positions `at`. The sum is concave in λ, so
 * its derivative Σ (p − q) / (λ p + (1 − λ) q) falls as λ grows: 0 or 1 when it does not
 * change sign, else its root, by bisection (60 halvings: to float precision).
 */
function fitOne(net: ArrayLike<number>, ngram: ArrayLike<number>, at: number[]): number {
  if (at.length === 0) return 1;
  return Math.max(LAMBDA_FLOOR, bestLambda(net, ngram, at));
}

function bestLambda(net: ArrayLike<number>, ngram: ArrayLike<number>, at: number[]): number {
  // p and q scaled by 1 / max(p, q): the same ratio, no underflow.
  const p = new Float64Array(at.length);
  const q = new Float64Array(at.length);
  at.forEach((i, k) => {
    const d = net[i]! - ngram[i]!;
    p[k] = d >= 0 ? 1 : Math.exp(d);
    q[k] = d >= 0 ? Math.exp(-d) : 1;
  });
  const slope = (lambda: number) => {
    let s = 0;
    for (let k = 0; k < p.length; k++) s += (p[k]! - q[k]!) / (lambda * p[k]! + (1 - lambda) * q[k]!);
    return s;
  };
  if (slope(0) <= 0) return 0;
  if (slope(1) >= 0) return 1;
  let lo = 0;
  let hi = 1;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (slope(mid) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Fit the mixture on validation: ln P of each target under the network and the n-gram, and
 * the n-gram's bucket at each. `perBucket: false` fits one λ for all.
 */
export function fitMixture(net: ArrayLike<number>, ngram: ArrayLike<number>, buckets: ArrayLike<number>, perBucket = true): MixtureWeights {
  const all = Array.from({ length: net.length }, (_, i) => i);
  const pooled = fitOne(net, ngram, all);
  if (!perBucket) return { lambdas: new Array<number>(BUCKETS).fill(pooled) };
  const at: number[][] = Array.from({ length: BUCKETS }, () => []);
  for (let i = 0; i < net.length; i++) at[buckets[i]!]!.push(i);
  return { lambdas: at.map((a) => (a.length >= MIN_BUCKET_TOKENS ? fitOne(net, ngram, a) : pooled)) };
}

/** What `Stepper` does, as far as scoring and sampling need. */
export interface Predictor {
  reset(): void;
  /** Feed one token; ln P(next | everything fed since the reset) over the vocabulary. */
  step(id: number): Float64Array;
  dispose(): void;
}

/**
 * A predictor of the mixture: the network's next-token distribution mixed with the
 * n-gram's for the tokens fed since the last <EOS> (the n-gram's context resets there, as
 * the network's state does at a reset).
 */
export class MixedPredictor implements Predictor {
  private context: number[] = [];
  private readonly reading: ReadingNGram | null;
  /** With `adapts`, the n-gram keeps counting the tokens fed since the last <EOS> (ngram/reading.ts). */
  constructor(
    private readonly net: Predictor,
    private readonly ngram: NGramModel,
    private readonly weights: MixtureWeights,
    adapts = false,
  ) {
    this.reading = adapts ? new ReadingNGram(ngram) : null;
  }

  reset(): void {
    this.net.reset();
    this.context = [];
    this.reading?.reset();
  }

  step(id: number): Float64Array {
    const lp = this.net.step(id);
    if (id === EOS_ID) {
      this.context = [];
      this.reading?.reset();
    }
    this.context.push(id);
    if (this.context.length > this.ngram.order + 1) this.context.shift();
    if (this.reading && this.context.length >= 2) this.reading.add(this.context, this.context.length - 2); // id, read after the tokens before it
    const { probs, bucket } = (this.reading ?? this.ngram).distribution(this.context);
    const out = new Float64Array(lp.length);
    const lambda = this.weights.lambdas[bucket]!;
    for (let v = 0; v < lp.length; v++) out[v] = mixLog(lp[v]!, Math.log(probs[v]!), lambda);
    return out;
  }

  dispose(): void {
    this.net.dispose();
  }
}
