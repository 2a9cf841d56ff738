// Probability of text under a model, in the conventions of KenLM `query` and SRILM
// `ngram -ppl`: log P(c1 … cn <EOS>) summed in log space (never a product of
// probabilities), tokens counted including <EOS>, characters outside the vocabulary
// mapped to <UNK> and counted as OOV. Sentences are scored one character at a time by
// the Stepper (sentence.ts); whole files by the batched TF.js path (evaluate.ts).

import type { Params } from '../model/params.js';
import { streamLoss, streamLossStepper } from './evaluate.js';
import { streamLossAdaptive, type Adaptation } from './dynamic.js';
import type { WindowRunner } from '../model/lm.js';
import { mixLog, type MixtureWeights } from '../ngram/mixture.js';
import type { NGramModel } from '../ngram/model.js';
import { ReadingNGram } from '../ngram/reading.js';
import { EOS_ID, segment, streamOf, UNK_ID, type Segmentation, type Tokens, type Vocab } from '../text/tokenizer.js';
import { summarize } from './sentence.js';

export interface FileScore {
  logprob: number;
  log10prob: number;
  tokens: number;
  sequences: number;
  oov: number;
  nats_per_char: number;
  bpc: number;
  ppl: number;
  /** Perplexity leaving out the tokens that are <UNK> (as KenLM's "Perplexity excluding OOVs"). */
  ppl_excl_oov: number;
  /** Set when stopped early: the numbers cover this many of the windows. */
  partial: { done: number; total: number } | null;
  /** Which model the numbers above are of. */
  model: 'mixture' | 'network';
  /** The network adapted as it read (dynamic evaluation), at this rate; absent when it did not. */
  adapt?: Adaptation;
  /**
   * With a mixture: nats per token of each part and of the mixture, on the same tokens; with
   * an n-gram that keeps counting, `ngram` is it as used and `ngramStatic` the training counts alone.
   */
  parts?: { network: number; ngram: number; mixture: number; ngramStatic?: number };
}

/** The n-gram and the mixture weights of a checkpoint, to score with the mixture. */
export interface Mix {
  ngram: NGramModel;
  weights: MixtureWeights;
  /** The n-gram keeps counting what it reads within a sequence (training.ngramAdapt). */
  adapts?: boolean;
}

/**
 * Up to this many sequences are scored one character at a time (the Stepper, ~10,000
 * chars/s) rather than in batched windows, where so few rows would leave the batch almost
 * empty (~2,000 chars/s for one row).
 */
export const STEPPER_MAX_ROWS = 4;

/**
 * Held-out evaluation of a text with the model's segmentation (exact): batched windows,
 * or the Stepper for a text of a few long sequences. `onProgress(done, total)` counts
 * windows, or characters on the Stepper path (`unit` says which).
 */
