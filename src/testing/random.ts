// Random parameters and windows for the model's tests: every value (biases included) random,
// so no term is trivially zero, and windows with resets and a padded position.

import type { Window } from '../text/corpus.js';
import type { ModelConfig } from '../model/config.js';
import { Params } from '../model/params.js';
import { Rng } from '../common/rng.js';
import { EOS_ID } from '../text/tokenizer.js';

/** Params with every value (biases included) random, so no term is trivially zero. */
export function randomParams(c: ModelConfig, seed: number): Params {
  const p = Params.init(c, new Rng(seed));
  const r = new Rng(seed + 1);
  for (let i = 0; i < p.data.length; i++) p.data[i] = p.data[i]! + r.uniform(-0.3, 0.3);
  return p;
}

/** A B × T window of random tokens: <EOS> at each row's start and at `eosAt` in row 0, the last position padded (weight 0). */
export function randomWindow(B: number, T: number, V: number, seed: number, eosAt: number[] = []): Window {
  const r = new Rng(seed);
  const inputs = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  const weights = new Float32Array(B * T).fill(1);
  for (let i = 0; i < B * T; i++) {
    inputs[i] = 2 + Math.floor(r.next() * (V - 2));
    targets[i] = Math.floor(r.next() * V);
  }
  for (let b = 0; b < B; b++) inputs[b * T] = EOS_ID;
  for (const t of eosAt) inputs[t] = EOS_ID; // row 0
  weights[B * T - 1] = 0; // a padded position
  return { batch: B, time: T, inputs, targets, weights };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
