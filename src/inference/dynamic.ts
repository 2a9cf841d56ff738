// Dynamic evaluation (the RNNLM toolkit's -dynamic; Krause et al. 2018): the network keeps
// learning from a text while it reads it. The text is read in segments of `segment` tokens;
// each segment is scored with the weights as they are, then the weights take one step on that
// segment's summed loss: RMS-normalised (each weight's step divided by the root of its recent
// mean square gradient, as Krause et al.'s RMS rule and RMSprop), or plain SGD with the
// gradient clipped to norm `clip` (checkpoints before 2026-12-06). So every probability is
// still a prediction of text the network has not learned from, as the n-gram that counts what
// it reads. It works on a copy (dropout off): the model itself does not change. No Node.

import { rowBounds, windowAt, windowCount } from '../text/corpus.js';
import type { StreamLoss } from './evaluate.js';
import { clipByGlobalNorm } from '../model/adam.js';
import { runWindow, zeroState } from '../model/lm.js';
import { Params } from '../model/params.js';
import { streamOf, UNK_ID, type Tokens, type Vocab } from '../text/tokenizer.js';
import { fitMixture, mixLog, type MixtureWeights } from '../ngram/mixture.js';
import type { AdaptMeta, AdaptRule } from '../checkpoint/types.js';
import type { NGramModel } from '../ngram/model.js';
import { ReadingNGram } from '../ngram/reading.js';

/** How the network adapts: the rate per summed segment loss; segment length; gradient clip (0: none); the update rule. */
export interface Adaptation {
  lr: number;
  segment: number;
  clip: number;
  /**
   * 'rms': w ← w − lr · g / (√(m / (1 − β^k)) + ε), m ← β m + (1 − β) g² over the k segments
   * learned from (ADAPT_BETA, ADAPT_EPS); 'sgd' (absent: checkpoints before it): w ← w − lr · g.
   */
  rule?: AdaptRule;
}

/** The rule a checkpoint's adaptation takes: SGD where it names none (saved before rules). */
const ruleOf = (a: { rule?: AdaptRule }): AdaptRule => a.rule ?? 'sgd';

/** Tokens per segment (Krause et al. used 5–20 for characters; 32 keeps the cost per token low). */
export const ADAPT_SEGMENT = 32;
/** The RMS rule needs no clip (its steps are normalised); SGD's was 1. */
export const ADAPT_CLIP = 0;
/** How fast the RMS rule's mean square gradient forgets: about the last 100 segments. */
export const ADAPT_BETA = 0.99;
export const ADAPT_EPS = 1e-8;

/** How a checkpoint's network adapts (rnnlm.json `adapt`), or null where training chose not to (rate 0) or never chose. */
export function adaptationOf(meta: AdaptMeta | undefined): Adaptation | null {
  return meta && meta.lr > 0 ? { lr: meta.lr, segment: meta.segment, clip: meta.clip, rule: ruleOf(meta) } : null;
}

/** "rate 0.001, RMS-normalised steps" or "rate 0.3, SGD steps": how a checkpoint's network learns as it reads. */
export function rateText(a: { lr: number; rule?: AdaptRule }): string {
  return `rate ${a.lr}, ${ruleOf(a) === 'rms' ? 'RMS-normalised' : 'SGD'} steps`;
}

/** The weights' steps as a text is read: one per segment, by the adaptation's rule (the RMS rule keeps each weight's mean square gradient). */
class Learner {
  private ms: Float32Array | null = null;
  private k = 0;
  constructor(private readonly a: Adaptation) {}

  step(w: Float32Array, g: Float32Array): void {
    const { lr, clip } = this.a;
    if (clip > 0) clipByGlobalNorm(g, clip);
    if (ruleOf(this.a) === 'sgd') {
      for (let i = 0; i < w.length; i++) w[i]! -= lr * g[i]!;
      return;
    }
    const ms = (this.ms ??= new Float32Array(w.length));
    this.k++;
    const correct = 1 / (1 - Math.pow(ADAPT_BETA, this.k));
    for (let i = 0; i < w.length; i++) {
      ms[i] = ADAPT_BETA * ms[i]! + (1 - ADAPT_BETA) * g[i]! * g[i]!;
      w[i]! -= (lr * g[i]!) / (Math.sqrt(ms[i]! * correct) + ADAPT_EPS);
    }
  }
}

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
  const learner = new Learner(a);
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
    learner.step(p.data, r.grads!); // learn from the segment just scored
    state = r.state;
    opts.onProgress?.(k + 1, n);
  }
  return { nats, tokens, unkNats, unkTokens, windows: { done: k, total: n } };
}

/**
 * Rates of the RMS rule tried at the end of training (a first step moves each weight by lr),
 * the likeliest first (0.001–0.0015 read fiction and tiny-shakespeare best), so that a choice
 * cut short by its time budget has tried those.
 */
export const ADAPT_RATES = [0.001, 0.002, 0.0005, 0.004, 0.00025];
export const ADAPT_RULE: AdaptRule = 'rms';
/** Validation tokens the rate is chosen on (the first of the split): seconds at a few thousand tokens/s. */
export const ADAPT_TOKENS = 12_000;

