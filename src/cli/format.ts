// Number and table formatting for reports: fixed decimals, probabilities in scientific
// notation, loss units (nats/char → bits/char, perplexity), and aligned columns.

import asciichart from 'asciichart';
import type { ChalkInstance } from 'chalk';
import type { HistoryPoint } from '../checkpoint.js';
import { LN2 } from '../score.js';

/** nats/char → "1.234 bits/char (ppl 2.35)". */
export function lossText(nats: number): string {
  return `${(nats / LN2).toFixed(3)} bits/char (${nats.toFixed(3)} nats/char, perplexity ${Math.exp(nats).toFixed(2)})`;
}

/** A probability that may underflow a double: computed from its natural log. */
export function probText(logprob: number): string {
  if (logprob > -700) return Math.exp(logprob).toExponential(2);
  const log10 = logprob / Math.LN10;
  const e = Math.floor(log10);
  return `${Math.pow(10, log10 - e).toFixed(2)}e${e}`;
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

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

/** Chart of training and validation bits/char over evaluations (needs two or more points). */
export function lossChart(history: HistoryPoint[], c: ChalkInstance, height = 10): string | null {
  const pts = history.filter((h) => Number.isFinite(h.train));
  if (pts.length < 2) return null;
  const train = pts.map((h) => h.train / LN2);
  const val = pts.map((h) => (h.val ?? h.train) / LN2);
  const hasVal = pts.some((h) => h.val !== undefined);
  const colors = c.level > 0 ? [asciichart.blue, asciichart.green] : undefined;
  const plot = asciichart.plot(hasVal ? [train, val] : [train], { height, colors, format: (x) => x.toFixed(2).padStart(6) });
  const legend = `  bits/char at steps ${pts[0]!.step}…${pts[pts.length - 1]!.step}: ${c.blue('── train')}${hasVal ? '   ' + c.green('── validation') : ''}`;
  return `${plot}\n${legend}`;
}
