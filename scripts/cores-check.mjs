// The machine's ceiling for work spread over threads: N worker threads each run the wasm
// matmul of an rnnlm step's shape ([32, 513] · [513, 1024]) on its own for a few seconds,
// with nothing shared; the total rate against one thread's is the most any data-parallel
// training can gain there (16 vCPUs that are 8 cores' SMT pairs give ~8×, not 16×).
// Usage: node scripts/cores-check.mjs [N ...]   (default 1 2 4 8 16; needs `npm run build`)

import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

if (isMainThread) {
  const counts = process.argv.slice(2).map(Number);
  let one = 0;
  for (const n of counts.length ? counts : [1, 2, 4, 8, 16]) {
    const rates = await Promise.all(
      Array.from(
        { length: n },
        () =>
          new Promise((resolve, reject) => {
            const w = new Worker(new URL(import.meta.url), { workerData: { seconds: 3 } });
            w.once('message', resolve);
            w.once('error', reject);
          }),
      ),
    );
    const total = rates.reduce((a, b) => a + b, 0);
    one ||= total / n;
    console.log(JSON.stringify({ threads: n, matmuls_per_s: Math.round(total), per_thread: Math.round(total / n), vs_one_thread: +(total / one).toFixed(2) }));
  }
} else {
  const { initBackend } = await import('../dist/node/backend.js');
  const tf = await import('@tensorflow/tfjs');
  await initBackend('wasm');
  const a = tf.randomNormal([32, 513]);
  const b = tf.randomNormal([513, 1024]);
  const run = () => tf.tidy(() => tf.matMul(a, b).dataSync());
  for (let i = 0; i < 5; i++) run();
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < workerData.seconds * 1000) {
    run();
    n++;
  }
  parentPort.postMessage(n / ((performance.now() - t0) / 1000));
}
