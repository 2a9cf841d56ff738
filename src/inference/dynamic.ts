// Dynamic evaluation (the RNNLM toolkit's -dynamic; Krause et al. 2018): the network keeps
// learning from a text while it reads it. The text is read in segments of `segment` tokens;
// each segment is scored with the weights as they are, then the weights take one SGD step on
// that segment's summed loss (gradient clipped to norm `clip`). So every probability is still
// a prediction of text the network has not learned from, as the n-gram that counts what it
// reads. It works on a copy (dropout off): the model itself does not change. No Node.

import { rowBounds, windowAt, windowCount } from '../text/corpus.js';
import type { StreamLoss } from './evaluate.js';
import { clipByGlobalNorm } from '../model/adam.js';
import { runWindow, zeroState } from '../model/lm.js';
import { Params } from '../model/params.js';
import { streamOf, UNK_ID, type Tokens, type Vocab } from '../text/tokenizer.js';
import { fitMixture, mixLog, mixtureNats, type MixtureWeights } from '../ngram/mixture.js';
import type { AdaptMeta } from '../checkpoint/types.js';
import type { NGramModel } from '../ngram/model.js';
import { ReadingNGram } from '../ngram/reading.js';

/** How the network adapts: SGD rate per summed segment loss; segment length; gradient clip. */
export interface Adaptation {
  lr: number;
  segment: number;
  clip: number;
}

/** Tokens per segment (Krause et al. used 5–20 for characters; 32 keeps the cost per token low). */
export const ADAPT_SEGMENT = 32;
export const ADAPT_CLIP = 1;

/**
 * Σ −log P over the stream as streamLoss counts it (exact: the state resets at each <EOS>),
 * the network adapting as it reads. `perPosition[p]` gets ln P(stream[p + 1]) as predicted
 * before learning from it.
 */
export async function streamLossAdaptive(
  params: Params,
  stream: Tokens,
  a: Adaptation,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; perPosition?: Float64Array } = {},
): Promise<StreamLoss> {
  const p = new Params({ ...params.config, dropout: 0 }, params.data.slice());
  const bounds = rowBounds(stream, 1, true); // one row: every segment after the one before it
  const n = windowCount(bounds, a.segment);
  let state = zeroState(p.config, 1);
  let nats = 0;
  let tokens = 0;
  let unkNats = 0;
  let unkTokens = 0;
  let k = 0;
  for (; k < n; k++) {
    if (opts.signal && k % 64 === 0) {
      await new Promise<void>((r) => setTimeout(r, 0)); // let a signal handler run
      if (opts.signal.aborted) break;
    }
    const win = windowAt(stream, bounds, a.segment, k);
    const r = await runWindow(p, win, state, { train: true, lossScale: 1, wantLogProbs: true, dropoutSeed: 0 });
    // [1, segment]: position t of this window predicts stream[from + t + 1].
    const from = bounds[0]![0] + k * a.segment;
    for (let t = 0; t < a.segment; t++) {
      if (win.weights[t]! === 0) continue;
      const lp = r.logProbs![t]!;
      if (opts.perPosition) opts.perPosition[from + t] = lp;
      if (win.targets[t] === UNK_ID) {
        unkNats -= lp;
        unkTokens++;
      }
    }
    nats += r.loss;
    tokens += r.count;
    // Learn from the segment just scored.
    clipByGlobalNorm(r.grads!, a.clip);
    const w = p.data;
    const g = r.grads!;
    for (let i = 0; i < w.length; i++) w[i]! -= a.lr * g[i]!;
    state = r.state;
    opts.onProgress?.(k + 1, n);
  }
  return { nats, tokens, unkNats, unkTokens, windows: { done: k, total: n } };
}

/**
 * Rates tried at the end of training (with ADAPT_CLIP = 1 a clipped step moves the weights by
 * lr in norm), the likeliest first (0.3 won on tiny-shakespeare and sotu), so that a choice cut
 * short by its time budget has tried those.
 */
export const ADAPT_RATES = [0.3, 0.1, 1, 0.03, 0.01];
/** Validation tokens the rate is chosen on (the first of the split): seconds at a few thousand tokens/s. */
export const ADAPT_TOKENS = 12_000;

/**
 * The adaptation rate that scores the first ADAPT_TOKENS of validation best — with the mixture
 * (its weights refit for each rate) when the n-gram's per-position ln P and buckets on the same
 * stream are given, else the network alone. Rate 0 (static) is among the candidates: when no
 * rate helps, lr is 0. `now` is a clock in ms (for the speed recorded, and the budget: once
 * `budgetSeconds` have passed, no further rate is tried, at least one always is).
 */
