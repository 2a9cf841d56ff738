import { describe, expect, it } from 'vitest';
import { autoDropout, autoWorkers, chooseSize, MIN_CHARS_IN_BUDGET, MIN_ROWS_PER_WORKER, resolveText, SIZES } from './auto.js';
import { parameterCount } from '../model/config.js';

/** A machine whose speed for a size is k · 4e9 / parameters chars/s (1 × 256: 12K at k = 1): bigger models are slower. */
const machine = (k: number) => async (layers: number, hidden: number) =>
  (k * 4e9) / parameterCount({ cell: 'lstm', layers, hidden, vocabSize: 65, dropout: 0 });
const size = async (chars: number, time: number | null, k = 1) => {
  const s = await chooseSize(chars, time, machine(k));
  return parameterCount({ cell: 'lstm', layers: s.layers, hidden: s.hidden, vocabSize: 65, dropout: 0 });
};

describe('auto model size', () => {
  const corpora = [1e3, 5e4, 3e5, 1e6, 3e6, 1e7, 1e8, 1e9];
  it.each([null, 60, 120, 900, 3600, 36_000])('is monotone in corpus size (budget %s s)', async (time) => {
    const p = await Promise.all(corpora.map((c) => size(c, time)));
    for (let i = 1; i < p.length; i++) expect(p[i]).toBeGreaterThanOrEqual(p[i - 1]!);
    if (time === null || time >= 900) expect(p[0]).toBeLessThan(p[p.length - 1]!);
  });
  it('is monotone in the time budget, and no budget is the most generous', async () => {
    for (const c of corpora) {
      const p = await Promise.all([60, 300, 900, 3600, 36_000].map((t) => size(c, t)));
      for (let i = 1; i < p.length; i++) expect(p[i]).toBeGreaterThanOrEqual(p[i - 1]!);
      expect(await size(c, null)).toBeGreaterThanOrEqual(p[p.length - 1]!);
    }
  });
  it('is monotone in the measured speed: a faster machine never gets a smaller model', async () => {
    for (const c of [1e6, 1e7, 1e8]) {
      const p = await Promise.all([0.25, 1, 4, 16, 64].map((k) => size(c, 900, k)));
      for (let i = 1; i < p.length; i++) expect(p[i]).toBeGreaterThanOrEqual(p[i - 1]!);
      expect(p[p.length - 1]).toBeGreaterThan(p[0]!);
    }
  });
  it('takes the largest size that reads MIN_CHARS_IN_BUDGET in the budget, and says what it measured', async () => {
    const speeds: Record<string, number> = { '1x128': 20_000, '1x256': 12_000, '2x256': 5_000 };
    const asked: string[] = [];
    const m = async (l: number, h: number) => (asked.push(`${l}x${h}`), speeds[`${l}x${h}`] ?? 1_000);
    const s = await chooseSize(1.1e6, 900, m);
    expect(s).toMatchObject({ layers: 1, hidden: 256, charsPerSec: 12_000 });
    expect(12_000 * 900).toBeGreaterThanOrEqual(MIN_CHARS_IN_BUDGET);
    expect(5_000 * 900).toBeLessThan(MIN_CHARS_IN_BUDGET);
    expect(asked).toEqual(['1x128', '1x256', '2x256']); // smallest first; measuring stops at the first too slow
    const slow = await chooseSize(1.1e6, 60, m); // even the smallest is too slow for a minute: it is the fallback
    expect(slow).toMatchObject({ layers: 1, hidden: 128, charsPerSec: 20_000 });
    expect(s.reason).toBe(
      'measured 12K chars/s for 1 × 256, 5.0K for 2 × 256 here; 1.1M training characters, 15 min: 1 × 256 (2 × 256 would read 4.5M characters in the time, under 6M)',
    );
    const none = await chooseSize(5e4, null, async () => {
      throw new Error('no budget: nothing to measure');
    });
    expect(none.reason).toMatch(/^50K training characters: 1 × 256$/);
    // A word model's reason counts words.
    expect((await chooseSize(1.1e6, 900, m, 'word')).reason).toBe(
      'measured 12K words/s for 1 × 256, 5.0K for 2 × 256 here; 1.1M training words, 15 min: 1 × 256 (2 × 256 would read 4.5M words in the time, under 6M)',
    );
  });
  it('picks only listed sizes; dropout falls as the corpus grows', async () => {
    for (const c of corpora) {
      const s = await chooseSize(c, null, machine(1));
      expect(SIZES.some((x) => x.layers === s.layers && x.hidden === s.hidden)).toBe(true);
    }
    const d = corpora.map((c) => autoDropout(c).dropout);
    for (let i = 1; i < d.length; i++) expect(d[i]).toBeLessThanOrEqual(d[i - 1]!);
  });
  it('with a budget, dropout follows the epochs it allows: never less for more epochs', () => {
    const e = [0.5, 2, 2.9, 3, 5, 7.9, 8, 12, 50].map((x) => autoDropout(1e6, x).dropout);
    expect(e).toEqual([0, 0, 0, 0.1, 0.1, 0.1, 0.2, 0.2, 0.2]);
    expect(autoDropout(9e5, 12).reason).toBe('about 12.0 epochs in the budget: against memorising what it reads again and again');
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