/**
 * Adapting is chosen only when it beats the static model on validation by more than this many
 * standard errors of its gain: a rate that wins by noise would cost eval most of its speed for
 * nothing (a list of names read 0.0003 bits/char worse held out at a rate that had won by 0.0011).
 */
export const ADAPT_Z = 2;

/**
 * How much `b` reads better than `a` (ln P at the same positions): the gain in nats per token,
 * and the standard error of that mean from the spread of its blocks of `block` positions (the
 * gains of neighbouring tokens are not independent; blocks of a segment are nearly so).
 * Infinity with fewer than two whole blocks: too little to tell.
 * Example: a = [0, 0, 0, 0], b = [1, 0, 1, 2], block 2 → blocks 0.5 and 1.5: gain 1, se 0.5.
 */
export function gainOverNoise(a: ArrayLike<number>, b: ArrayLike<number>, block: number): { gain: number; se: number } {
  const n = Math.min(a.length, b.length);
  let total = 0;
  for (let i = 0; i < n; i++) total += b[i]! - a[i]!;
  const blocks: number[] = [];
  for (let s = 0; s + block <= n; s += block) {
    let g = 0;
    for (let i = s; i < s + block; i++) g += b[i]! - a[i]!;
    blocks.push(g / block);
  }
  const k = blocks.length;
  if (k < 2) return { gain: total / Math.max(1, n), se: Infinity };
  const mean = blocks.reduce((x, y) => x + y, 0) / k;
  const variance = blocks.reduce((x, y) => x + (y - mean) ** 2, 0) / (k - 1);
  return { gain: total / n, se: Math.sqrt(variance / k) };
}

/**
 * Of the rates tried (the static model first; `nats` per token, `lp` ln P at each position),
 * the one to take: the lowest `nats` when it beats static by more than ADAPT_Z standard errors
 * (gainOverNoise over blocks of a segment, smaller for a short text so that there are at least
 * 8), else static. `top`: the lowest; `se`: its gain's standard error.
 */
export function pickRate<T extends { nats: number; lp: ArrayLike<number> }>(tried: readonly T[]): { best: T; top: T; se: number } {
  const at0 = tried[0]!;
  const top = tried.reduce((a, b) => (b.nats < a.nats ? b : a));
  const n = at0.lp.length;
  const { se } = gainOverNoise(at0.lp, top.lp, Math.max(1, Math.min(ADAPT_SEGMENT, Math.floor(n / 8))));
  return { best: at0.nats - top.nats > ADAPT_Z * se ? top : at0, top, se };
}

/**
 * The adaptation rate that scores the first ADAPT_TOKENS of validation best — with the mixture
 * (its weights refit for each rate) when the n-gram's per-position ln P and buckets on the same
 * stream are given, else the network alone. Rate 0 (static) is among the candidates: when no
 * rate helps, or the best helps by less than ADAPT_Z standard errors (gainOverNoise, per
 * segment), lr is 0. `now` is a clock in ms (for the speed recorded, and the budget: once
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
  const tried: Array<{ lr: number; nats: number; net: number; lambdas?: number[]; lp: Float64Array }> = [];
  let seconds = 0; // adapting passes
  const start = now();
  for (const lr of [0, ...rates]) {
    // Past the budget (a large vocabulary, a short run), the rates not yet tried are left out.
    if (tried.length >= 2 && (now() - start) / 1000 > budgetSeconds) break;
    const perPosition = new Float64Array(n);
    const t0 = now();
    const r = await streamLossAdaptive(params, stream, { lr, segment: ADAPT_SEGMENT, clip: ADAPT_CLIP, rule: ADAPT_RULE }, { perPosition });
    if (lr > 0) seconds += (now() - t0) / 1000;
    const net = r.nats / Math.max(1, r.tokens);
    if (ng) {
      const w = fitMixture(perPosition, ng.logProbs, ng.buckets);
      const mixed = perPosition.map((x, i) => mixLog(x, ng.logProbs[i]!, w.lambdas[ng.buckets[i]!]!));
      tried.push({ lr, nats: -mixed.reduce((x, y) => x + y, 0) / Math.max(1, n), net, lambdas: w.lambdas, lp: mixed });
    } else tried.push({ lr, nats: net, net, lp: perPosition });
  }
  const at0 = tried[0]!;
  const { best, top, se } = pickRate(tried);
  return {
    lr: best.lr,
    segment: ADAPT_SEGMENT,
    clip: ADAPT_CLIP,
    rule: ADAPT_RULE,
    tokens: n,
    by: ng ? 'mixture' : 'network',
    static: at0.nats,
    adapted: best.nats,
    network: { static: at0.net, adapted: best.net },
    ...(best.lambdas ? { lambdas: best.lambdas } : {}),
    tried: tried.map((t) => ({ lr: t.lr, nats: t.nats })),
    ...(top !== at0 && Number.isFinite(se) ? { se } : {}),
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
