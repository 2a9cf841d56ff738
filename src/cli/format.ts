// Number and table formatting for reports: fixed decimals, probabilities in scientific
// notation, loss units (nats/char → bits/char, perplexity), and aligned columns.

import asciichart from 'asciichart';
import type { ChalkInstance } from 'chalk';
import type { HistoryPoint } from '../checkpoint/types.js';
import { shown } from '../display/glyph.js';
import { LN2 } from '../inference/sentence.js';
import type { Unit } from '../text/tokenizer.js';

/** Aligned table; numeric-looking cells right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const num = (s: string) => /^[-+]?[\d.,]+(e[-+]?\d+)?$/.test(s);
  const line = (r: string[]) =>
    r
      .map((cell, i) => {
        const pad = w[i]! - [...cell].length;
        return num(cell) ? ' '.repeat(pad) + cell : cell + (i === r.length - 1 ? '' : ' '.repeat(pad));
      })
      .join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/**
 * Chart of training and validation bits/char over evaluations (needs two or more points).
 * In colour the two series are blue and green lines; without colour the validation series
 * is drawn over the training line in `•`, so the two can be told apart in plain text.
 */
export function lossChart(history: HistoryPoint[], c: ChalkInstance, height = 10, ngram: number | null = null, unit: Unit = 'char'): string | null {
  const pts = history.filter((h) => Number.isFinite(h.train));
  if (pts.length < 2) return null;
  const train = pts.map((h) => h.train / LN2);
  const val = pts.map((h) => (h.val ?? h.train) / LN2);
  const hasVal = pts.some((h) => h.val !== undefined);
  const base = ngram === null ? null : pts.map(() => ngram / LN2);
  const format = (x: number) => x.toFixed(2).padStart(6);
  const steps = `  bits/${unit} at steps ${pts[0]!.step}…${pts[pts.length - 1]!.step}: `;
  const min = Math.min(...train, ...val, ...(base ?? []));
  const max = Math.max(...train, ...val, ...(base ?? []));
  if (c.level > 0 || !hasVal) {
    const series = [train, ...(hasVal ? [val] : []), ...(base ? [base] : [])];
    const colors = c.level > 0 ? [asciichart.blue, ...(hasVal ? [asciichart.green] : []), ...(base ? [asciichart.yellow] : [])] : undefined;
    const plot = asciichart.plot(series, { height, min, max, colors, format });
    return `${plot}\n${steps}${c.blue('── train')}${hasVal ? '   ' + c.green('── validation') : ''}${base ? '   ' + c.yellow(`── n-gram ${(ngram! / LN2).toFixed(3)}`) : ''}`;
  }
  // Plain text: the same scale for all, then validation (and the n-gram) overlaid as dots (and dashes).
  const lines = asciichart.plot(train, { height, min, max, format }).split('\n');
  const axis = format(0).length + 2; // label and axis characters before the plot area
  const overlay = (series: number[], mark: string) => {
    const over = asciichart.plot(series, { height, min, max, format }).split('\n');
    lines.forEach((line, r) => {
      const o = [...(over[r] ?? '')];
      const chars = [...line];
      for (let i = axis; i < Math.max(chars.length, o.length); i++) {
        if (o[i] !== undefined && o[i] !== ' ') chars[i] = mark;
        else chars[i] ??= ' ';
      }
      lines[r] = chars.join('').trimEnd();
    });
  };
  if (base) overlay(base, '-');
  overlay(val, '•');
  return `${lines.join('\n')}\n${steps}── train   ••• validation${base ? `   --- n-gram ${(ngram! / LN2).toFixed(3)}` : ''}`;
}

/**
 * One line that puts a bits/char figure in context: the checkpoint's own best validation
 * loss (when it has one) and uniform guessing over its V tokens (log2 V).
 * Example: "for scale: this model's validation 2.312 bits/char · uniform guessing 6.066 (log2 67)".
 */
export function scaleLine(bestValNats: number | null, vocabSize: number, split?: string, unit: Unit = 'char'): string {
  const own = bestValNats === null ? '' : `this model's validation ${(bestValNats / LN2).toFixed(3)} bits/${unit}${split ? ` (${split} split)` : ''} · `;
  return `for scale: ${own}uniform guessing ${Math.log2(vocabSize).toFixed(3)} (log2 ${vocabSize})`;
}

/** A progress bar of `width` cells for a fraction 0..1. Example: bar(0.5, 4) → "▕██░░▏ 50%". */
export function bar(fraction: number, width = 20): string {
  const f = Math.min(1, Math.max(0, fraction));
  const full = Math.round(f * width);
  return `▕${'█'.repeat(full)}${'░'.repeat(width - full)}▏ ${Math.floor(f * 100)}%`;
}

/**
 * Text with a row of shades under it by value over the largest: blank under 1%, ░ under 25%,
 * ▒ under 50%, ▓ under 75%, else █; wrapped at `width` characters; in colour the characters
 * are also shaded red. Example: shadeRow(['a', 'b', 'c'], [0.001, 0.5, 4], c) → ["abc", " ░█"].
 */
export function shadeRow(tokens: string[], values: number[], c: ChalkInstance, width = 72): string[] {
  const max = Math.max(0, ...values);
  const level = (v: number) => (max > 0 && v >= 0.01 * max ? Math.min(4, 1 + Math.floor((4 * v) / max)) : 0);
  const lines: string[] = [];
  for (let at = 0; at < tokens.length; at += width) {
    const part = tokens.slice(at, at + width);
    const text = part.map((t, i) => {
      const ch = shown(t);
      const f = max > 0 ? (values[at + i] ?? 0) / max : 0;
      return c.level > 0 && f > 0 ? c.bgRgb(255, Math.round(255 * (1 - f)), Math.round(255 * (1 - f))).black(ch) : ch;
    });
    lines.push(text.join(''), part.map((_, i) => ' ░▒▓█'[level(values[at + i] ?? 0)]).join(''));
  }
  return lines;
}

/** Chart of log10(mean[d] / mean[1]) for the measured d ≥ 1 (floor −6); null when d = 1 is zero. */
export function flowChart(mean: readonly number[], count: readonly number[], height = 10): string | null {
  const base = mean[1];
  if (!base || !(base > 0)) return null;
  const ys: number[] = [];
  for (let d = 1; d < mean.length && count[d]! > 0; d++) ys.push(Math.max(-6, Math.log10(Math.max(mean[d]!, 1e-300) / base)));
  if (ys.length < 2) return null;
  const plot = asciichart.plot(ys, { height, format: (x: number) => x.toFixed(1).padStart(6) });
  return `${plot}\n  log10 of mean influence relative to d = 1, for d = 1…${ys.length} (−2 is 1%)`;
}
