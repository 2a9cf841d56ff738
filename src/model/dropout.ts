// Inverted dropout masks from a counter-based hash: the mask value of unit j at step t of
// batch row `row` in layer `layer` depends on (seed, layer, row, t, j) alone, so a batch
// split across workers draws the masks of the whole batch, and the GPU kernel
// (lstm-kernels.ts, the same hash in WGSL) draws them bit for bit, without a sequential
// generator to run in JavaScript (on a GPU that took longer than the training step).

/** lowbias32 (Chris Wellons' hash prospector): a 32-bit integer mix. */
export function hash32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The same in WGSL. */
export const WGSL_HASH32 = `
  fn hash32(x0 : u32) -> u32 {
    var x = x0;
    x = x ^ (x >> 16u);
    x = x * 0x7feb352du;
    x = x ^ (x >> 15u);
    x = x * 0x846ca68bu;
    x = x ^ (x >> 16u);
    return x;
  }
`;

/**
 * What a mask needs: per (seed, layer) a key, per row key = hash32(layerKey ^ row), and per
 * unit hash32(key ^ (t·H + j)); a unit is kept when that is ≥ `threshold`, and then scaled
 * by `scale` = 1/(1 − p) (as float32).
 */
export function maskParams(p: number, seed: number, layer: number): { layerKey: number; threshold: number; scale: number } {
  return {
    layerKey: hash32((seed ^ Math.imul(layer + 1, 0x9e3779b9)) >>> 0),
    threshold: Math.min(2 ** 32 - 1, Math.round(p * 2 ** 32)),
    scale: Math.fround(1 / (1 - p)),
  };
}

/** One layer's masks for rows rowOffset … rowOffset + B − 1, T × [B·H]: 0 with probability p, else 1/(1−p). */
export function dropoutMaskData(B: number, T: number, H: number, p: number, seed: number, rowOffset: number, layer: number): Float32Array[] {
  const { layerKey, threshold, scale } = maskParams(p, seed, layer);
  const m = Array.from({ length: T }, () => new Float32Array(B * H));
  for (let b = 0; b < B; b++) {
    const key = hash32((layerKey ^ (rowOffset + b)) >>> 0);
    for (let t = 0; t < T; t++) {
      const row = m[t]!;
      for (let j = 0; j < H; j++) row[b * H + j] = hash32((key ^ (t * H + j)) >>> 0) >= threshold ? scale : 0;
    }
  }
  return m;
}
