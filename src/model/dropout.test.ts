import { describe, expect, it } from 'vitest';
import { dropoutMaskData, hash32 } from './dropout.js';

describe('dropout masks', () => {
  it('hash32 is lowbias32 (values from an independent Python implementation)', () => {
    expect([0, 1, 2, 12345, 0xffffffff].map(hash32)).toEqual([0, 1753845952, 3507691905, 2435775735, 1734902346]);
  });

  it('drop a fraction p, scale the rest by 1/(1 − p)', () => {
    for (const p of [0.1, 0.3, 0.5]) {
      const m = dropoutMaskData(200, 50, 64, p, 12345, 0, 1);
      const scale = Math.fround(1 / (1 - p));
      let zeros = 0;
      let other = 0;
      let n = 0;
      for (const step of m) {
        for (const v of step) {
          n++;
          if (v === 0) zeros++;
          else if (v !== scale) other++;
        }
      }
      expect(other).toBe(0);
      expect(Math.abs(zeros / n - p)).toBeLessThan(0.005);
    }
  });

  it('a row draws the same mask whatever batch slice it is in; seeds and layers differ', () => {
    const whole = dropoutMaskData(6, 4, 8, 0.4, 7, 0, 0);
    const tail = dropoutMaskData(3, 4, 8, 0.4, 7, 3, 0);
    for (let t = 0; t < 4; t++) expect(tail[t]).toEqual(whole[t]!.subarray(3 * 8));
    const flat = (m: Float32Array[]) => m.flatMap((x) => [...x]);
    expect(flat(dropoutMaskData(6, 4, 8, 0.4, 8, 0, 0))).not.toEqual(flat(whole));
    expect(flat(dropoutMaskData(6, 4, 8, 0.4, 7, 0, 1))).not.toEqual(flat(whole));
  });
});
