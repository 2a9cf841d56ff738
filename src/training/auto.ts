// `auto` settings: what `rnnlm train my.txt` picks when the user does not say. The
// segmentation and split follow the kind of text (text/kind.ts); the model's size follows
// the amount of training text and the time budget; batch and window follow the mode.
// Every choice comes with a reason the CLI prints. Explicit flags always win.

import type { CellKind } from '../model/config.js';
import type { SplitMethod } from '../text/split.js';
import { autoChoice, classifyText, type TextKind } from '../text/kind.js';
import type { Segmentation } from '../text/tokenizer.js';

export type Auto<T> = T | 'auto';

export interface Choice {
  /** What was chosen ("mode", "model", …) and how it reads ("document", "2 × 256"). */
  what: string;
  value: string;
  reason: string;
}

/**
 * Model sizes `auto` picks from, smallest first, with the training characters each needs
 * before it is chosen. Which of them a time budget allows is measured on the machine at
 * hand before training (chooseSize), not assumed.
 */
export const SIZES: ReadonlyArray<{ layers: number; hidden: number; minChars: number }> = [
  { layers: 1, hidden: 128, minChars: 0 },
  { layers: 1, hidden: 256, minChars: 20_000 },
  { layers: 2, hidden: 256, minChars: 500_000 },
  { layers: 2, hidden: 512, minChars: 5_000_000 },
  { layers: 3, hidden: 512, minChars: 50_000_000 },
];

/** A time budget should let a model see at least this many characters (else pick a smaller one). */
export const MIN_CHARS_IN_BUDGET = 6_000_000;

/**
 * Dropout: against memorising, so it follows how often the run will read each character.
 * With a budget and a measured speed, by the epochs the budget allows (speed × time /
 * training characters): fewer than 3 → 0 (the text is read too few times to be memorised),
 * fewer than 8 → 0.1, more → 0.2. Without, by training characters: 0.2 below 500K, 0.1
 * below 5M, else 0. README "How the defaults were chosen".
 * Example: 0.9M characters, 15 min at 12K chars/s → 12 epochs → 0.2; 3 min → 2.4 → 0.
 */
export function autoDropout(trainChars: number, epochs: number | null = null): { dropout: number; reason: string } {
  if (epochs !== null) {
    const dropout = epochs < 3 ? 0 : epochs < 8 ? 0.1 : 0.2;
    return {
      dropout,
      reason: `about ${epochs.toFixed(1)} epochs in the budget${dropout > 0 ? ': against memorising what it reads again and again' : ': too few to memorise the text'}`,
    };
  }
  const dropout = trainChars < 500_000 ? 0.2 : trainChars < 5_000_000 ? 0.1 : 0;
  return { dropout, reason: dropout > 0 ? 'against memorising a small corpus' : 'enough text not to need it' };
}

export interface SizeChoice {
  layers: number;
  hidden: number;
  /** Measured training speed of the chosen size (chars/s), when a budget asked for measuring. */
  charsPerSec: number | null;
  reason: string;
}

/**
 * The model size for `trainChars` characters of training text and an optional budget in
 * seconds: the largest size whose data need is met and, with a budget, that reads
 * MIN_CHARS_IN_BUDGET characters in it at the speed `measure` finds for it here (a few
 * training windows). Sizes are measured smallest first and measuring stops at the first
 * that is too slow; the smallest is the fallback, measured too (dropout follows its speed).
 * Monotone: more text, more time or a faster machine never give a smaller model.
 * Example: 1.1M characters, 15 min, measured 12,000 chars/s for 1 × 256 and 5,000 for
 * 2 × 256 → 1 × 256 (10.8M characters in the budget; 2 × 256 would read 4.5M).
 */
