// Numbers as people read and write them: loss in bits/char with nats and perplexity, probabilities
// that may underflow a double, durations (and parsing "10m"), integers with separators. Shared by the CLI and
// the web page (browser-safe).

import { inputError } from '../common/errors.js';
import { LN2 } from '../inference/sentence.js';

/** nats/char → "1.234 bits/char (ppl 2.35)". */
export function lossText(nats: number, unit: 'char' | 'word' = 'char'): string {
  return `${(nats / LN2).toFixed(3)} bits/${unit} (${nats.toFixed(3)} nats/${unit}, perplexity ${Math.exp(nats).toFixed(2)}${unit === 'word' ? ' per word' : ''})`;
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

/** A duration as "90" or "90s", "10m", "2h", "1h30m", or a number of seconds → seconds; `name` is how messages call it ("--time"). */
export function parseDuration(name: string, raw: unknown): number {
  const s = String(raw ?? '').trim();
  const m = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s?)?$/.exec(s);
  const secs = m && s !== '' ? Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) : NaN;
  if (!Number.isFinite(secs) || secs <= 0) {
    throw inputError(`${name} must be a positive duration such as 90s, 10m, 2h or 1h30m (got ${JSON.stringify(s)})`);
  }
  return secs;
}
