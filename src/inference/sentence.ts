// The probability of one sentence under a model, one character at a time by the Stepper,
// in the conventions of KenLM `query`: log P(c1 … cn <EOS>) summed in log space, <EOS>
// counted as a token, characters outside the vocabulary scored as <UNK>. Browser-safe: the
// web page (src/web) scores with this same code.

import type { Predictor } from '../ngram/mixture.js';
import { codePoints, EOS_ID, UNK_ID, type Unit, type Vocab } from '../text/tokenizer.js';

export interface CharScore {
  /** The character, or "<EOS>". */
  char: string;
  p: number;
  /** Surprisal −log2 p. */
  bits: number;
  oov: boolean;
  /** With the `top` option: the model's most likely tokens at this position, most likely first. */
  top?: Array<{ char: string; p: number }>;
}

export interface SentenceScore {
  text: string;
  /** Natural-log probability. */
  logprob: number;
  log10prob: number;
  prob: number;
  /** Characters (or words) + <EOS> (unless noEos). */
  tokens: number;
  oov: number;
  /** "char" or "word": what a token is. */
  unit: Unit;
  /**
   * Word models: bits per character of the text (its code points, + 1 for <EOS> as a newline),
   * the number a character model reports as bits/char, so the two compare on the same text.
   */
  textBpc?: number;
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
export function scoreSentence(stepper: Predictor, vocab: Vocab, text: string, o: { noEos?: boolean; perChar?: boolean; top?: number } = {}): SentenceScore {
  text = vocab.normalized(text); // shown as read: in NFC where the model normalises
  const { ids, oov } = vocab.encode(text);
  const words = vocab.unit === 'word' ? vocab.split(text) : null; // an unknown word is shown as written
  const chars: CharScore[] | undefined = o.perChar ? [] : undefined;
  stepper.reset();
  let lp = stepper.step(EOS_ID);
  let logprob = 0;
  const n = ids.length + (o.noEos ? 0 : 1);
  for (let i = 0; i < n; i++) {
    const id = i < ids.length ? ids[i]! : EOS_ID;
    const l = lp[id]!;
    logprob += l;
    chars?.push({
      ...charScore(vocab, text, words, i, id, l),
      ...(o.top ? { top: topTokens(lp, o.top).map((v) => ({ char: vocab.tokens[v]!, p: Math.exp(lp[v]!) })) } : {}),
    });
    if (i + 1 < n) lp = stepper.step(id);
  }
  return sentenceOf(vocab, text, n, oov, logprob, o.noEos, chars);
}

/**
 * A sentence's numbers from the ln P of each of its tokens, its <EOS> last (as a model that
 * learns as it reads gives them, dynamic.ts); with `noEos` the <EOS> term is left out.
 */
export function sentenceFromLogProbs(vocab: Vocab, text: string, logProbs: readonly number[], o: { noEos?: boolean; perChar?: boolean } = {}): SentenceScore {
  text = vocab.normalized(text);
  const { ids, oov } = vocab.encode(text);
  const words = vocab.unit === 'word' ? vocab.split(text) : null;
  const n = ids.length + (o.noEos ? 0 : 1);
  let logprob = 0;
  const chars: CharScore[] | undefined = o.perChar ? [] : undefined;
  for (let i = 0; i < n; i++) {
    logprob += logProbs[i]!;
    chars?.push(charScore(vocab, text, words, i, i < ids.length ? ids[i]! : EOS_ID, logProbs[i]!));
  }
  return sentenceOf(vocab, text, n, oov, logprob, o.noEos, chars);
}

/** Token i of a sentence (id `id`, ln P `l`): an unknown word or character shown as written. */
function charScore(vocab: Vocab, text: string, words: string[] | null, i: number, id: number, l: number): CharScore {
  const char = id === EOS_ID ? '<EOS>' : id === UNK_ID ? (words ? words[i]! : String.fromCodePoint(text.codePointAt(charOffset(text, i))!)) : vocab.tokens[id]!;
  return { char, p: Math.exp(l), bits: -l / LN2, oov: id === UNK_ID };
}

function sentenceOf(
  vocab: Vocab,
  text: string,
  n: number,
  oov: number,
  logprob: number,
  noEos: boolean | undefined,
  chars: CharScore[] | undefined,
): SentenceScore {
  const textChars = codePoints(text).length + (noEos ? 0 : 1);
  const textBpc = vocab.unit === 'word' && textChars > 0 ? { textBpc: -logprob / LN2 / textChars } : {};
  return { text, tokens: n, oov, unit: vocab.unit, ...summarize(logprob, n), ...textBpc, ...(chars ? { chars } : {}) };
}

/** Indices of the k largest log-probabilities, largest first (ties: lower index first). */
export function topTokens(lp: Float64Array, k: number): number[] {
  return Array.from(lp.keys())
    .sort((a, b) => lp[b]! - lp[a]! || a - b)
    .slice(0, k);
}

/** UTF-16 offset of the i-th code point of s. */
function charOffset(s: string, i: number): number {
  let o = 0;
  for (let k = 0; k < i; k++) o += s.codePointAt(o)! > 0xffff ? 2 : 1;
  return o;
}