export async function chooseSize(
  trainChars: number,
  time: number | null,
  measure: (layers: number, hidden: number) => Promise<number>,
  unit: 'char' | 'word' = 'char',
): Promise<SizeChoice> {
  let pick: { layers: number; hidden: number; cps: number | null } = { ...SIZES[0]!, cps: null };
  let tooSlow: { layers: number; hidden: number; cps: number } | null = null;
  for (const [i, s] of SIZES.entries()) {
    if (trainChars < s.minChars) break;
    if (time === null) {
      pick = { ...s, cps: null };
      continue;
    }
    const cps = await measure(s.layers, s.hidden);
    if (i > 0 && cps * time < MIN_CHARS_IN_BUDGET) {
      tooSlow = { ...s, cps };
      break;
    }
    pick = { ...s, cps };
  }
  const chars = trainChars >= 1e6 ? `${(trainChars / 1e6).toFixed(1)}M` : `${Math.round(trainChars / 1e3)}K`;
  const k = (x: number) => (x >= 1e4 ? `${Math.round(x / 1e3)}K` : `${(x / 1e3).toFixed(1)}K`);
  const [tokens, perSec] = unit === 'word' ? ['words', 'words/s'] : ['characters', 'chars/s']; // a word model's thresholds count words
  const measured = [
    pick.cps !== null ? `${k(pick.cps)} ${perSec} for ${pick.layers} × ${pick.hidden}` : null,
    tooSlow ? `${k(tooSlow.cps)} for ${tooSlow.layers} × ${tooSlow.hidden}` : null,
  ].filter(Boolean);
  const speed = measured.length ? `measured ${measured.join(', ')} here; ` : '';
  const why = tooSlow
    ? ` (${tooSlow.layers} × ${tooSlow.hidden} would read ${((tooSlow.cps * time!) / 1e6).toFixed(1)}M ${tokens} in the time, under ${MIN_CHARS_IN_BUDGET / 1e6}M)`
    : '';
  const budget = time === null ? '' : `, ${fmtTime(time)}`;
  return {
    layers: pick.layers,
    hidden: pick.hidden,
    charsPerSec: pick.cps,
    reason: `${speed}${chars} training ${tokens}${budget}: ${pick.layers} × ${pick.hidden}${why}`,
  };
}

function fmtTime(s: number): string {
  return s >= 3600 ? `${+(s / 3600).toFixed(1)} h` : s >= 60 ? `${+(s / 60).toFixed(1)} min` : `${Math.round(s)} s`;
}

/**
 * Batch rows, window length and Adam's peak learning rate: 32 rows × 64 steps at 0.008 in
 * every mode. Measured (README "How the defaults were chosen"): on names 0.008 reached in 8
 * epochs what 0.002 reached in 19; on tiny-shakespeare in 3 minutes, 32 × 64 windows make
 * twice the steps of 64 × 100 and won in line mode (1.790 against 2.041–2.024 nats/char for
 * the other modes at 64 × 100, 0.005); document mode with 32 × 64 at 0.008 then reached
 * 1.522 in 15 minutes, where 64 × 100 at 0.005 had reached 1.858.
 */
export function autoWindow(_segmentation: Segmentation): { batchSize: number; seqLen: number; lr: number } {
  return { batchSize: 32, seqLen: 64, lr: 0.008 };
}

/**
 * `--clip auto`: the global-norm bound on the gradient of the loss summed over time and
 * averaged over the batch rows. Line mode keeps 5 (measured on names). A stream is clipped
 * as the PyTorch reference clips it, 5 on the loss summed over the rows too, i.e. 5 / rows
 * here: active at nearly every step, so Adam sees gradients of one size. Measured on
 * tiny-shakespeare, 2 × 256, 64 × 100 windows, seed 1: 2.183 nats/char held out after 284
 * steps against 2.209 with clip 5 (README "How the defaults were chosen").
 * Example: document mode, batch 32 → 0.15625.
 */
export function autoClip(segmentation: Segmentation, batchSize: number): number {
  return segmentation === 'line' ? 5 : 5 / batchSize;
}

