// `auto` settings: what `rnnlm train my.txt` picks when the user does not say. The
// segmentation and split follow the kind of text (textkind.ts); the model's size follows
// the amount of training text and the time budget; batch and window follow the mode.
// Every choice comes with a reason the CLI prints. Explicit flags always win.

import type { CellKind } from './model/config.js';
import type { SplitMethod } from './split.js';
import { autoChoice, classifyText, type TextKind } from './textkind.js';
import type { Segmentation } from './tokenizer.js';

export type Auto<T> = T | 'auto';

export interface Choice {
  /** What was chosen ("mode", "model", …) and how it reads ("document", "2 × 256"). */
  what: string;
  value: string;
  reason: string;
}

/**
 * Model sizes `auto` picks from, smallest first, with the training characters each needs
 * before it is chosen, and its training speed (chars/s, batch 64 × 100, 2 worker threads
 * on the 2-core wasm machine of the README, 2026-11-26: 1 × 256 ≈ 8,100, 2 × 256 ≈ 4,050
 * by `npm run bench`; the others scaled by their arithmetic) to judge what a time budget
 * allows. README "How the defaults were chosen".
 */
export const SIZES: ReadonlyArray<{ layers: number; hidden: number; minChars: number; charsPerSec: number }> = [
  { layers: 1, hidden: 128, minChars: 0, charsPerSec: 16_000 },
  { layers: 1, hidden: 256, minChars: 20_000, charsPerSec: 8_000 },
  { layers: 2, hidden: 256, minChars: 500_000, charsPerSec: 4_000 },
  { layers: 2, hidden: 512, minChars: 5_000_000, charsPerSec: 1_300 },
  { layers: 3, hidden: 512, minChars: 50_000_000, charsPerSec: 850 },
];

/** A time budget should let a model see at least this many characters (else pick a smaller one). */
export const MIN_CHARS_IN_BUDGET = 6_000_000;

/** Dropout by training characters: small corpora are memorised quickly. */
export function autoDropout(trainChars: number): number {
  return trainChars < 500_000 ? 0.2 : trainChars < 5_000_000 ? 0.1 : 0;
}

/**
 * The model size for `trainChars` characters of training text and an optional budget in
 * seconds: the largest size whose data need is met and, with a budget, that can read
 * MIN_CHARS_IN_BUDGET characters in it.
 * Monotone: more text never gives a smaller model; more time never gives a smaller model.
 */
export function autoSize(trainChars: number, time: number | null): { layers: number; hidden: number; reason: string } {
  let pick = SIZES[0]!;
  let limitedByTime = false;
  for (const s of SIZES) {
    if (trainChars < s.minChars) break;
    if (time !== null && s.charsPerSec * time < MIN_CHARS_IN_BUDGET) {
      limitedByTime = true;
      break;
    }
    pick = s;
  }
  const chars = trainChars >= 1e6 ? `${(trainChars / 1e6).toFixed(1)}M` : `${Math.round(trainChars / 1e3)}K`;
  const budget = time === null ? '' : `, ${fmtTime(time)}`;
  const why = limitedByTime ? ' (a bigger model would not train enough in the time)' : '';
  return { layers: pick.layers, hidden: pick.hidden, reason: `${chars} training characters${budget}: ${pick.layers} × ${pick.hidden}${why}` };
}

function fmtTime(s: number): string {
  return s >= 3600 ? `${+(s / 3600).toFixed(1)} h` : s >= 60 ? `${+(s / 60).toFixed(1)} min` : `${Math.round(s)} s`;
}

/**
 * Batch rows, window length and Adam's peak learning rate for a mode: short items fill
 * small windows; running text wants longer context. The rates were measured (README "How
 * the defaults were chosen"): 0.002, the usual PyTorch default, learned 0.17 nats/char less
 * in the first 142 steps on tiny-shakespeare than 0.005, and on names 0.008 reached in 8
 * epochs what 0.002 reached in 19.
 */
export function autoWindow(segmentation: Segmentation): { batchSize: number; seqLen: number; lr: number } {
  return segmentation === 'line' ? { batchSize: 32, seqLen: 64, lr: 0.008 } : { batchSize: 64, seqLen: 100, lr: 0.005 };
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
    choices.push({ what: 'split', value: sp, reason: sp === 'random' ? 'items are independent: a seeded random choice' : 'running text: blocks spread over the file' });
  }
  return { segmentation: seg, split: sp, kind: k.kind, choices };
}

export interface ModelRequest {
  cell: CellKind;
  layers: Auto<number>;
  hidden: Auto<number>;
  dropout: Auto<number>;
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