export async function scoreText(
  params: Params,
  vocab: Vocab,
  text: string,
  segmentation: Segmentation,
  o: {
    pool?: WindowRunner | null;
    signal?: AbortSignal;
    onProgress?: (done: number, total: number, unit: 'windows' | 'characters') => void;
    path?: 'auto' | 'batched' | 'stepper';
    /** Score with the mixture of the network and this n-gram (and report all three). */
    mix?: Mix | null;
    /** The n-gram the model takes as input (training.ngramInput). */
    ngramInput?: NGramModel | null;
    /** The network learns from the text as it reads it (dynamic.ts): one row, segment by segment. */
    adapt?: Adaptation | null;
  } = {},
): Promise<FileScore> {
  const seqs = segment(vocab.normalized(text), segmentation);
  const { ids } = streamOf(vocab, seqs);
  const path = o.path ?? 'auto';
  const stepper = path === 'stepper' || (path === 'auto' && seqs.length <= STEPPER_MAX_ROWS); // exact rows: one per sequence at most
  const perPosition = o.mix ? new Float64Array(Math.max(0, ids.length - 1)).fill(NaN) : undefined;
  const net = o.adapt
    ? await streamLossAdaptive(params, ids, o.adapt, { signal: o.signal, perPosition, onProgress: (d, t) => o.onProgress?.(d, t, 'windows') })
    : stepper
      ? await streamLossStepper(params, ids, {
          signal: o.signal,
          perPosition,
          ngramInput: o.ngramInput,
          onProgress: (d, t) => o.onProgress?.(d, t, 'characters'),
        })
      : await streamLoss(params, ids, { ...o, unk: true, exact: true, perPosition, onProgress: (d, t) => o.onProgress?.(d, t, 'windows') });
  const { windows } = net;
  let { nats, tokens, unkNats, unkTokens } = net;
  let parts: FileScore['parts'];
  if (o.mix && perPosition) {
    // Each position the network predicted, under the n-gram and the mixture too (after an
    // interruption, only the text the network read: the n-gram reads no further).
    const { stream, from } = scoredSpans(ids, perPosition);
    const ng = o.mix.adapts ? new ReadingNGram(o.mix.ngram).scoreStream(stream) : o.mix.ngram.scoreStream(stream);
    const fixed = o.mix.adapts ? o.mix.ngram.scoreStream(stream) : null;
    let fixedNats = 0;
    let netNats = 0;
    let ngNats = 0;
    nats = 0;
    tokens = 0;
    unkNats = 0;
    unkTokens = 0;
    for (let j = 0; j < from.length; j++) {
      const p = from[j]!;
      const a = p < 0 ? NaN : perPosition[p]!;
      if (Number.isNaN(a)) continue;
      const m = mixLog(a, ng.logProbs[j]!, o.mix.weights.lambdas[ng.buckets[j]!]!);
      netNats -= a;
      ngNats -= ng.logProbs[j]!;
      if (fixed) fixedNats -= fixed.logProbs[j]!;
      nats -= m;
      tokens++;
      if (ids[p + 1] === UNK_ID) {
        unkNats -= m;
        unkTokens++;
      }
    }
    const per = (x: number) => x / Math.max(1, tokens);
    parts = { network: per(netNats), ngram: per(ngNats), mixture: per(nats), ...(fixed ? { ngramStatic: per(fixedNats) } : {}) };
  }
  const partial = windows.done < windows.total ? windows : null;
  const oov = unkTokens!;
  const s = summarize(-nats, tokens);
  const kept = tokens - oov;
  return {
    logprob: s.logprob,
    log10prob: s.log10prob,
    tokens,
    sequences: seqs.length,
    oov,
    nats_per_char: tokens > 0 ? nats / tokens : 0,
    bpc: s.bpc,
    ppl: s.ppl,
    ppl_excl_oov: kept > 0 ? Math.exp((nats - unkNats!) / kept) : 1,
    partial,
    model: parts ? 'mixture' : 'network',
    ...(parts ? { parts } : {}),
    ...(o.adapt ? { adapt: o.adapt } : {}),
  };
}

/**
 * What the n-gram has to read to score the positions the network scored (those not NaN): each
 * sequence that holds one, from its <EOS> to its last scored target — all of `ids` after a
 * whole run, less after an interruption. Exact, because the n-gram's context and counts
 * restart at each <EOS>. `from[j]`: the position in `ids` of input position j (−1 where one
 * cut-off sequence meets the next).
 */
export function scoredSpans(ids: Tokens, scored: Float64Array): { stream: Tokens; from: Int32Array } {
  const n = scored.length; // input positions
  if (!scored.some(Number.isNaN)) return { stream: ids, from: Int32Array.from({ length: n }, (_, p) => p) };
  const stream: number[] = [];
  const from: number[] = [];
  for (let s = 0; s < n;) {
    let e = s + 1;
    while (e < n && ids[e] !== EOS_ID) e++; // the sequence's inputs are [s, e)
    let last = -1;
    for (let p = s; p < e; p++) if (!Number.isNaN(scored[p]!)) last = p;
    if (last >= 0) {
      if (from.length > 0) from[from.length - 1] = -1; // the junction: the previous span's last token predicting this <EOS>
      for (let p = s; p <= last; p++) {
        stream.push(ids[p]!);
        from.push(p);
      }
      stream.push(ids[last + 1]!);
      from.push(-1);
    }
    s = e;
  }
  from.pop(); // the last token is a target only
  return { stream: Int32Array.from(stream), from: Int32Array.from(from) };
}
