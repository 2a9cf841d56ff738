// `npm run bench:scale -- 64:1 64:2 256:8 …`: how the training step scales with worker
// threads. For each batch:workers pair, the median of 3 timed steps (after 2 warm-up
// steps) of LSTM 1 × 256 (LAYERS=2 for two), vocabulary 65, 100 steps per window, on wasm;
// one JSON line each. First it prints the machine's cores and whether they are SMT
// siblings (two hardware threads per core share its SIMD units: a wasm step gains little
// from the second).

import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { initBackend } from '../node/backend.js';
import { zeroState } from '../model/lm.js';
import { DataParallel } from '../node/parallel.js';
import { Params } from '../model/params.js';
import { Rng } from '../common/rng.js';
import { randomWindow } from './text.js';

function siblings(): string {
  try {
    return readFileSync('/sys/devices/system/cpu/cpu0/topology/thread_siblings_list', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

const backend = await initBackend('wasm');
console.log(JSON.stringify({ cpus: availableParallelism(), model: cpus()[0]?.model ?? '?', cpu0_thread_siblings: siblings() }));
const V = 65;
const T = 100;
const layers = Number(process.env.LAYERS ?? 1);
for (const arg of process.argv.slice(2)) {
  const [B, W] = arg.split(':').map(Number) as [number, number];
  const c = { cell: 'lstm' as const, layers, hidden: 256, vocabSize: V, dropout: 0 };
  const params = Params.init(c, new Rng(1));
  const win = randomWindow(B, T, V, 7);
  const pool = await DataParallel.create(W, backend);
  let state = zeroState(c, B);
  const ms: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const o = await pool.run(params, win, state, { train: true, lossScale: 1 / B });
    state = o.state;
    if (i >= 2) ms.push(performance.now() - t0);
  }
  await pool.close();
  ms.sort((a, b) => a - b);
  console.log(JSON.stringify({ layers, batch: B, workers: W, ms_per_step: Math.round(ms[1]!), chars_per_s: Math.round((B * T) / (ms[1]! / 1000)) }));
}
process.exit(0);
