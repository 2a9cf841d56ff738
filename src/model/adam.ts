// Adam on the flat parameter array, in plain JS (a few ms for a million weights), with
// clipping by global gradient norm. Its whole state (m, v, t) is saved for exact resume.

export interface AdamState {
  m: Float32Array;
  v: Float32Array;
  /** Updates applied so far. */
  t: number;
}

export const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

export function adamState(n: number): AdamState {
  return { m: new Float32Array(n), v: new Float32Array(n), t: 0 };
}

/** Global L2 norm of a gradient. */
export function gradNorm(g: Float32Array): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i]! * g[i]!;
  return Math.sqrt(s);
}

/**
 * Clip `g` in place to global norm ≤ clip (no-op when clip ≤ 0); returns the norm before.
 * Example: g = [3, 4], clip 1 → g = [0.6, 0.8], returns 5.
 */
export function clipByGlobalNorm(g: Float32Array, clip: number): number {
  const n = gradNorm(g);
  if (clip > 0 && n > clip) {
    const k = clip / n;
    for (let i = 0; i < g.length; i++) g[i]! *= k;
  }
  return n;
}

/** One bias-corrected Adam update of `w` in place. */
export function adamStep(w: Float32Array, g: Float32Array, s: AdamState, lr: number): void {
  const { beta1, beta2, eps } = ADAM;
  s.t++;
  const c1 = 1 - Math.pow(beta1, s.t);
  const c2 = 1 - Math.pow(beta2, s.t);
  const a = lr / c1;
  const { m, v } = s;
  for (let i = 0; i < w.length; i++) {
    const gi = g[i]!;
    const mi = (m[i] = beta1 * m[i]! + (1 - beta1) * gi);
    const vi = (v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi);
    w[i]! -= (a * mi) / (Math.sqrt(vi / c2) + eps);
  }
}
