// Probability of text under a model, in the conventions of KenLM `query` and SRILM
// `ngram -ppl`: log P(c1 … cn <EOS>) summed in log space (never a product of
// probabilities), tokens counted including <EOS>, characters outside the vocabulary
// mapped to <UNK> and counted as OOV. Sentences are scored one character at a time by
// the Stepper; whole files by the batched TF.js path (evaluate.ts).

import type { Stepper } from './model/stepper.js';
import type { Params } from './model/params.js';
import { streamLoss, streamLossStepper } from './evaluate.js';
import type { DataParallel } from './model/parallel.js';
import { EOS_ID, segment, streamOf, UNK_ID, type Segmentation, type Vocab } from './tokenizer.js';

export interface CharScore {
  /** The character, or "<EOS>". */
  char: string;
  p: number;
  /** Surprisal −log2 p. */
  bits: number;
  oov: boolean;
}

export interface SentenceScore {
  text: string;
  /** Natural-log probability. */
  logprob: number;
  log10prob: number;
  prob: number;
  /** Characters + <EOS> (unless noEos). */
  tokens: number;
  oov: number;
  /** Bits per token (character or <EOS>): −log2 P / tokens. */
  bpc: number;
  /** Perplexity per token: e^(−ln P / tokens). */
  ppl: number;
  chars?: CharScore[];
}

export const LN10 = Math.log(10);
export const LN2 = Math.log(2);

/** Summary numbers from a total natural-log probability over `tokens` tokens. */
export function summarize(logprob: number, tokens: number) {
  return {
    logprob,
    log10prob: logprob / LN10,
    prob: Math.exp(logprob),
    bpc: tokens > 0 ? -logprob / LN2 / tokens : 0,
    ppl: tokens > 0 ? Math.exp(-logprob / tokens) : 1,
  };
}

/**
 * Score one sentence: log P(c1|<EOS>) + … + log P(<EOS>|c1…cn). With `noEos` the last term
 * is left out (the probability that the sequence starts with this text). Example: the
 * empty sentence has probability P(<EOS>|<EOS>), 1 token.
 */
export function scoreSentence(stepper: Stepper, vocab: Vocab, text: string, o: { noEos?: boolean; perChar?: boolean } = {}): SentenceScore {
  const { ids, oov } = vocab.encode(text);
  const chars: CharScore[] | undefined = o.perChar ? [] : undefined;
  stepper.reset();
  let lp = stepper.step(EOS_ID);
  let logprob = 0;
  const n = ids.length + (o.noEos ? 0 : 1);
  for (let i = 0; i < n; i++) {
    const id = i < ids.length ? ids[i]! : EOS_ID;
    const l = lp[id]!;
    logprob += l;
    chars?.push({ char: id === EOS_ID ? '<EOS>' : id === UNK_ID ? String.fromCodePoint(text.codePointAt(charOffset(text, i))!) : vocab.tokens[id]!, p: Math.exp(l), bits: -l / LN2, oov: id === UNK_ID });
    if (i + 1 < n) lp = stepper.step(id);
  }
  return { text, tokens: n, oov, ...summarize(logprob, n), ...(chars ? { chars } : {}) };
}

/** UTF-16 offset of the i-th code point of s. */
function charOffset(s: string, i: number): number {
  let o = 0;
  for (let k = 0; k < i; k++) o += s.codePointAt(o)! > 0xffff ? 2 : 1;
  return o;
}

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
