// Chooses the TF.js backend: `tensorflow` (tfjs-node, an optional peer the user installs) when it
// imports and starts, else `wasm` (XNNPACK), else the pure-JS `cpu`. A forced choice that
// cannot start is an error; a failed automatic choice falls through silently (the reason
// goes to the `debug` callback, which the CLI shows under --verbose). `webgpu` is opt-in
// only: it needs two packages the user installs (`webgpu`, Dawn for Node, ~130 MB, and
// `@tensorflow/tfjs-backend-webgpu`) and a GPU with a Vulkan, Metal or D3D12 driver.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu'; // the pure-JS fallback (the tfjs umbrella package is not a dependency)
import { RnnlmError } from '../common/errors.js';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu' | 'webgpu';
/** Every backend a user may ask for. */
export const BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu', 'webgpu'];
/** Tried in this order when none is asked for. */
const AUTO_ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export const WEBGPU_INSTALL = 'npm install webgpu @tensorflow/tfjs-backend-webgpu';

/** The GPU the webgpu backend runs on, once started ("vendor architecture (description)"). */
export let webgpuAdapter: string | null = null;

// TF.js prints advice banners through console.warn unless in production mode.
tf.env().set('PROD', true);

async function tryStart(name: BackendName): Promise<string | null> {
  try {
    if (name === 'tensorflow') {
      // A variable keeps tsc from requiring the optional package's types.
      const pkg = '@tensorflow/tfjs-node';
      await import(pkg);
    } else if (name === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm');
    } else if (name === 'webgpu') {
      const why = await startDawn();
      if (why) return why;
    }
    if (!(await tf.setBackend(name))) return `${name} backend did not initialise`;
    await tf.ready();
    return tf.getBackend() === name ? null : `${name} backend did not initialise`;
  } catch (e) {
    return (e as Error).message.split('\n')[0] ?? String(e);
  }
}

/**
 * Give Node a `navigator.gpu` from the `webgpu` package (Dawn) and check that it has an
 * adapter, then load TF.js's webgpu backend. Returns why not, or null.
 */
async function startDawn(): Promise<string | null> {
  type Adapter = { info?: { vendor?: string; architecture?: string; description?: string } };
  type Gpu = { requestAdapter(o?: object): Promise<Adapter | null> };
  let dawn: { create(flags: string[]): Gpu; globals: object };
  try {
    const pkg = 'webgpu'; // a variable: an optional install, so tsc needs no types for it
    dawn = (await import(pkg)) as typeof dawn;
  } catch {
    return `the webgpu package is not installed (${WEBGPU_INSTALL})`;
  }
  // On Linux Dawn reaches the GPU through the Vulkan loader; without it Dawn only prints a
  // warning of its own and finds nothing, so say what is missing instead.
  if (process.platform === 'linux' && !vulkanLoaderPresent()) {
    return 'no Vulkan loader (libvulkan.so.1) on this machine: install your GPU driver with its Vulkan support (Debian/Ubuntu: apt-get install libvulkan1)';
  }
  const g = globalThis as { navigator?: { gpu?: Gpu } };
  if (!g.navigator?.gpu) {
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create([]);
    if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  }
  const adapter = await g.navigator!.gpu!.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return 'no WebGPU adapter found (no GPU, or no Vulkan / Metal / D3D12 driver for it)';
  const i = adapter.info ?? {};
  webgpuAdapter = [i.vendor, i.architecture].filter(Boolean).join(' ') + (i.description ? ` (${i.description})` : '') || 'unnamed adapter';
  try {
    const pkg = '@tensorflow/tfjs-backend-webgpu';
    await import(pkg);
  } catch {
    return `the @tensorflow/tfjs-backend-webgpu package is not installed (${WEBGPU_INSTALL})`;
  }
  return null;
}

/** Whether libvulkan.so.1 is in the library path (LD_LIBRARY_PATH or the usual folders). */
function vulkanLoaderPresent(): boolean {
  const dirs = [
    ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    '/usr/lib/x86_64-linux-gnu',
    '/usr/lib/aarch64-linux-gnu',
    '/usr/lib64',
    '/usr/lib',
    '/lib/x86_64-linux-gnu',
    '/lib64',
    '/usr/local/lib',
  ];
  return dirs.some((d) => existsSync(join(d, 'libvulkan.so.1')));
}

/**
 * Start the requested backend, or the fastest available. Returns its name.
 * `debug` receives one line per backend that was tried and failed.
 */
export async function initBackend(requested?: BackendName, debug: (line: string) => void = () => {}): Promise<BackendName> {
  if (requested && tf.getBackend() === requested) return requested;
  const order = requested ? [requested] : AUTO_ORDER;
  for (const name of order) {
    const why = await tryStart(name);
    if (why === null) return name;
    if (requested) {
      const hint =
        name === 'tensorflow'
          ? ' (install @tensorflow/tfjs-node; it needs its download host at install time and Node < 23)'
          : name === 'webgpu'
            ? '; see README "Using a GPU"'
            : '';
      throw new RnnlmError(`backend "${name}" could not start: ${why}${hint}`, 2);
    }
    debug(`backend ${name} unavailable: ${why}`);
  }
  throw new RnnlmError('no TF.js backend could start');
}
