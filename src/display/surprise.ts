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

/**
 * Colour for a probability, as RGB: red (unlikely) → yellow → green (likely). `rnnlm
 * sample --color` paints generated characters with it; so does the page's Generate part.
 * Example: 0 → [230, 60, 60], 0.5 → [230, 230, 60], 1 → [60, 230, 60].
 */
export function heat(p: number): [number, number, number] {
  const x = Math.max(0, Math.min(1, p));
  return x < 0.5 ? [230, Math.round(60 + 340 * x), 60] : [Math.round(230 - 340 * (x - 0.5)), 230, 60];
}
