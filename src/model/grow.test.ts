// Growing a model's layers (grow.ts): the grown model predicts exactly what the old one did,
// its new units run (non-zero states) and can learn (their outgoing weights get a gradient).

import { describe, expect, it } from 'vitest';
import { Rng } from '../common/rng.js';
import { Params } from './params.js';
import { Stepper } from './stepper.js';
import { growHidden } from './grow.js';
import { GATES, type CellKind } from './config.js';

/** The largest difference in P over the vocabulary between the two models along `ids`. */
function worstDiff(a: Params, b: Params, ids: number[]): number {
  const sa = new Stepper(a, 'js');
  const sb = new Stepper(b, 'js');
  let worst = 0;
  for (const id of ids) {
    const pa = sa.step(id);
    const pb = sb.step(id);
    for (let i = 0; i < pa.length; i++) worst = Math.max(worst, Math.abs(Math.exp(pa[i]!) - Math.exp(pb[i]!)));
  }
  return worst;
}

const ids = [0, 2, 3, 6, 5, 1, 4, 2, 0, 3, 3, 4, 6];

describe('growHidden', () => {
  it.each(['lstm', 'gru', 'rnn'] as const)('%s, 2 layers, 6 → 9 units: the same distribution at every step (1e-6); the new units run', (cell: CellKind) => {
    const base = Params.init({ cell, layers: 2, hidden: 6, vocabSize: 7, dropout: 0 }, new Rng(3));
    const big = growHidden(base, 9, new Rng(4));
    expect(big.config.hidden).toBe(9);
    expect(worstDiff(base, big, ids)).toBeLessThan(1e-6);
    // The new units are not dead: their states move with the input, in both layers.
    const s = new Stepper(big, 'js');
    for (const id of ids.slice(0, 4)) s.step(id);
    for (const l of [0, 1]) expect(Math.max(...Array.from(s.state(l).h.subarray(6)).map(Math.abs))).toBeGreaterThan(1e-3);
  });

  it('keeps every old weight where it was, and draws the new units’ incoming ones', () => {
    const base = Params.init({ cell: 'lstm', layers: 1, hidden: 2, vocabSize: 3, dropout: 0 }, new Rng(1));
    const big = growHidden(base, 3, new Rng(2));
    for (const g of GATES.lstm) {
      const a = base.view(`l0.${g}`); // [3 + 1 + 2, 2]
      const b = big.view(`l0.${g}`); // [3 + 1 + 3, 3]
      // Rows 0–2 input, 3 bias, 4–5 the old units' states: in place, in the old columns.
      for (let r = 0; r < 6; r++) expect([b[r * 3]!, b[r * 3 + 1]!]).toEqual([a[r * 2]!, a[r * 2 + 1]!]);
      expect([b[6 * 3]!, b[6 * 3 + 1]!]).toEqual([0, 0]); // unit 3's state into the old units' gates
      // Into unit 3 (column 2): drawn, not zero, from the inputs (bias aside).
      expect([0, 1, 2].some((r) => b[r * 3 + 2] !== 0)).toBe(true);
    }
    expect(big.view('l0.f')[3 * 3 + 2]).toBe(1); // a new LSTM unit's forget bias, as a new model's
    const out = big.view('out'); // [3 + 1, 3]
    expect(Array.from(out.subarray(2 * 3, 3 * 3))).toEqual([0, 0, 0]); // unit 3 into the output
    expect(Array.from(out.subarray(3 * 3))).toEqual(Array.from(base.view('out').subarray(2 * 3))); // the bias row
  });

  it('the same size is the same model; fewer units are refused', () => {
    const base = Params.init({ cell: 'gru', layers: 1, hidden: 4, vocabSize: 5, dropout: 0 }, new Rng(2));
    expect(growHidden(base, 4, new Rng(1))).toBe(base);
    expect(() => growHidden(base, 3, new Rng(1))).toThrow(/cannot shrink/);
  });
});
