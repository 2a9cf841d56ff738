// A model's weights for a larger vocabulary, the old tokens keeping their ids (a run that
// starts from another model, Vocab.extendedBy): every weight is copied; a new token's input
// row is the old <UNK> row, so the network reads a new character as the starting model read
// it (as <UNK>); its output unit is <UNK>'s, with the bias lowered by ln(new tokens), so the
// new tokens together take the mass <UNK> had and the old tokens' distribution, renormalised,
// is exactly the starting model's. In a factored model (factored.ts) the new tokens join
// <UNK>'s class: exact within that class; its other tokens' share of the class falls with
// the mass the new ones take.

import { UNK_ID } from '../text/tokenizer.js';
import { Params } from './params.js';

/**
 * `base`'s weights for a vocabulary of `vocabSize` ≥ its own, new ids after the old ones.
 * Example: V 4 → 6 (two new tokens): output columns 4 and 5 are column 1 (<UNK>) with bias
 * b_unk − ln 2; layer 0's input rows 4 and 5 are row 1.
 */
export function widenVocab(base: Params, vocabSize: number): Params {
  const c = base.config;
  const V0 = c.vocabSize;
  if (vocabSize < V0) throw new Error(`cannot narrow a vocabulary (${V0} → ${vocabSize})`);
  // A factored model's new tokens join <UNK>'s class (within it, as above).
  const classOf = c.classOf ? [...c.classOf, ...new Array<number>(vocabSize - V0).fill(c.classOf[UNK_ID]!)] : undefined;
  const p = new Params({ ...c, vocabSize, ...(classOf ? { classOf } : {}) });
  const H = c.hidden;
  const added = vocabSize - V0;
  for (const s of base.specs) {
    const from = base.view(s.name);
    const to = p.view(s.name);
    if (s.name === 'out') {
      // [H + 1, V]: each row's old columns, then <UNK>'s column for every new one.
      for (let r = 0; r <= H; r++) {
        const row = from.subarray(r * V0, (r + 1) * V0);
        to.set(row, r * vocabSize);
        const v = r === H ? row[UNK_ID]! - Math.log(added) : row[UNK_ID]!;
        to.fill(v, r * vocabSize + V0, (r + 1) * vocabSize);
      }
    } else if (s.name.startsWith('l0.')) {
      // [V + 1 + H, H]: the old input rows, <UNK>'s row for every new one, then bias and recurrent rows.
      to.set(from.subarray(0, V0 * H), 0);
      const unk = from.subarray(UNK_ID * H, (UNK_ID + 1) * H);
      for (let r = V0; r < vocabSize; r++) to.set(unk, r * H);
      to.set(from.subarray(V0 * H), vocabSize * H);
    } else {
      to.set(from);
    }
  }
  return p;
}
