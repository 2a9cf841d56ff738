// Building the n-gram of a run: count the training split once up to MAX_ORDER, then make
// the Kneser–Ney model of each order from those counts (pruned to MAX_ENTRIES) and keep
// the one that predicts the validation split best. Without a validation split: DEFAULT_ORDER.

import type { Tokens } from '../text/tokenizer.js';
import { NGramCounts } from './counts.js';
import { NGramModel } from './model.js';

export const MAX_ORDER = 7;
export const DEFAULT_ORDER = 5;
/** The model is pruned to this many (context, token) entries: about 4 bytes each in ngram.bin. */
export const MAX_ENTRIES = 4_000_000;

export interface OrderResult {
  order: number;
  entries: number;
  /** Validation nats per token (null without validation). */
  val: number | null;
}

export interface BuiltNGram {
  model: NGramModel;
  orders: OrderResult[];
  /** Validation nats per token of the chosen order, and the tokens it covers. */
  val: number | null;
  valTokens: number;
  seconds: number;
  /** Bytes the counts held (typed arrays and tables) before the model was made from them. */
  countBytes: number;
}

export function buildNGram(train: Tokens, val: Tokens | null, vocabSize: number, o: { maxOrder?: number; maxEntries?: number } = {}): BuiltNGram {
  const t0 = performance.now();
  const maxOrder = o.maxOrder ?? MAX_ORDER;
  const counts = NGramCounts.count(train, vocabSize, maxOrder);
  const orders: OrderResult[] = [];
  let best: { model: NGramModel; val: number | null } | null = null;
  const valTokens = val ? Math.max(0, val.length - 1) : 0;
  for (let order = 1; order <= maxOrder; order++) {
    if (!val || valTokens === 0) {
      if (order !== Math.min(DEFAULT_ORDER, maxOrder)) continue;
      const model = NGramModel.fromCounts(counts, order, o.maxEntries ?? MAX_ENTRIES);
      orders.push({ order, entries: model.entryCount, val: null });
      best = { model, val: null };
      break;
    }
    const model = NGramModel.fromCounts(counts, order, o.maxEntries ?? MAX_ENTRIES);
    const lp = model.scoreStream(val).logProbs;
    let nats = 0;
    for (let i = 0; i < lp.length; i++) nats -= lp[i]!;
    const v = nats / valTokens;
    orders.push({ order, entries: model.entryCount, val: v });
    if (!best || v < best.val!) best = { model, val: v };
    else if (order >= 3 && v > best.val! + 0.02) break; // past the best order, longer ones only get worse
  }
  return { model: best!.model, orders, val: best!.val, valTokens, seconds: (performance.now() - t0) / 1000, countBytes: counts.bytes };
}
