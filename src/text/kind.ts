// What kind of text a corpus is, for `--mode auto`: a list of independent items (names,
// words, short sentences, one per line) or running text, whose lines depend on the lines
// before them: paragraphs, plays (speaker lines), records joined by separator lines (`%`,
// `---`), verse or code with indented continuation lines. Lists are read line by line and
// split at random; running text is read as one stream (RUNNING_MODE, chosen by the README's
// table) and split into contiguous blocks, so no record is cut across the split.

import type { SplitMethod } from './split.js';
import type { Segmentation } from './tokenizer.js';

export type TextKind = 'list' | 'running';

/**
 * The segmentation `auto` gives running text: one stream, the state carried across line
 * breaks, blank lines kept as characters (README "How the defaults were chosen").
 */
export const RUNNING_MODE: Segmentation = 'document';

export interface KindReport {
  kind: TextKind;
  /** Non-blank lines, blank-line-separated blocks, mean non-blank line length (code units). */
  lines: number;
  blocks: number;
  meanLine: number;
  reason: string;
}

/** Symbols whose repetition on a line of its own separates records (not brackets: a lone `}` is code). */
const SEPARATOR_SYMBOLS = '%-*=~_#+.•·─━═';

/** A line of one symbol repeated (`%`, `---`, `***`, `====`, `~~~`): a record separator. */
export function isSeparatorLine(line: string): boolean {
  const s = line.trim();
  if (s.length === 0 || s.length > 80) return false;
  const c = s[0]!;
  if (!SEPARATOR_SYMBOLS.includes(c)) return false;
  for (const ch of s) if (ch !== c) return false;
  return true;
}

/** A speaker line of a play or dialogue: a name of one to three capitalised words, ending in a colon, alone on its line ("MENENIUS:", "First Citizen:"; not "A tender there:"). */
export function isSpeakerLine(line: string): boolean {
  return /^\s*\p{Lu}[\p{L}'’.\-]*( \p{Lu}[\p{L}'’.\-]*){0,2}:\s*$/u.test(line) && line.trim().length <= 32;
}

/** Code: a line that ends in a bracket or a semicolon, or is one. */
function isCodeLine(line: string): boolean {
  return /[{};]\s*$/.test(line) || /^\s*[}\])]/.test(line);
}

/**
 * Classify a text. Running text, in the order checked: one line; long lines (a paragraph
 * per line); code; records between separator lines; speaker lines (dialogue); indented
 * continuation lines; paragraphs (blank-line-separated blocks of a few lines). Anything
 * else with many short lines is a list.
 * Examples: "Anna\nBert\nCarl\n…" → list; "A:\nHi.\n\nB:\nHello.\n\n…" → running;
 * "A quote,\n  -- Someone\n%\nAnother,\n  -- Else\n%\n…" → running (records).
 */
export function classifyText(text: string): KindReport {
  let lines = 0;
  let blocks = 0;
  let chars = 0;
  let inBlock = false;
  let multiLineBlocks = 0;
  let linesInBlock = 0;
  const seps = new Map<string, number>();
  let speakers = 0;
  let indented = 0;
  let code = 0;
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
    } else if (/^\s/.test(raw)) {
      indented++; // indented after a line of the same block: a continuation
    }
    inBlock = true;
    linesInBlock++;
    lines++;
    chars += raw.length;
    if (isSeparatorLine(raw)) {
      const s = raw.trim();
      const key = s[0]!.repeat(Math.min(3, s.length));
      seps.set(key, (seps.get(key) ?? 0) + 1);
    } else if (isSpeakerLine(raw)) speakers++;
    if (isCodeLine(raw)) code++;
  }
  if (inBlock && linesInBlock > 1) multiLineBlocks++;
  const meanLine = lines ? chars / lines : 0;
  const perBlock = blocks ? lines / blocks : 0;
  const stats = { lines, blocks, meanLine };
  const f = (x: number) => (x >= 10 ? Math.round(x).toString() : x.toFixed(1));
  const pct = (x: number) => `${Math.round((100 * x) / lines)}%`;
  const running = (reason: string): KindReport => ({ kind: 'running', ...stats, reason });
  if (lines <= 1) return running('one line of text');
  if (meanLine > 200) return running(`long lines (${f(meanLine)} characters on average): a paragraph per line`);
  if (code >= 0.15 * lines && lines >= 5) return running(`code: ${pct(code)} of lines end in a bracket or ';'`);
  const [sep, nSep] = [...seps].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  if (nSep >= 3 && nSep >= 0.01 * lines && (lines - nSep) / nSep >= 1.5) {
    return running(`records: ${nSep} "${sep}" separator lines, ${f((lines - nSep) / nSep)} lines per record on average`);
  }
  if (speakers >= 3 && speakers >= 0.03 * lines) return running(`dialogue: ${speakers} speaker lines (${pct(speakers)} of lines)`);
  if (indented >= 0.1 * lines && indented >= 3) return running(`indented continuation lines (${pct(indented)} of lines)`);
  if (blocks >= 2 && perBlock <= 50 && multiLineBlocks >= 0.2 * blocks) {
    return running(`${blocks} blank-line-separated blocks of ${f(perBlock)} lines on average`);
  }
  return { kind: 'list', ...stats, reason: `${lines} lines of ${f(meanLine)} characters on average, no paragraph, record or dialogue structure` };
}

/** The segmentation and validation split `auto` uses for a kind of text. */
export function autoChoice(kind: TextKind): { segmentation: Segmentation; split: SplitMethod } {
  return kind === 'list' ? { segmentation: 'line', split: 'random' } : { segmentation: RUNNING_MODE, split: 'blocks' };
}
