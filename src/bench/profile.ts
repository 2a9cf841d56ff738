// `npm run bench:profile`: where one training window's time goes on the current backend.
// Times a window (median of 5), then runs one under tf.profile and groups the kernels by
// name and the matmuls by shape, with their share of the window and their GFLOP/s.
// Flags: --layers 1 --hidden 256 --batch 32 --time 64 --cell lstm --backend wasm

import * as tf from '@tensorflow/tfjs-core';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { BACKENDS, initBackend, type BackendName } from '../node/backend.js';
import { CELLS, type CellKind } from '../model/config.js';
import { runWindow, zeroState } from '../model/lm.js';
import { Params } from '../model/params.js';
import { Rng } from '../common/rng.js';
import { randomWindow } from './text.js';

const argv = yargs(hideBin(process.argv))
  .option('layers', { type: 'number', default: 1 })
  .option('hidden', { type: 'number', default: 256 })
  .option('batch', { type: 'number', default: 32 })
  .option('time', { type: 'number', default: 64 })
  .option('cell', { choices: CELLS, default: 'lstm' as CellKind })
  .option('backend', { choices: BACKENDS, default: 'wasm' as BackendName })
  .strict()
  .parseSync();

await initBackend(argv.backend);
const { batch: B, time: T } = argv;
const config = { cell: argv.cell, layers: argv.layers, hidden: argv.hidden, vocabSize: 65, dropout: 0 };
const params = Params.init(config, new Rng(1));
const win = randomWindow(B, T, 65, 2);
const opts = { train: true, lossScale: 1 / B };
const once = () => runWindow(params, win, zeroState(config, B), opts);
await once();
const times: number[] = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  await once();
  times.push(performance.now() - t0);
}
const ms = times.sort((a, b) => a - b)[2]!;
const prof = await tf.profile(async () => {
  await once();
  return [];
});
const group = (key: (k: (typeof prof.kernels)[number]) => string | null) => {
  const m = new Map<string, { n: number; ms: number; flops: number }>();
  for (const k of prof.kernels) {
    const name = key(k);
    if (name === null) continue;
    const e = m.get(name) ?? { n: 0, ms: 0, flops: 0 };
    e.n++;
    e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    if (k.name === 'BatchMatMul') {
      const [a, b] = k.inputShapes as number[][];
      e.flops += 2 * a!.at(-2)! * a!.at(-1)! * b!.at(-1)!;
    }
    m.set(name, e);
  }
  return [...m].sort((x, y) => y[1].ms - x[1].ms);
};
const kernelMs = prof.kernels.reduce((a, k) => a + (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0), 0);
console.log(
  `${config.layers} × ${config.hidden} ${config.cell}, batch ${B} × ${T}, ${tf.getBackend()}: ${ms.toFixed(0)} ms per window (${Math.round((B * T * 1000) / ms)} chars/s); ${prof.kernels.length} kernels, ${kernelMs.toFixed(0)} ms in them, ${(ms - kernelMs).toFixed(0)} ms outside (JavaScript: op dispatch, loss, copies)`,
);
console.log('\n| kernel | calls | ms | share of the window | µs per call |\n| --- | --- | --- | --- | --- |');
for (const [n, e] of group((k) => k.name).slice(0, 10))
  console.log(`| ${n} | ${e.n} | ${e.ms.toFixed(1)} | ${((100 * e.ms) / ms).toFixed(0)}% | ${((1000 * e.ms) / e.n).toFixed(0)} |`);
console.log('\n| matmul shapes | calls | ms | GFLOP/s |\n| --- | --- | --- | --- |');
for (const [n, e] of group((k) => (k.name === 'BatchMatMul' ? (k.inputShapes as number[][]).map((s) => `[${s.join('×')}]`).join('·') : null)).slice(0, 8)) {
  console.log(`| ${n} | ${e.n} | ${e.ms.toFixed(1)} | ${(e.flops / e.ms / 1e6).toFixed(1)} |`);
}