/** Segmentation and split for a text: explicit values win; `auto` follows the kind of text. */
export function resolveText(
  text: string,
  segmentation: Auto<Segmentation>,
  split: Auto<SplitMethod>,
): { segmentation: Segmentation; split: SplitMethod; kind: TextKind; choices: Choice[] } {
  const k = classifyText(text);
  const auto = autoChoice(k.kind);
  const choices: Choice[] = [];
  const seg = segmentation === 'auto' ? auto.segmentation : segmentation;
  if (segmentation === 'auto') choices.push({ what: 'mode', value: seg, reason: `${k.kind === 'list' ? 'a list' : 'running text'}: ${k.reason}` });
  const sp = split === 'auto' ? auto.split : split;
  if (split === 'auto') {
    choices.push({
      what: 'split',
      value: sp,
      reason: sp === 'random' ? 'items are independent: a seeded random choice' : 'running text: blocks spread over the file',
    });
  }
  return { segmentation: seg, split: sp, kind: k.kind, choices };
}

export interface ModelRequest {
  cell: CellKind;
  layers: Auto<number>;
  hidden: Auto<number>;
  dropout: Auto<number>;
  /** The output layer: a flat softmax, or factored into classes (factored.ts); absent: auto. */
  output?: Auto<OutputKind>;
}

export type OutputKind = 'flat' | 'factored';
export const OUTPUTS: readonly OutputKind[] = ['flat', 'factored'];

/**
 * Vocabularies below this keep the flat output layer without measuring: there the output
 * layer is a small part of a step (npm run bench: V 65 against 2,500 and 6,000).
 */
export const FACTORED_MIN_VOCAB = 512;

/** `auto` factors the output when that trains at least this much faster here. */
export const FACTORED_MIN_GAIN = 1.2;

/**
 * Classes of a factored output layer for V tokens: 2√V, so a class holds √V/2 tokens on
 * average (frequent tokens sit in smaller ones) and the class layer and a class's members
 * cost about the same. Example: 6,000 characters → 155 classes; 10,002 words → 200.
 */
export function outputClassCount(V: number): number {
  return Math.max(1, Math.min(V, Math.round(2 * Math.sqrt(V))));
}

/**
 * `--output auto`: the factored layer when the vocabulary is large and the factored layer
 * measured here trains at least FACTORED_MIN_GAIN times faster than the flat one.
 */
export async function chooseOutput(
  V: number,
  measure: (kind: OutputKind) => Promise<number>,
  unit: 'char' | 'word' = 'char',
): Promise<{ kind: OutputKind; reason: string; speed: number | null }> {
  if (V < FACTORED_MIN_VOCAB) return { kind: 'flat', reason: `${V} tokens`, speed: null };
  const flat = await measure('flat');
  const factored = await measure('factored');
  const kind: OutputKind = factored >= FACTORED_MIN_GAIN * flat ? 'factored' : 'flat';
  const k = (x: number) => (x >= 1e4 ? `${Math.round(x / 1e3)}K` : `${(x / 1e3).toFixed(1)}K`);
  const perSec = unit === 'word' ? 'words/s' : 'chars/s';
  const what = kind === 'factored' ? `${outputClassCount(V)} classes by frequency` : 'one softmax';
  return {
    kind,
    reason: `${V.toLocaleString('en-US')} tokens, measured here ${k(factored)} ${perSec} factored against ${k(flat)} flat: ${what}`,
    speed: kind === 'factored' ? factored : flat,
  };
}

/**
 * Fewest rows a data-parallel worker should get. Below it a worker's window costs about as
 * much as with more rows (per-operation overhead, small matmuls), so more workers stop
 * paying: on a 16-core machine, batch 256 ran no faster on 16 workers (16 rows each) than
 * on 8 (32 rows), while 4 workers of 16 rows at batch 64 ran twice as fast as 2 (issue 12).
 */
export const MIN_ROWS_PER_WORKER = 16;

/**
 * `--workers auto`: one per core, but no more than keeps MIN_ROWS_PER_WORKER rows each.
 * Example: batch 32 on 2 cores → 2; batch 32 on 16 cores → 2; batch 256 on 16 cores → 16.
 */
export function autoWorkers(batch: number, cores: number): number {
  return Math.max(1, Math.min(cores, Math.floor(batch / MIN_ROWS_PER_WORKER)));
}
