import { describe, expect, it } from 'vitest';
import { surprise } from './surprise.js';

describe('surprise', () => {
  it('puts each surprisal in its level, the bounds belonging to the level above', () => {
    expect([0, 0.99, 1, 3.99, 4, 12].map(surprise)).toEqual(['low', 'low', 'mid', 'mid', 'high', 'high']);
  });
});
