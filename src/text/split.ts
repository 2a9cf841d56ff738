// The train/validation split. Validation should predict text the model has never seen, so:
// lists of independent items (names, words) hold out a seeded random choice of items;
// running text (verse, plays, prose) holds out several contiguous blocks spread over the
// file, so validation is neither the next lines of the same scene nor one unusual tail.

import { Rng } from '../common/rng.js';

/** random: seeded choice of units; blocks: VAL_BLOCKS contiguous blocks spread over the text; tail: the last units. */
export type SplitMethod = 'random' | 'blocks' | 'tail';
export const SPLIT_METHODS: readonly SplitMethod[] = ['random', 'blocks', 'tail'];

/** Number of contiguous validation blocks in the `blocks` method (fewer when there are fewer units to hold out). */
export const VAL_BLOCKS = 10;

/**
 * Which of `n` units (sequences, or characters of one document) are held out: a mask with
 * 1 for validation, `round(n·fraction)` of them (at least 1 when fraction > 0 and n > 1).
 * The same (n, fraction, method, seed) always gives the same mask. `blocks`: how many
 * blocks the `blocks` method uses (bench:gap varies it).
 * Example: n 10, fraction 0.2, tail → [0,0,0,0,0,0,0,0,1,1]; blocks → two blocks of 1, one
 * in each half; random → 2 seeded positions.
 */
export function validationMask(n: number, fraction: number, method: SplitMethod, seed: number, blocks = VAL_BLOCKS): Uint8Array {
  const mask = new Uint8Array(n);
  if (!(fraction > 0) || n < 2) return mask;
  const nVal = Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
  const rng = new Rng((seed ^ 0x5f3759df) >>> 0); // a stream of its own, independent of the model's initialisation
  if (method === 'tail') {
    mask.fill(1, n - nVal);
  } else if (method === 'random') {
    // Partial Fisher–Yates over the indices: the first nVal of a seeded permutation.
    const idx = new Uint32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    for (let i = 0; i < nVal; i++) {
      const j = i + Math.floor(rng.next() * (n - i));
      const t = idx[i]!;
      idx[i] = idx[j]!;
      idx[j] = t;
      mask[idx[i]!] = 1;
    }
  } else {
    // One block per stratum of n/k units, at a seeded offset inside its stratum.
    const k = Math.min(blocks, nVal);
    for (let b = 0; b < k; b++) {
      const lo = Math.floor((b * n) / k);
      const hi = Math.floor(((b + 1) * n) / k);
      const len = Math.floor(((b + 1) * nVal) / k) - Math.floor((b * nVal) / k);
      const start = lo + Math.floor(rng.next() * (hi - lo - len + 1));
      mask.fill(1, start, start + len);
    }
  }
  return mask;
}

/**
 * Cut a list of units by a mask into maximal runs: the training runs and the validation
 * runs, in order. Example: units "abcdef", mask [0,0,1,0,0,1] → train ["ab", "de"], val ["c", "f"].
 */
export function runsOf<T>(units: readonly T[], mask: Uint8Array): { train: T[][]; val: T[][] } {
  const out = { train: [] as T[][], val: [] as T[][] };
  let i = 0;
  while (i < units.length) {
    const v = mask[i];
    let j = i;
    while (j < units.length && mask[j] === v) j++;
    (v ? out.val : out.train).push(units.slice(i, j));
    i = j;
  }
  return out;
}
