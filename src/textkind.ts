// What kind of text a corpus is, for `--mode auto`: a list of independent items (names,
// words, short sentences, one per line) or running text (verse, plays, prose). Lists are
// read line by line and split at random; running text is read as the measured best mode
// for it (RUNNING_MODE, see the README's table) and split into spread-out blocks.

import type { SplitMethod } from './split.js';
import type { Segmentation } from './tokenizer.js';

export type TextKind = 'list' | 'running';

/**
 * The segmentation `auto` gives running text. Chosen by measurement on tiny-shakespeare
 * (same data, 3 minutes each, each mode with its auto window, held-out nats/char: line
 * 1.790, paragraph 2.041, document 2.0+; README "How the defaults were chosen").
 */
export const RUNNING_MODE: Segmentation = 'line';

export interface KindReport {
  kind: TextKind;
  /** Non-blank lines, blank-line-separated blocks, mean non-blank line length (code units). */
  lines: number;
  blocks: number;
  meanLine: number;
  reason: string;
}

/**
 * Classify a text. A list has many short lines and no paragraph structure: few blank
 * lines (blocks hold > 50 lines on average), or one item per block. Running text has
 * paragraphs (blank-line-separated blocks of a few lines: plays, prose, stanzas) or long
 * lines (a paragraph per line).
 * Examples: "Anna\nBert\nCarl\n…" → list; "A:\nHi.\n\nB:\nHello.\n\n…" → running.
 */
export function classifyText(text: string): KindReport {
  let lines = 0;
  let blocks = 0;
  let chars = 0;
  let inBlock = false;
  let multiLineBlocks = 0;
  let linesInBlock = 0;
  for (const raw of text.split('\n')) {
    const blank = raw.trim() === '';
    if (blank) {
      if (inBlock && linesInBlock > 1) multiLineBlocks++;
      inBlock = false;
      continue;
    }
    if (!inBlock) {
      blocks++;
      linesInBlock = 0;
    }
    inBlock = true;
    linesInBlock++;
    lines++;
    chars += raw.length;
  }
  if (inBlock && linesInBlock > 1) multiLineBlocks++;
  const meanLine = lines ? chars / lines : 0;
  const perBlock = blocks ? lines / blocks : 0;
  const stats = { lines, blocks, meanLine };
  const f = (x: number) => (x >= 10 ? Math.round(x).toString() : x.toFixed(1));
  if (lines <= 1) return { kind: 'running', ...stats, reason: 'one line of text' };
  if (meanLine > 200) return { kind: 'running', ...stats, reason: `long lines (${f(meanLine)} characters on average): a paragraph per line` };
  if (blocks >= 2 && perBlock <= 50 && multiLineBlocks >= 0.2 * blocks) {
    return { kind: 'running', ...stats, reason: `${blocks} blank-line-separated blocks of ${f(perBlock)} lines on average` };
  }
  return { kind: 'list', ...stats, reason: `${lines} lines of ${f(meanLine)} characters on average, no paragraph structure` };
}

/** The segmentation and validation split `auto` uses for a kind of text. */
export function autoChoice(kind: TextKind): { segmentation: Segmentation; split: SplitMethod } {
  return kind === 'list' ? { segmentation: 'line', split: 'random' } : { segmentation: RUNNING_MODE, split: 'blocks' };
}
