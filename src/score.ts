// Probability of text under a model, in the conventions of KenLM `query` and SRILM
// `ngram -ppl`: log P(c1 … cn <EOS>) summed in log space (never a product of
// probabilities), tokens counted including <EOS>, characters outside the vocabulary
// mapped to <UNK> and counted as OOV. Sentences are scored one character at a time by
// the Stepper (sentence.ts); whole files by the batched TF.js path (evaluate.ts).

import type { Params } from './model/params.js';
import { streamLoss, streamLossStepper } from './evaluate.js';
import type { DataParallel } from './model/parallel.js';
import { segment, streamOf, type Segmentation, type Vocab } from './tokenizer.js';
import { summarize } from './sentence.js';

export { LN10, LN2, scoreSentence, summarize, type CharScore, type SentenceScore } from './sentence.js';

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
  o: { pool?: DataParallel | null; signal?: AbortSignal; onProgress?: (done: number, total: number, unit: 'windows' | 'characters') => void; path?: 'auto' | 'batched' | 'stepper' } = {},
): Promise<FileScore> {
  const seqs = segment(text, segmentation);
  const { ids } = streamOf(vocab, seqs);
  const path = o.path ?? 'auto';
  const stepper = path === 'stepper' || (path === 'auto' && seqs.length <= STEPPER_MAX_ROWS); // exact rows: one per sequence at most
  const { nats, tokens, unkNats, unkTokens, windows } = stepper
    ? await streamLossStepper(params, ids, { signal: o.signal, onProgress: (d, t) => o.onProgress?.(d, t, 'characters') })
    : await streamLoss(params, ids, { ...o, unk: true, exact: true, onProgress: (d, t) => o.onProgress?.(d, t, 'windows') });
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
  };
}