export async function chooseAdaptation(
  params: Params,
  val: Tokens,
  ngram: { logProbs: Float64Array; buckets: Uint8Array | ArrayLike<number> } | null,
  now: () => number,
  rates: readonly number[] = ADAPT_RATES,
  limit = ADAPT_TOKENS,
  budgetSeconds = Infinity,
): Promise<AdaptMeta> {
  const stream = val.subarray(0, Math.min(val.length, limit + 1));
  const n = stream.length - 1;
  const ng = ngram ? { logProbs: ngram.logProbs.subarray(0, n), buckets: Array.from({ length: n }, (_, i) => ngram.buckets[i]!) } : null;
  const tried: Array<{ lr: number; nats: number; net: number; lambdas?: number[] }> = [];
  let seconds = 0; // adapting passes
  const start = now();
  for (const lr of [0, ...rates]) {
    // Past the budget (a large vocabulary, a short run), the rates not yet tried are left out.
    if (tried.length >= 2 && (now() - start) / 1000 > budgetSeconds) break;
    const perPosition = new Float64Array(n);
    const t0 = now();
    const r = await streamLossAdaptive(params, stream, { lr, segment: ADAPT_SEGMENT, clip: ADAPT_CLIP }, { perPosition });
    if (lr > 0) seconds += (now() - t0) / 1000;
    const net = r.nats / Math.max(1, r.tokens);
    if (ng) {
      const w = fitMixture(perPosition, ng.logProbs, ng.buckets);
      tried.push({ lr, nats: mixtureNats(perPosition, ng.logProbs, ng.buckets, w) / Math.max(1, n), net, lambdas: w.lambdas });
    } else tried.push({ lr, nats: net, net });
  }
  const best = tried.reduce((a, b) => (b.nats < a.nats ? b : a));
  const at0 = tried[0]!;
  return {
    lr: best.lr,
    segment: ADAPT_SEGMENT,
    clip: ADAPT_CLIP,
    tokens: n,
    by: ng ? 'mixture' : 'network',
    static: at0.nats,
    adapted: best.nats,
    network: { static: at0.net, adapted: best.net },
    ...(best.lambdas ? { lambdas: best.lambdas } : {}),
    tried: tried.map((t) => ({ lr: t.lr, nats: t.nats })),
    tokensPerSec: (n * (tried.length - 1)) / Math.max(1e-9, seconds),
  };
}

/**
 * Sentences scored one after another by a network that learns as it reads (score --adapt): one
 * stream `<EOS> s1 <EOS> s2 … <EOS>`, so each sentence is predicted by the network as it
 * stands after the sentences before it (their order matters), and the numbers add up to what
 * `eval` of the same lines gives. `mix`: the n-gram and weights to mix with, as scoreText.
 * Returns ln P of each token of each sentence (its <EOS> last).
 */
export async function sentencesAdaptive(
  params: Params,
  vocab: Vocab,
  sentences: readonly string[],
  a: Adaptation,
  mix: { ngram: NGramModel; weights: MixtureWeights; adapts?: boolean } | null = null,
): Promise<Array<{ logProbs: number[]; ids: Int32Array; oov: number }>> {
  sentences = sentences.map((x) => vocab.normalized(x));
  const { ids } = streamOf(vocab, sentences);
  const perPosition = new Float64Array(ids.length - 1);
  await streamLossAdaptive(params, ids, a, { perPosition });
  if (mix) {
    const ng = mix.adapts ? new ReadingNGram(mix.ngram).scoreStream(ids) : mix.ngram.scoreStream(ids);
    for (let p = 0; p < perPosition.length; p++) perPosition[p] = mixLog(perPosition[p]!, ng.logProbs[p]!, mix.weights.lambdas[ng.buckets[p]!]!);
  }
  const out: Array<{ logProbs: number[]; ids: Int32Array; oov: number }> = [];
  let p = 0; // the <EOS> before the sentence
  for (const s of sentences) {
    const enc = vocab.encode(s);
    const n = enc.ids.length + 1; // its tokens and its <EOS>
    out.push({ logProbs: Array.from(perPosition.subarray(p, p + n)), ids: enc.ids, oov: enc.oov });
    p += n;
  }
  return out;
}
