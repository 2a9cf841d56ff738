import { describe, expect, it } from 'vitest';
import { autoDropout, autoSize, autoWorkers, MIN_ROWS_PER_WORKER, resolveText, SIZES } from './auto.js';
import { parameterCount } from './model/config.js';

const size = (chars: number, time: number | null) => {
  const s = autoSize(chars, time);
  return parameterCount({ cell: 'lstm', layers: s.layers, hidden: s.hidden, vocabSize: 65, dropout: 0 });
};

describe('auto model size', () => {
  const corpora = [1e3, 5e4, 3e5, 1e6, 3e6, 1e7, 1e8, 1e9];
  it.each([null, 60, 120, 900, 3600, 36_000])('is monotone in corpus size (budget %s s)', (time) => {
    const p = corpora.map((c) => size(c, time));
    for (let i = 1; i < p.length; i++) expect(p[i]).toBeGreaterThanOrEqual(p[i - 1]!);
    if (time === null || time >= 900) expect(p[0]).toBeLessThan(p[p.length - 1]!);
  });
  it('is monotone in the time budget, and no budget is the most generous', () => {
    for (const c of corpora) {
      const p = [60, 300, 900, 3600, 36_000].map((t) => size(c, t));
      for (let i = 1; i < p.length; i++) expect(p[i]).toBeGreaterThanOrEqual(p[i - 1]!);
      expect(size(c, null)).toBeGreaterThanOrEqual(p[p.length - 1]!);
    }
  });
  it('says why', () => {
    expect(autoSize(1.1e6, 900).reason).toMatch(/^1\.1M training characters, 15 min: \d × \d+/);
    expect(autoSize(5e4, null).reason).toMatch(/^50K training characters: /);
  });
  it('picks only listed sizes; dropout falls as the corpus grows', () => {
    for (const c of corpora) expect(SIZES.some((s) => s.layers === autoSize(c, null).layers && s.hidden === autoSize(c, null).hidden)).toBe(true);
    const d = corpora.map(autoDropout);
    for (let i = 1; i < d.length; i++) expect(d[i]).toBeLessThanOrEqual(d[i - 1]!);
  });
  it('explicit segmentation and split win over auto', () => {
    const names = 'Anna\nBert\nCarl\nDora\n';
    expect(resolveText(names, 'auto', 'auto')).toMatchObject({ segmentation: 'line', split: 'random', kind: 'list' });
    expect(resolveText(names, 'paragraph', 'tail')).toMatchObject({ segmentation: 'paragraph', split: 'tail', choices: [] });
  });
});

describe('autoWorkers', () => {
  it('one per core, but at least MIN_ROWS_PER_WORKER rows each, and at least one', () => {
    expect(autoWorkers(32, 2)).toBe(2);
    expect(autoWorkers(32, 16)).toBe(2);
    expect(autoWorkers(64, 16)).toBe(4);
    expect(autoWorkers(256, 16)).toBe(16);
    expect(autoWorkers(512, 16)).toBe(16);
    expect(autoWorkers(8, 16)).toBe(1);
    expect(autoWorkers(64, 1)).toBe(1);
    for (const b of [1, 16, 31, 33, 100, 1000]) {
      for (const cores of [1, 2, 8, 64]) {
        const w = autoWorkers(b, cores);
        expect(w).toBeLessThanOrEqual(cores);
        expect(w === 1 || b / w >= MIN_ROWS_PER_WORKER).toBe(true);
        expect(autoWorkers(b * 2, cores)).toBeGreaterThanOrEqual(w);
      }
    }
  });
});
