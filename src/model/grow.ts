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
    const layer = /^l(\d+)\./.exec(s.name);
    // Row r of the old matrix → row newRow(r) of the new one; rows from new units lie between.
    const I0 = layer ? (Number(layer[1]) === 0 ? c.vocabSize : H0) : H0; // rows fed by the layer's input
    const I = layer ? (Number(layer[1]) === 0 ? c.vocabSize : hidden) : hidden;
    const newRow = (r: number): number => {
      if (!layer) return r < H0 ? r : hidden; // [H, bias]
      if (r < I0) return r; // input
      if (r === I0) return I; // bias
      return I + 1 + (r - I0 - 1); // state of old unit r − I0 − 1
    };
    for (let r = 0; r < s.rows; r++) to.set(from.subarray(r * cols0, (r + 1) * cols0), newRow(r) * cols);
    // Rows from new units are zero where they feed an old unit or the output: the layer
    // above's input rows and this layer's recurrent rows in the old columns, the output rows.
    const silent = (r: number) => to.fill(0, r * cols, r * cols + cols0);
    if (!layer) for (let r = H0; r < hidden; r++) silent(r);
    else {
      if (I !== I0) for (let r = I0; r < I; r++) silent(r);
      for (let r = I + 1 + H0; r < I + 1 + hidden; r++) silent(r);
    }
  }
  return p;
}
