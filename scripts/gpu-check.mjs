// GPU check for `--backend webgpu` (run on a machine with a GPU; see README "Using a GPU"):
//  1. the loss and gradients of one window on webgpu (loss on the device) against wasm (loss
//     in JavaScript), same weights and window (loss within 1e-3 relative);
//  2. ten training steps (Adam, clip 5) from the same start on both: the per-step losses;
//  3. the speed of a training window on webgpu at batch 64 … 4096 (LSTM 1 × 256, vocabulary
//     65, 100 steps), as chars/s; at batch 1024 also with the generic per-op cell instead
//     of the LSTM kernels, and for LSTM 2 × 512;
//  4. what one operation costs there: a chain of 400 sigmoids on [1024, 256], and 100
//     matmuls [1024, 513] · [513, 1024], each read once at the end.
// Usage: node scripts/gpu-check.mjs [--gpu webgpu] [--batches 64,256,1024,4096] [--check-batch 64] [--steps 10] [--fusion-batch 1024]
// (`--gpu cpu` rehearses the script on a machine without a GPU.) Needs `npm run build`.

import * as tf from '@tensorflow/tfjs';
import { initBackend, webgpuAdapter } from '../dist/node/backend.js';
import { adamState, adamStep, clipByGlobalNorm } from '../dist/model/adam.js';
import { runWindow, setLstmKernels, zeroState } from '../dist/model/lm.js';
import { Params } from '../dist/model/params.js';
import { Rng } from '../dist/common/rng.js';
import { randomWindow } from '../dist/bench/text.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const gpu = arg('gpu', 'webgpu');
const batches = arg('batches', '64,256,1024,4096').split(',').map(Number);
const CB = Number(arg('check-batch', '64')); // batch of the comparison runs
const STEPS = Number(arg('steps', '10'));
const FB = Number(arg('fusion-batch', '1024')); // batch of the fused/unfused comparison and the op timings
const config = { cell: 'lstm', layers: 1, hidden: 256, vocabSize: 65, dropout: 0 };
const T = 100;

const windowOf = (B, seed) => randomWindow(B, T, 65, seed);

async function on(backend, f) {
  await initBackend(backend);
  return f();
}

const ok = (cond) => (cond ? 'ok' : 'FAILED');
let failed = false;
await initBackend('wasm');
try {
  await initBackend(gpu);
} catch (e) {
  console.log(`gpu check: ${e.message}`);
  process.exit(2);
}
console.log(`gpu backend: ${gpu}${gpu === 'webgpu' ? ` on ${webgpuAdapter}` : ''}`);

// 1. One window, same weights.
const p0 = Params.init(config, new Rng(1));
const win = windowOf(CB, 2);
const opts = { train: true, lossScale: 1 / CB };
const a = await on(gpu, () => runWindow(p0, win, zeroState(config, CB), { ...opts, deviceLoss: true }));
const b = await on('wasm', () => runWindow(p0, win, zeroState(config, CB), { ...opts, deviceLoss: false }));
const relLoss = Math.abs(a.loss - b.loss) / Math.abs(b.loss);
let maxG = 0;
let maxDiff = 0;
for (let i = 0; i < b.grads.length; i++) {
  maxG = Math.max(maxG, Math.abs(b.grads[i]));
  maxDiff = Math.max(maxDiff, Math.abs(a.grads[i] - b.grads[i]));
}
console.log(
  `one window: loss ${a.loss.toFixed(4)} (${gpu}) vs ${b.loss.toFixed(4)} (wasm), relative ${relLoss.toExponential(2)} ${ok(relLoss < 1e-3)}; gradients max |diff| / max |g| ${(maxDiff / maxG).toExponential(2)}`,
);
failed ||= !(relLoss < 1e-3);

// 2. Training steps from the same start.
async function trajectory(backend, deviceLoss) {
  await initBackend(backend);
  const p = Params.init(config, new Rng(1));
  const adam = adamState(p.data.length);
  const losses = [];
  let state = zeroState(config, CB);
  for (let s = 0; s < STEPS; s++) {
    const r = await runWindow(p, windowOf(CB, 10 + s), state, { ...opts, deviceLoss });
    clipByGlobalNorm(r.grads, 5);
    adamStep(p.data, r.grads, adam, 0.002);
    state = r.state;
    losses.push(r.loss / r.count);
  }
  return losses;
}
const tg = await trajectory(gpu, true);
const tw = await trajectory('wasm', false);
const worst = Math.max(...tg.map((x, i) => Math.abs(x - tw[i]) / tw[i]));
console.log(`${STEPS} steps: ${gpu} ${tg.map((x) => x.toFixed(4)).join(' ')}`);
console.log(`          wasm ${tw.map((x) => x.toFixed(4)).join(' ')}  worst relative ${worst.toExponential(2)} ${ok(worst < 1e-3)}`);
failed ||= !(worst < 1e-3);

// 3. Speed of one training window by batch.
await initBackend(gpu);
for (const B of batches) {
  const w = windowOf(B, 3);
  const o = { train: true, lossScale: 1 / B };
  await runWindow(p0, w, zeroState(config, B), o); // warm-up: shader compilation
  const t0 = performance.now();
  const n = 3;
  for (let i = 0; i < n; i++) await runWindow(p0, w, zeroState(config, B), o);
  const s = (performance.now() - t0) / 1000 / n;
  console.log(
    `batch ${B}: ${(s * 1000).toFixed(0)} ms per window, ${Math.round((B * T) / s).toLocaleString('en-US')} chars/s (${tf.memory().numTensors} tensors live)`,
  );
}
async function windowSeconds(B, p = p0, n = 3) {
  const w = windowOf(B, 3);
  const o = { train: true, lossScale: 1 / B };
  await runWindow(p, w, zeroState(p.config, B), o);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await runWindow(p, w, zeroState(p.config, B), o);
  return (performance.now() - t0) / 1000 / n;
}
const line = (label, s, B) => console.log(`${label}: ${(s * 1000).toFixed(0)} ms per window, ${Math.round((B * T) / s).toLocaleString('en-US')} chars/s`);
setLstmKernels(false);
line(`batch ${FB}, generic per-op cell`, await windowSeconds(FB), FB);
setLstmKernels(true);
line(`batch ${FB}, LSTM 2 × 512`, await windowSeconds(FB, Params.init({ ...config, layers: 2, hidden: 512 }, new Rng(1))), FB);

// 4. The cost of one operation.
async function timed(label, n, f) {
  let x = f(null);
  await x.data();
  x.dispose();
  const t0 = performance.now();
  x = null;
  const keep = [];
  for (let i = 0; i < n; i++) keep.push((x = f(x)));
  await x.data();
  const ms = performance.now() - t0;
  keep.forEach((k) => k.dispose());
  console.log(`${label}: ${((ms * 1000) / n).toFixed(1)} µs each`);
}
const a0 = tf.randomNormal([FB, 256]);
await timed(`sigmoid [${FB}, 256]`, 400, (x) => tf.sigmoid(x ?? a0));
const m0 = tf.randomNormal([FB, 513]);
const m1 = tf.randomNormal([513, 1024]);
await timed(`matmul [${FB}, 513]·[513, 1024]`, 100, () => tf.matMul(m0, m1));
process.exitCode = failed ? 1 : 0;
