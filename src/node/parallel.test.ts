import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { Rng } from '../common/rng.js';
import { EOS_ID } from '../text/tokenizer.js';
import type { ModelConfig } from '../model/config.js';
import { runWindow, zeroState } from '../model/lm.js';
import { DataParallel, splitRows } from './parallel.js';
import { Params } from '../model/params.js';
import { Stepper } from '../model/stepper.js';

function window(B: number, T: number, V: number, seed: number) {
  const r = new Rng(seed);
  const inputs = Int32Array.from({ length: B * T }, () => 2 + Math.floor(r.next() * (V - 2)));
  for (let b = 0; b < B; b++) inputs[b * T + ((b * 3) % T)] = EOS_ID;
  return { batch: B, time: T, inputs, targets: Int32Array.from({ length: B * T }, () => Math.floor(r.next() * V)), weights: new Float32Array(B * T).fill(1) };
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('data-parallel workers', () => {
  it('splits rows into near-equal contiguous slices', () => {
    expect(splitRows(5, 2)).toEqual([
      [0, 2],
      [2, 5],
    ]);
    expect(splitRows(1, 4)).toEqual([[0, 1]]);
  });

  it.each([0, 0.3])('2 workers give the loss, gradients and state of 1 (dropout %s)', async (dropout) => {
    const c: ModelConfig = { cell: 'lstm', layers: 2, hidden: 16, vocabSize: 9, dropout };
    const p = Params.init(c, new Rng(4));
    const win = window(6, 12, 9, 5);
    const state = zeroState(c, 6);
    state[0]![0]!.fill(0.1);
    const opts = { train: true, lossScale: 1 / 6, dropoutSeed: 77 };
    const one = await runWindow(p, win, state, opts);
    const pool = await DataParallel.create(2, 'wasm');
    try {
      expect(pool.workers).toBe(2);
      const two = await pool.run(p, win, state, opts);
      expect(two.count).toBe(one.count);
      expect(Math.abs(two.loss - one.loss) / one.loss).toBeLessThan(1e-6);
      let maxG = 0;
      let maxD = 0;
      for (let i = 0; i < one.grads!.length; i++) {
        maxG = Math.max(maxG, Math.abs(one.grads![i]!));
        maxD = Math.max(maxD, Math.abs(one.grads![i]! - two.grads![i]!));
      }
      expect(maxD / maxG).toBeLessThan(1e-5);
      two.state.forEach((layer, l) => layer.forEach((s, k) => s.forEach((x, i) => expect(x).toBeCloseTo(one.state[l]![k]![i]!, 5))));
    } finally {
      await pool.close();
    }
  });
});

describe('stepper', () => {
  it.each(['lstm', 'gru', 'rnn'] as const)('%s: backend matmuls equal the plain JS loops', (cell) => {
    const c: ModelConfig = { cell, layers: 2, hidden: 12, vocabSize: 7, dropout: 0 };
    const p = Params.init(c, new Rng(8));
    const viaBackend = new Stepper(p, 'backend');
    const viaJs = new Stepper(p, 'js');
    for (const id of [EOS_ID, 3, 4, 6, 2, 5]) {
      const a = Array.from(viaBackend.step(id));
      const b = Array.from(viaJs.step(id));
      a.forEach((x, i) => expect(x).toBeCloseTo(b[i]!, 5));
    }
    viaBackend.dispose();
  });
});
