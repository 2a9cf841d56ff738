import { describe, expect, it } from 'vitest';
import { budgetUsed, learningRate, MIN_LR_FRACTION } from './schedule.js';

const base = { lr: 1, warmup: 0, step: 100, done: 0, lrScale: 1 };

describe('learning-rate schedule', () => {
  it('cosine: peak at the start, halfway at the middle, the floor at the end (hand-worked)', () => {
    expect(learningRate({ ...base, kind: 'cosine', done: 0 })).toBeCloseTo(1, 12);
    expect(learningRate({ ...base, kind: 'cosine', done: 0.5 })).toBeCloseTo(0.55, 12);
    expect(learningRate({ ...base, kind: 'cosine', done: 1 })).toBeCloseTo(MIN_LR_FRACTION, 12);
    expect(learningRate({ ...base, kind: 'cosine', done: 7 })).toBeCloseTo(MIN_LR_FRACTION, 12);
  });
  it('warms up linearly over `warmup` steps', () => {
    expect(learningRate({ ...base, kind: 'cosine', warmup: 10, step: 4 })).toBeCloseTo(0.5, 12);
    expect(learningRate({ ...base, kind: 'plateau', warmup: 10, step: 0, lr: 0.02 })).toBeCloseTo(0.002, 12);
  });
  it('plateau: constant after warm-up, times the accumulated decay', () => {
    expect(learningRate({ ...base, kind: 'plateau', done: 0.9 })).toBe(1);
    expect(learningRate({ ...base, kind: 'plateau', lrScale: 0.25 })).toBe(0.25);
  });
  it('the budget used is the larger of time and epochs, capped at 1', () => {
    expect(budgetUsed(30, 60, 1, 4)).toBe(0.5);
    expect(budgetUsed(30, 60, 3, 4)).toBe(0.75);
    expect(budgetUsed(30, null, 1, null)).toBe(0);
    expect(budgetUsed(90, 60, 0, null)).toBe(1);
  });
});
