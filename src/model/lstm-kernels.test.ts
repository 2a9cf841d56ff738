// The LSTM's WGSL kernels (webgpu) against the generic cell on wasm, window by window:
// loss, log-probabilities, carried state and every gradient, with <EOS> resets, a carried
// state, dropout, stacked layers and a factored output layer. Runs where WebGPU can be had without a GPU: the
// `webgpu` and `@tensorflow/tfjs-backend-webgpu` packages installed (README "Using a GPU")
// and Chromium's SwiftShader Vulkan driver present (Debian's chromium ships it); skipped
// with a message otherwise (`npm test` on a machine without them); `.ci/run` installs both
// and sets RNNLM_REQUIRE_WEBGPU=1, so in CI it runs or fails.

import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/fixtures.js';

const SWIFTSHADER = process.env.RNNLM_SWIFTSHADER ?? '/usr/lib/chromium';
const DIST = join(import.meta.dirname, '..', '..', 'dist');

function missing(): string | null {
  const req = createRequire(import.meta.url);
  for (const pkg of ['webgpu', '@tensorflow/tfjs-backend-webgpu']) {
    try {
      req.resolve(pkg);
    } catch {
      return `the ${pkg} package is not installed`;
    }
  }
  if (!existsSync(join(SWIFTSHADER, 'vk_swiftshader_icd.json')))
    return `no SwiftShader Vulkan driver at ${SWIFTSHADER} (install chromium, or set RNNLM_SWIFTSHADER)`;
  if (!existsSync(join(DIST, 'model', 'lm.js'))) return 'dist/ is not built (npm run build)';
  return null;
}

// Run in a child: the Vulkan loader is found through LD_LIBRARY_PATH, read at process start.
const CHILD = (dist: string) => `
import { initBackend } from '${pathToFileURL(join(dist, 'node', 'backend.js')).href}';
import { runWindow, setLstmKernels, zeroState } from '${pathToFileURL(join(dist, 'model', 'lm.js')).href}';
import { Params } from '${pathToFileURL(join(dist, 'model', 'params.js')).href}';
import { Rng } from '${pathToFileURL(join(dist, 'common', 'rng.js')).href}';
import { randomWindow } from '${pathToFileURL(join(dist, 'bench', 'text.js')).href}';
const out = [];
// The last case: a factored output layer (its sums in JS on any backend) above the kernels.
for (const [layers, dropout, train, deviceLoss, factored] of [[1, 0, true, true], [2, 0.3, true, true], [3, 0, true, false], [2, 0, false, true], [2, 0, true, true, true]]) {
  const config = { cell: 'lstm', layers, hidden: 6, vocabSize: 7, dropout, ...(factored ? { classOf: [0, 0, 1, 1, 1, 2, 2] } : {}) };
  const B = 3, T = 5;
  const p = Params.init(config, new Rng(layers));
  const win = randomWindow(B, T, 7, 2);
  win.inputs[4] = 0; win.inputs[7] = 0; // <EOS> at (row 0, t 4) and (row 1, t 2): state resets
  win.weights[9] = 0;
  const state = zeroState(config, B);
  state.forEach((l, i) => l.forEach((a, k) => a.forEach((_, j) => (a[j] = Math.sin(j + 3 * i + k) * 0.5))));
  const opts = { train, lossScale: 1 / B, wantLogProbs: true, dropoutSeed: 5 };
  const run = async (backend, kernels) => {
    await initBackend(backend);
    setLstmKernels(kernels);
    const r = await runWindow(p, win, state, { ...opts, deviceLoss: backend === 'webgpu' ? deviceLoss : false });
    return { loss: r.loss, count: r.count, logProbs: [...r.logProbs], state: r.state.map((l) => l.map((a) => [...a])), grads: r.grads ? [...r.grads] : null };
  };
  out.push({ layers, dropout, train, deviceLoss, wasm: await run('wasm', true), kernels: await run('webgpu', true) });
}
console.log(JSON.stringify(out));
process.exit(0);
`;

const why = missing();
// CI sets RNNLM_REQUIRE_WEBGPU=1 after installing the two packages: there a skip is a failure.
if (why && process.env.RNNLM_REQUIRE_WEBGPU === '1') throw new Error(`RNNLM_REQUIRE_WEBGPU is set but the webgpu kernel test cannot run: ${why}`);
if (why) console.log(`webgpu kernel tests skipped: ${why}`);

/** max |a − b| / max |b|. */
function rel(a: number[], b: number[]): number {
  let d = 0;
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    m = Math.max(m, Math.abs(b[i]!));
  }
  return d / m;
}

describe.skipIf(why !== null)('LSTM kernels on webgpu (SwiftShader)', () => {
  it('equal the generic cell on wasm: loss, log P, state, gradients', () => {
    const dir = tempDir('rnnlm-kernels-');
    const script = join(dir, 'check.mjs');
    writeFileSync(script, CHILD(DIST));
    const env = {
      ...process.env,
      LD_LIBRARY_PATH: [SWIFTSHADER, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      VK_DRIVER_FILES: join(SWIFTSHADER, 'vk_swiftshader_icd.json'),
    };
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', env, timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const cases = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      layers: number;
      train: boolean;
      wasm: { loss: number; count: number; logProbs: number[]; state: number[][][]; grads: number[] | null };
      kernels: { loss: number; count: number; logProbs: number[]; state: number[][][]; grads: number[] | null };
    }[];
    expect(cases).toHaveLength(5);
    for (const c of cases) {
      const { wasm: w, kernels: k } = c;
      expect(k.count).toBe(w.count);
      expect(Math.abs(k.loss - w.loss) / w.loss).toBeLessThan(1e-6);
      expect(rel(k.logProbs, w.logProbs)).toBeLessThan(1e-5);
      expect(k.state).toHaveLength(c.layers);
      k.state.forEach((l, i) => l.forEach((a, j) => expect(rel(a, w.state[i]![j]!)).toBeLessThan(1e-5)));
      if (c.train) expect(rel(k.grads!, w.grads!)).toBeLessThan(1e-5);
      else expect(k.grads).toBeNull();
    }
  });
});
