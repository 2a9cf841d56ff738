import { describe, expect, it } from 'vitest';
import { runsOf, validationMask, VAL_BLOCKS } from './split.js';

const ones = (m: Uint8Array) => m.reduce((a, x) => a + x, 0);
/** [start, end) of each run of 1s. */
function blocks(m: Uint8Array): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < m.length; i++) {
    if (m[i] && !m[i - 1]) out.push([i, i]);
    if (m[i]) out[out.length - 1]![1] = i + 1;
  }
  return out;
}

describe('validation split', () => {
  it('tail holds out the last units (hand-worked)', () => {
    expect(Array.from(validationMask(10, 0.2, 'tail', 1))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
  });

  it.each(['tail', 'blocks', 'random'] as const)('%s holds out round(n·f) units, at least one, never all', (method) => {
    for (const [n, f, want] of [
      [1000, 0.1, 100],
      [37, 0.1, 4],
      [5, 0.01, 1],
      [2, 0.9, 1],
      [3, 0.5, 2],
    ] as const) {
      expect(ones(validationMask(n, f, method, 7))).toBe(want);
    }
    expect(ones(validationMask(100, 0, method, 7))).toBe(0);
    expect(ones(validationMask(1, 0.5, method, 7))).toBe(0);
  });

  it('random is seeded: the same seed gives the same choice, another seed another', () => {
    const a = validationMask(5000, 0.1, 'random', 3);
    expect(validationMask(5000, 0.1, 'random', 3)).toEqual(a);
    expect(validationMask(5000, 0.1, 'random', 4)).not.toEqual(a);
    // Spread over the whole list, not a sorted tail: each tenth holds some of it.
    for (let d = 0; d < 10; d++) expect(ones(a.subarray(d * 500, (d + 1) * 500))).toBeGreaterThan(20);
  });

  it('blocks are VAL_BLOCKS contiguous runs, one in each stratum of the text', () => {
    const n = 100_000;
    const m = validationMask(n, 0.1, 'blocks', 1);
    const b = blocks(m);
    expect(b.length).toBe(VAL_BLOCKS);
    b.forEach(([s, e], k) => {
      expect(e - s).toBe(1000);
      expect(s).toBeGreaterThanOrEqual((k * n) / VAL_BLOCKS);
      expect(e).toBeLessThanOrEqual(((k + 1) * n) / VAL_BLOCKS);
    });
    expect(validationMask(n, 0.1, 'blocks', 1)).toEqual(m);
    expect(validationMask(n, 0.1, 'blocks', 2)).not.toEqual(m);
  });

  it('cuts units into training and validation runs', () => {
    const r = runsOf([...'abcdef'], Uint8Array.from([0, 0, 1, 0, 0, 1]));
    expect(r.train.map((x) => x.join(''))).toEqual(['ab', 'de']);
    expect(r.val.map((x) => x.join(''))).toEqual(['c', 'f']);
  });
});
