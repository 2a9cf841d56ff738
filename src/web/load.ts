// Starts a TF.js backend in the browser (wasm, else WebGL, else plain JS; `?backend=` in the
// URL forces one) and loads the checkpoint beside the page: rnnlm.json for the vocabulary
// and settings, model.json + weights.bin through tf.loadLayersModel.

import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { Meta } from '../checkpoint.js';
import { Params } from '../model/params.js';
import { MixedPredictor, type Predictor } from '../mixture.js';
import { Stepper } from '../model/stepper.js';
import { decodeNGram } from '../ngram/format.js';
import type { NGramModel } from '../ngram/model.js';
import { Vocab } from '../tokenizer.js';

export interface PageModel {
  meta: Meta;
  vocab: Vocab;
  params: Params;
  backend: string;
  /** The checkpoint's n-gram (absent in older ones): Generate and Score use the mixture, as the CLI does. */
  ngram: NGramModel | null;
}

/** What Generate and Score draw from: the network mixed with the n-gram when there is one, as `rnnlm sample` and `score`. */
export function predictor(m: PageModel): Predictor {
  const net = new Stepper(m.params);
  return m.ngram && m.meta.mixture ? new MixedPredictor(net, m.ngram, m.meta.mixture) : net;
}

const ORDER = ['wasm', 'webgl', 'cpu'];

export async function startBackend(): Promise<string> {
  setWasmPaths(new URL('./', location.href).href);
  const forced = new URLSearchParams(location.search).get('backend');
  for (const name of forced ? [forced] : ORDER) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return tf.getBackend();
      }
    } catch {
      // try the next one
    }
  }
  throw new Error(forced ? `the ${forced} backend did not start in this browser` : 'no TF.js backend started in this browser');
}

export async function loadModel(backend: string): Promise<PageModel> {
  const base = new URL('model/', location.href);
  const res = await fetch(new URL('rnnlm.json', base));
  if (!res.ok) throw new Error(`model/rnnlm.json: HTTP ${res.status}`);
  const meta = (await res.json()) as Meta;
  const vocab = Vocab.fromJSON(meta.vocab, 'rnnlm.json');
  const model = await tf.loadLayersModel(new URL('model.json', base).href);
  // Keras order: per layer kernel, recurrent kernel, bias; then the output kernel and bias.
  const arrays = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
  model.dispose();
  let ngram: NGramModel | null = null;
  if (meta.ngram) {
    const r = await fetch(new URL('ngram.bin', base));
    if (!r.ok) throw new Error(`model/ngram.bin: HTTP ${r.status}`);
    ngram = decodeNGram(new Uint8Array(await r.arrayBuffer()), 'model/ngram.bin');
  }
  return { meta, vocab, params: Params.fromKeras(meta.model, arrays), backend, ngram };
}
