// Generates text from a model: start from the zero state with <EOS> as input, feed an
// optional prime, then draw each next character from P(· | prefix) reshaped by temperature
// (0 = argmax), top-k and top-p (nucleus), until <EOS> or a length limit. The state is
// carried between characters, never recomputed over the prefix.

import { inputError } from '../common/errors.js';
import type { Predictor } from '../ngram/mixture.js';
import type { Rng } from '../common/rng.js';
import { EOS_ID, UNK_ID, codePoints, type Vocab } from '../text/tokenizer.js';

export interface SampleOptions {
  temperature: number;
  topK?: number;
  topP?: number;
  /** Text to condition on (not part of the output). */
  prime?: string;
  /** Map characters of the prime that are not in the vocabulary to <UNK> instead of failing. */
  unkOk?: boolean;
  /** Maximum characters (or words) generated (not counting <EOS>). */
  length: number;
  /** Stop at <EOS> (default). Without, <EOS> is emitted as a newline and sampling goes on from a fresh sequence. */
  stopAtEos: boolean;
  rng: Rng;
}

export interface SampledChar {
  id: number;
  /** The character (<EOS> as "\n"); a word with the space before it that text would have. */
  text: string;
  /** P(char | prefix) under the model itself (temperature 1, no truncation). */
  p: number;
}

/** Encode a prime, failing on characters (or words) the model has never seen unless unkOk. */
export function encodePrime(vocab: Vocab, prime: string, unkOk = false): number[] {
  if (vocab.unit === 'word') {
    const toks = vocab.split(prime);
    const unknown = [...new Set(toks.filter((t) => !vocab.hasToken(t)))];
    if (unknown.length > 0 && !unkOk) {
      const shown = unknown
        .slice(0, 10)
        .map((t) => JSON.stringify(t))
        .join(', ');
      throw inputError(
        `--prime has ${unknown.length} word(s) not in the model's vocabulary: ${shown}${unknown.length > 10 ? ', …' : ''} (use --unk-ok to map them to <UNK>)`,
      );
    }
    return toks.map((t) => vocab.tokenId(t));
  }
  const cps = codePoints(vocab.normalized(prime));
  const unknown = [...new Set(cps.filter((c) => !vocab.has(c)))];
  if (unknown.length > 0 && !unkOk) {
    const shown = unknown
      .slice(0, 10)
      .map((c) => JSON.stringify(String.fromCodePoint(c)))
      .join(', ');
    throw inputError(
      `--prime has ${unknown.length} character(s) not in the model's vocabulary: ${shown}${unknown.length > 10 ? ', …' : ''} (use --unk-ok to map them to <UNK>)`,
    );
  }
  return cps.map((c) => vocab.id(c));
}

/** Draw an index from log-probabilities after temperature, top-k and top-p. */
export function draw(logProbs: Float64Array, o: Pick<SampleOptions, 'temperature' | 'topK' | 'topP' | 'rng'>): number {
  const V = logProbs.length;
  if (o.temperature === 0) {
    let best = 0;
    for (let v = 1; v < V; v++) if (logProbs[v]! > logProbs[best]!) best = v;
    return best;
  }
  const order = Array.from({ length: V }, (_, v) => v);
  let keep = V;
  if ((o.topK !== undefined && o.topK < V) || o.topP !== undefined) {
    order.sort((a, b) => logProbs[b]! - logProbs[a]! || a - b);
    if (o.topK !== undefined) keep = Math.max(1, Math.min(V, o.topK));
  }
  const w = new Float64Array(keep);
  let max = -Infinity;
  for (let k = 0; k < keep; k++) max = Math.max(max, logProbs[order[k]!]! / o.temperature);
  let sum = 0;
  for (let k = 0; k < keep; k++) sum += w[k] = Math.exp(logProbs[order[k]!]! / o.temperature - max);
  if (o.topP !== undefined) {
    let cum = 0;
    let k = 0;
    while (k < keep) {
      cum += w[k]! / sum;
      k++;
      if (cum >= o.topP) break;
    }
    keep = k;
    sum = 0;
    for (let j = 0; j < keep; j++) sum += w[j]!;
  }
  let u = o.rng.next() * sum;
  for (let k = 0; k < keep; k++) {
    u -= w[k]!;
    if (u < 0) return order[k]!;
  }
  return order[keep - 1]!;
}

/**
 * Generate one sample, yielding characters as they are drawn. Returns the total
 * log-probability of what was generated (natural log, including a final <EOS>).
 */
export function* sampleChars(stepper: Predictor, vocab: Vocab, o: SampleOptions): Generator<SampledChar, number> {
  stepper.reset();
  let lp = stepper.step(EOS_ID);
  let join = vocab.joiner(); // a word model's tokens are spaced as text is
  for (const id of encodePrime(vocab, o.prime ?? '', o.unkOk)) {
    join(vocab.tokens[id]!);
    lp = stepper.step(id);
  }
  let total = 0;
  for (let n = 0; n < o.length;) {
    const id = draw(lp, o);
    const p = Math.exp(lp[id]!);
    total += lp[id]!;
    if (id === EOS_ID) {
      yield { id, text: '\n', p };
      if (o.stopAtEos) return total;
      stepper.reset();
      join = vocab.joiner();
    } else {
      yield { id, text: join(id === UNK_ID ? '\uFFFD' : vocab.tokens[id]!), p };
      n++;
    }
    lp = stepper.step(id);
  }
  return total;
}

/** Generate one whole sample: its text (without the final <EOS>) and log-probability. */
export function sampleText(stepper: Predictor, vocab: Vocab, o: SampleOptions): { text: string; logprob: number; chars: number } {
  const gen = sampleChars(stepper, vocab, o);
  let text = '';
  let chars = 0;
  for (;;) {
    const r = gen.next();
    if (r.done) return { text, logprob: r.value, chars };
    if (r.value.id === EOS_ID && o.stopAtEos) continue;
    text += r.value.text;
    if (r.value.id !== EOS_ID) chars++;
  }
}
