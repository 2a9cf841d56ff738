// Starts a TF.js backend in the browser (WebGPU where the browser gives an adapter, else wasm,
// else WebGL, else plain JS; `?backend=` in the URL forces one) and turns checkpoint files
// into the page's model: those served beside the page (model/), those opened from disk, or
// those the Train part just wrote, all decoded and checked as the CLI does (checkpoint/codec.ts).

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { Model } from '../api/model.js';
import { decodeCheckpoint, FILES, memorySource, type FileSource, type Hash } from '../checkpoint/codec.js';

/** The API's Model (what the CLI scores and samples with: the mixture where there is an n-gram), and where the page got it. */
export interface PageModel extends Model {
  backend: string;
  /** Where it came from, as the header says it ("served with the page", a file name, "trained here"). */
  source: string;
}

/** The hash the checkpoint records, in JavaScript (crypto.subtle is async and absent outside secure contexts). */
export const hash: Hash = (b) => bytesToHex(sha256(b));

export interface BackendChoice {
  name: string;
  /** Why this one, in a sentence for the page. */
  why: string;
}

const FALLBACK = ['wasm', 'webgl', 'cpu'];

/** What WebGPU this browser gives: a GPU, a software fallback (SwiftShader: slower than wasm), or none. */
async function adapterKind(): Promise<'gpu' | 'fallback' | 'none'> {
  type Adapter = { info?: { isFallbackAdapter?: boolean }; isFallbackAdapter?: boolean };
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<Adapter | null> } }).gpu;
  if (!gpu) return 'none';
  try {
    const a = await gpu.requestAdapter();
    if (!a) return 'none';
    return a.info?.isFallbackAdapter || a.isFallbackAdapter ? 'fallback' : 'gpu';
  } catch {
    return 'none';
  }
}

async function tryBackend(name: string): Promise<boolean> {
  try {
    if (await tf.setBackend(name)) {
      await tf.ready();
      return true;
    }
  } catch {
    // not available here
  }
  return false;
}

/** WebGPU with rnnlm's LSTM kernels where the browser gives a GPU adapter (not a software fallback), else wasm (threaded when the page is cross-origin isolated), else WebGL. */
export async function startBackend(forced = new URLSearchParams(location.search).get('backend')): Promise<BackendChoice> {
  setWasmPaths(new URL('./', location.href).href);
  if (forced) {
    if (await tryBackend(forced)) return { name: tf.getBackend(), why: 'chosen in the address (?backend=)' };
    throw new Error(`the ${forced} backend did not start in this browser`);
  }
  const gpu = await adapterKind();
  if (gpu === 'gpu' && (await tryBackend('webgpu')))
    return { name: 'webgpu', why: 'this browser gives a WebGPU adapter: the LSTM runs on rnnlm’s own GPU kernels' };
  const noGpu =
    gpu === 'gpu'
      ? 'WebGPU did not start'
      : gpu === 'fallback'
        ? 'WebGPU here is a software fallback, slower than wasm (?backend=webgpu forces it)'
        : 'no WebGPU adapter in this browser';
  for (const name of FALLBACK) {
    if (await tryBackend(name)) {
      const threads =
        name === 'wasm'
          ? crossOriginIsolated
            ? ', multi-threaded (the page is cross-origin isolated)'
            : ', one thread (the page is not cross-origin isolated)'
          : '';
      return { name, why: `${noGpu}${threads}` };
    }
  }
  throw new Error('no TF.js backend started in this browser');
}

/** A checkpoint's files, decoded and checked as `rnnlm` does. */
export function modelFrom(src: FileSource, backend: string, source: string): PageModel {
  return Object.assign(new Model(decodeCheckpoint(src, hash)), { backend, source });
}

/** The checkpoint served beside the page (model/), or null when the page is served alone. */
export async function loadServed(backend: string): Promise<PageModel | null> {
  const base = new URL('model/', location.href);
  const get = async (name: string): Promise<Uint8Array | null> => {
    const r = await fetch(new URL(name, base));
    if (r.status === 404) return null;
    if (!r.ok) throw new Error(`model/${name}: HTTP ${r.status}`);
    return new Uint8Array(await r.arrayBuffer());
  };
  const meta = await get(FILES.meta);
  if (meta === null) return null;
  const files = new Map<string, Uint8Array>([[FILES.meta, meta]]);
  let hasNGram = true; // older checkpoints have none: not asked for (decodeCheckpoint checks the rest)
  try {
    hasNGram = Boolean((JSON.parse(new TextDecoder().decode(meta)) as { ngram?: unknown }).ngram);
  } catch {
    // not JSON: decodeCheckpoint says so
  }
  for (const name of [FILES.model, FILES.weights, ...(hasNGram ? [FILES.ngram] : [])]) {
    const b = await get(name);
    if (b) files.set(name, b);
  }
  return modelFrom(memorySource('model', files), backend, 'served with this page');
}
