import { describe, expect, it } from 'vitest';
import { editDistance, nearestFlag } from './suggest.js';

describe('flag suggestions', () => {
  it('edit distance, hand-worked', () => {
    expect(editDistance('tmp', 'temp')).toBe(1); // one insertion
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('the nearest flag when near enough, else none', () => {
    const known = ['temp', 'top-k', 'top-p', 'length', 'prime'];
    expect(nearestFlag('tmp', known)).toBe('temp');
    expect(nearestFlag('lenght', known)).toBe('length'); // a swap: two edits
    expect(nearestFlag('bogus', known)).toBeNull();
  });
});
