// Checked numeric flags: each rejects NaN, Infinity, non-numbers and out-of-range values with
// a message naming the flag and the accepted range. Used as yargs `coerce` functions.

import { inputError } from '../common/errors.js';

export interface Range {
  min?: number;
  /** When true, `min` itself is not allowed (e.g. > 0). */
  minExclusive?: boolean;
  max?: number;
  maxExclusive?: boolean;
  integer?: boolean;
  /** Also accept the word `auto` (returned as is). */
  auto?: boolean;
}

export function describeRange(r: Range): string {
  const kind = r.integer ? 'an integer' : 'a number';
  const lo = r.min === undefined ? '' : `${r.minExclusive ? '>' : '≥'} ${r.min}`;
  const hi = r.max === undefined ? '' : `${r.maxExclusive ? '<' : '≤'} ${r.max}`;
  const range = [kind, [lo, hi].filter(Boolean).join(' and ')].filter(Boolean).join(' ');
  return r.auto ? `auto or ${range}` : range;
}

/** Parse one numeric flag value or throw an RnnlmError naming the flag. */
export function checkNumber(flag: string, raw: unknown, r: Range & { auto: true }): number | 'auto';
export function checkNumber(flag: string, raw: unknown, r: Range): number;
export function checkNumber(flag: string, raw: unknown, r: Range): number | 'auto' {
  const v = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (r.auto && typeof v === 'string' && v.trim() === 'auto') return 'auto';
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  const n = s === '' ? NaN : Number(s);
  const bad =
    !Number.isFinite(n) ||
    (r.integer && !Number.isInteger(n)) ||
    (r.min !== undefined && (r.minExclusive ? n <= r.min : n < r.min)) ||
    (r.max !== undefined && (r.maxExclusive ? n >= r.max : n > r.max));
  if (bad) throw inputError(`--${flag} must be ${describeRange(r)} (got ${JSON.stringify(String(v ?? ''))})`);
  return n;
}

/** A yargs option spec for a checked number. */
export function numberOption(flag: string, r: Range, describe: string, defaultValue?: number | 'auto') {
  return {
    // No `type`: yargs keeps "abc" or "1.5x" as given, so the message can quote it.
    requiresArg: true,
    describe: `${describe} [${describeRange(r)}]`,
    default: defaultValue === undefined ? undefined : String(defaultValue),
    defaultDescription: defaultValue === undefined ? undefined : String(defaultValue),
    coerce: (v: unknown) => (v === undefined ? undefined : checkNumber(flag, v, r)),
  };
}
