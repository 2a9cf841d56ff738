// Interpolated modified Kneser–Ney from its definition, with string keys: the reference the
// n-gram's typed arrays (ngram/model.ts) are checked against, also with one occurrence left out.

import { modifiedDiscounts } from '../ngram/model.js';
import { EOS_ID, type Tokens } from '../text/tokenizer.js';

/**
 * Interpolated modified Kneser–Ney written from its definition with string keys — the
 * reference the typed-array model is checked against. Contexts most recent token first,
 * padded with <EOS> before the sequence's <EOS>.
 */
export function referenceKN(train: Tokens, V: number, N: number, o: { exclude?: number; discounts?: number[][] } = {}) {
  const ctx = (s: ArrayLike<number>, p: number, start: number, len: number) => {
    const out: number[] = [];
    for (let k = 0; k < len; k++) out.push(p - k >= start ? s[p - k]! : EOS_ID);
    return out;
  };
  const raw: Array<Map<string, number>> = Array.from({ length: N }, () => new Map()); // raw[m-1]: "h|w" of order m
  let start = 0;
  for (let p = 0; p + 1 < train.length; p++) {
    if (train[p] === EOS_ID) start = p;
    if (p === o.exclude) continue; // leave this occurrence out
    for (let m = 1; m <= N; m++) {
      const key = `${ctx(train, p, start, m - 1).join(',')}|${train[p + 1]}`;
      raw[m - 1]!.set(key, (raw[m - 1]!.get(key) ?? 0) + 1);
    }
  }
  // Counts used at order m: raw at N, else the number of distinct one-token-longer contexts seen before it.
  const used: Array<Map<string, number>> = raw.map((r, i) => (i === N - 1 ? new Map(r) : new Map()));
  for (let m = 1; m < N; m++) {
    for (const key of raw[m]!.keys()) {
      const [h, w] = key.split('|');
      const shorter = `${h!
        .split(',')
        .slice(0, m - 1)
        .join(',')}|${w}`;
      used[m - 1]!.set(shorter, (used[m - 1]!.get(shorter) ?? 0) + 1);
    }
  }
  const disc =
    o.discounts ??
    used.map((u) => {
      const n = [0, 0, 0, 0];
      for (const c of u.values()) if (c <= 4) n[c - 1]!++;
      return modifiedDiscounts(n[0]!, n[1]!, n[2]!, n[3]!);
    });
  const stats = used.map((u) => {
    const s = new Map<string, { total: number; n: number[] }>();
    for (const [key, c] of u) {
      const h = key.split('|')[0]!;
      const e = s.get(h) ?? { total: 0, n: [0, 0, 0] };
      e.total += c;
      e.n[Math.min(c, 3) - 1]!++;
      s.set(h, e);
    }
    return s;
  });
  return (s: ArrayLike<number>, p: number, start: number, w: number) => {
    let prob = 1 / V;
    for (let m = 1; m <= N; m++) {
      const h = ctx(s, p, start, m - 1).join(',');
      const st = stats[m - 1]!.get(h);
      if (!st) break;
      const D = disc[m - 1]!;
      const c = used[m - 1]!.get(`${h}|${w}`) ?? 0;
      const gamma = (D[0]! * st.n[0]! + D[1]! * st.n[1]! + D[2]! * st.n[2]!) / st.total;
      prob = (c > 0 ? Math.max(0, c - D[Math.min(c, 3) - 1]!) / st.total : 0) + gamma * prob;
    }
    return prob;
  };
}
