// Log-likelihood of a token stream under a model, batched: the stream is cut into rows
// (corpus.rowBounds) run side by side window by window with the state carried. With
// `exact`, rows start only at sequence boundaries, so the result equals the sum of
// −log P(sequence) over the sequences; without, a row may start mid-sequence from the
// zero state (cheaper for one long document, used for validation during training).

import { rowBounds, windowAt, windowCount } from '../text/corpus.js';
import { runWindow, zeroState, type WindowRunner } from '../model/lm.js';
import type { Params } from '../model/params.js';
import { Stepper } from '../model/stepper.js';
import type { Predictor } from '../ngram/mixture.js';
import type { NGramModel } from '../ngram/model.js';
import { NGramInputPredictor, windowPrior } from '../ngram/input.js';
import { EOS_ID, UNK_ID, type Tokens } from '../text/tokenizer.js';

export interface StreamLoss {
  /** Σ −log P (nats) over all predicted tokens. */
  nats: number;
  /** Tokens predicted (characters + one <EOS> per sequence). */
  tokens: number;
  /** With opts.unk: the part of `nats` spent predicting <UNK> targets, and their number. */
  unkNats?: number;
  unkTokens?: number;
  /** Windows run, of how many (fewer when stopped by the signal). */
  windows: { done: number; total: number };
}

export const EVAL_BATCH = 256;
export const EVAL_TIME = 100;

/**
 * Validation during training reads rows of at least this many tokens. A row that starts
 * mid-sequence starts from the zero state, so short rows read the network cold: 16,706
 * validation tokens of prose (10 blocks) scored 2.254 bits/char in 256 rows of 65 tokens,
 * 2.118 in 32 rows of 522 and 2.105 read whole, and the mixture's weights fit on the cold
 * reading leaned on the n-gram. 32 rows took no longer than 256 (less padding).
 */
export const VAL_ROW_TOKENS = 512;

/** Rows for validating on `tokens` tokens: EVAL_BATCH at most, each at least VAL_ROW_TOKENS long but the last. */
export function validationRows(tokens: number): number {
  return Math.max(1, Math.min(EVAL_BATCH, Math.floor(tokens / VAL_ROW_TOKENS)));
}

/** Sum of −log P over the stream. `onProgress(done, total)` is called after each window. */
export async function streamLoss(
  params: Params,
  stream: Tokens,
  opts: {
    batch?: number;
    time?: number;
    unk?: boolean;
    exact?: boolean;
    pool?: WindowRunner | null;
    /** Stop between windows when aborted; the result covers the windows done. */
    signal?: AbortSignal;
    onProgress?: (done: number, total: number) => void;
    /** Filled with ln P(stream[p + 1]) at each input position p (length stream.length − 1), for the mixture. */
    perPosition?: Float64Array;
    /** The n-gram the model takes as input (training.ngramInput). */
    ngramInput?: NGramModel | null;
  } = {},
): Promise<StreamLoss> {
  const bounds = rowBounds(stream, opts.batch ?? EVAL_BATCH, opts.exact);
  const time = opts.time ?? EVAL_TIME;
  const n = windowCount(bounds, time);
  let state = zeroState(params.config, bounds.length);
  let nats = 0;
  let tokens = 0;
  let unkNats = 0;
  let unkTokens = 0;
  let k = 0;
  for (; k < n; k++) {
    if (opts.signal) {
      await nextTurn(); // let a signal handler run
      if (opts.signal.aborted) break;
    }
    const win = windowAt(stream, bounds, time, k);
    if (opts.ngramInput) win.prior = windowPrior(opts.ngramInput, win, stream, false);
    const o = { train: false, wantLogProbs: opts.unk || opts.perPosition !== undefined };
    const r = opts.pool ? await opts.pool.run(params, win, state, o) : await runWindow(params, win, state, o);
    if (opts.unk) {
      for (let i = 0; i < win.targets.length; i++)
        if (win.targets[i] === UNK_ID && win.weights[i]! > 0) {
          unkNats -= r.logProbs![i]!;
          unkTokens++;
        }
    }
    if (opts.perPosition) {
      // Row b of window k reads positions bounds[b][0] + k·time + t.
      for (let b = 0; b < win.batch; b++) {
        const [from, end] = bounds[b]!;
        for (let t = 0; t < time; t++) {
          const p = from + k * time + t;
          if (p < end) opts.perPosition[p] = r.logProbs![b * time + t]!;
        }
      }
    }
    nats += r.loss;
    tokens += r.count;
    state = r.state;
    opts.onProgress?.(k + 1, n);
  }
  const windows = { done: k, total: n };
  return opts.unk ? { nats, tokens, unkNats, unkTokens, windows } : { nats, tokens, windows };
}

/**
 * The same sum as streamLoss with `exact` and `unk`, one character at a time through the
 * Stepper: for one or a few long sequences (a document), where the batched path would run
 * a single row window by window. `onProgress(done, total)` counts characters.
 */
export async function streamLossStepper(
  params: Params,
  stream: Tokens,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; perPosition?: Float64Array; ngramInput?: NGramModel | null } = {},
): Promise<StreamLoss> {
  const plain = opts.ngramInput ? null : new Stepper(params);
  const stepper: Predictor = plain ?? new NGramInputPredictor(new Stepper(params), opts.ngramInput!);
  // A factored model scores the target alone, (C + |class|)·H a position instead of V·H.
  const targetOnly = plain && params.config.classOf ? plain : null;
  const n = stream.length - 1; // predicted positions
  let nats = 0;
  let unkNats = 0;
  let unkTokens = 0;
  let p = 0;
  try {
    for (; p < n; p++) {
      if (p % 4096 === 0 && p > 0) {
        opts.onProgress?.(p, n);
        await nextTurn(); // let a signal handler and the spinner run
        if (opts.signal?.aborted) break;
      }
      const input = stream[p]!;
      if (input === EOS_ID) stepper.reset();
      const lp = targetOnly ? targetOnly.logProbOf(input, stream[p + 1]!) : stepper.step(input)[stream[p + 1]!]!;
      nats -= lp;
      if (opts.perPosition) opts.perPosition[p] = lp;
      if (stream[p + 1] === UNK_ID) {
        unkNats -= lp;
        unkTokens++;
      }
    }
  } finally {
    stepper.dispose();
  }
  opts.onProgress?.(p, n);
  return { nats, tokens: p, unkNats, unkTokens, windows: { done: p, total: n } };
}

/** Wait for the event loop's next turn (setImmediate in Node, a zero timeout in a browser), so handlers and progress run. */
function nextTurn(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => void }).setImmediate;
  return new Promise<void>((r) => (immediate ? immediate(r) : setTimeout(r, 0)));
}
