// How surprised a model was by a character, in three levels, shared by `rnnlm score
// --per-char` (colours in the terminal) and the web page (shading), so both read alike:
// under 1 bit (P > 1/2) expected, under 4 bits (P > 1/16) plausible, else a surprise.

export type Surprise = 'low' | 'mid' | 'high';

/** Upper bounds in bits of the `low` and `mid` levels. */
export const SURPRISE_BITS = { low: 1, mid: 4 } as const;

/** The level of a surprisal in bits. Example: 0.5 → low, 2 → mid, 7 → high. */
export function surprise(bits: number): Surprise {
  return bits < SURPRISE_BITS.low ? 'low' : bits < SURPRISE_BITS.mid ? 'mid' : 'high';
}
