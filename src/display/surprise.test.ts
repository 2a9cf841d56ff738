import { describe, expect, it } from 'vitest';
import { heat, surprise } from './surprise.js';

describe('surprise', () => {
  it('puts each surprisal in its level, the bounds belonging to the level above', () => {
    expect([0, 0.99, 1, 3.99, 4, 12].map(surprise)).toEqual(['low', 'low', 'mid', 'mid', 'high', 'high']);
  });
});

describe('heat', () => {
  it('runs red → yellow → green with the probability, clamped to [0, 1]', () => {
    expect(heat(0)).toEqual([230, 60, 60]);
    expect(heat(0.5)).toEqual([230, 230, 60]);
    expect(heat(1)).toEqual([60, 230, 60]);
    expect(heat(-1)).toEqual(heat(0));
    expect(heat(2)).toEqual(heat(1));
  });
});
