// A model's weights with more units per layer (a run that starts from another model and asks
// for a larger --hidden): the old weights are kept, a new unit's incoming weights are drawn as
// a new model's are, and every weight from a new unit to an old one (into the old units' gates
// in its layer and the layer above) or to the output and class layers is zero — so the new
// units start silent, the grown model predicts exactly what the old one did, and training
// then learns to use them (Net2Net's function-preserving growth, with zero outgoing weights
// instead of split ones).

import { Rng } from '../common/rng.js';
import { Params } from './params.js';

/**
 * `base`'s weights with `hidden` ≥ its own units per layer, initialised with `rng` where new.
 * Example: 1 × 2 → 1 × 3: each gate matrix [I + 1 + 2, 2] becomes [I + 1 + 3, 3]; its old
 * rows keep their two old columns and gain a drawn third; the new recurrent row (unit 3's
 * state) is zero in the two old columns; the output layer's row for unit 3 is zero.
 */
export function growHidden(base: Params, hidden: number, rng: Rng): Params {
  const c = base.config;
  const H0 = c.hidden;
  if (hidden < H0) throw new Error(`cannot shrink a model (${H0} → ${hidden} units)`);
  if (hidden === H0) return base;
  const p = Params.init({ ...c, hidden }, rng); // the new units' incoming weights, as a new model draws them
  for (const s of base.specs) {
    const from = base.view(s.name);
    const to = p.view(s.name);
    const cols0 = s.cols; // H0 for a gate matrix, V or C for the output layers
    const cols = p.spec(s.name).cols;
    // Every matrix is [input rows, bias, state rows]: layer 0's input is the vocabulary, a
    // higher layer's and the output layers' the units below (H0 → hidden); only a recurrent
    // layer has state rows (its own units, H0 → hidden).
    const recurrent = /^l\d+\./.test(s.name);
    const readsTokens = s.name.startsWith('l0.');
    const I0 = readsTokens ? c.vocabSize : H0;
    const I = readsTokens ? c.vocabSize : hidden;
    // Row r of the old matrix → its row in the new one; rows from new units lie between.
    const newRow = (r: number): number => (r < I0 ? r : r === I0 ? I : I + 1 + (r - I0 - 1));
    for (let r = 0; r < s.rows; r++) to.set(from.subarray(r * cols0, (r + 1) * cols0), newRow(r) * cols);
    // Rows from new units are zero where they feed an old unit or the output: input rows
    // from the layer below's new units and this layer's new state rows, in the old columns.
    const silent = (r: number) => to.fill(0, r * cols, r * cols + cols0);
    for (let r = I0; r < I; r++) silent(r);
    if (recurrent) for (let r = I + 1 + H0; r < I + 1 + hidden; r++) silent(r);
  }
  return p;
}
