// A checkpoint as bytes, with no Node: rnnlm.json, model.json, weights.bin, resume.bin and
// ngram.bin encoded from a run and decoded back with every check, read through a FileSource
// (a folder on disk, a zip, files a page was given) and hashed by a function the caller
// passes (node:crypto in the CLI, a JS SHA-256 in the page). checkpoint.ts writes them atomically.

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Loaded, Meta, NGramMeta, ResumeState } from './types.js';
import { inputError } from '../common/errors.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, LEGACY_TRAINING } from './types.js';
import { decodeNGram } from '../ngram/format.js';
import type { NGramModel } from '../ngram/model.js';
import { CELLS, type ModelConfig } from '../model/config.js';
import { layersModel } from '../model/keras.js';
import type { State } from '../model/lm.js';
import { kerasShapes, Params } from '../model/params.js';
import { SEGMENTATIONS, Vocab, type Segmentation } from '../text/tokenizer.js';

export const FILES = { model: 'model.json', weights: 'weights.bin', meta: 'rnnlm.json', resume: 'resume.bin', ngram: 'ngram.bin', lock: '.lock' };
export const RESUME_FORMAT = 'rnnlm-resume';
export const RESUME_VERSION = 1;
const RESUME_MAGIC = 'RNNLMRS\n';

/** Hex SHA-256 of some bytes. */
export type Hash = (bytes: Uint8Array) => string;

/** The files of one checkpoint, wherever they are: `read` gives null for a missing file. */
export interface FileSource {
  /** The folder or archive, as messages name it ("<where>/rnnlm.json: …"). */
  where: string;
  read(name: string): Uint8Array | null;
}

/**
 * The checkpoint among named files (a zip's entries, files picked in a page): those beside the
 * rnnlm.json nearest the top, by their names there. Example: "names/rnnlm.json",
 * "names/weights.bin" → "rnnlm.json", "weights.bin".
 */
export function checkpointFiles(entries: Iterable<[string, Uint8Array]>, where: string): Map<string, Uint8Array> {
  const all = [...entries];
  const metas = all
    .map(([n]) => n)
    .filter((n) => n === FILES.meta || n.endsWith(`/${FILES.meta}`))
    .sort((a, b) => a.split('/').length - b.split('/').length);
  if (metas.length === 0) throw inputError(`${where}: holds no ${FILES.meta}; not an rnnlm checkpoint`);
  const prefix = metas[0]!.slice(0, -FILES.meta.length);
  const files = new Map<string, Uint8Array>();
  for (const [name, bytes] of all) {
    const rest = name.slice(prefix.length);
    if (name.startsWith(prefix) && rest && !rest.includes('/')) files.set(rest, bytes);
  }
  return files;
}

/** Checkpoint files held in memory (a zip's, a page's) as a FileSource. */
export function memorySource(where: string, files: ReadonlyMap<string, Uint8Array>): FileSource {
  return { where, read: (name) => files.get(name) ?? null };
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

function path(src: FileSource, name: string): string {
  return `${src.where}/${name}`;
}

function need(src: FileSource, name: string): Uint8Array {
  const b = src.read(name);
  if (b === null) throw inputError(`${path(src, name)}: missing`);
  return b;
}

function json(src: FileSource, name: string): unknown {
  const text = fromUtf8.decode(need(src, name));
  try {
    return JSON.parse(text);
  } catch {
    throw inputError(`${path(src, name)}: is not valid JSON${text.length === 0 ? ' (empty file)' : ''}`);
  }
}

/** Bytes of a Float32Array list, concatenated. */
function concatFloats(arrays: Float32Array[]): Uint8Array {
  const n = arrays.reduce((a, w) => a + w.length, 0);
  const out = new Float32Array(n);
  let o = 0;
  for (const w of arrays) {
    out.set(w, o);
    o += w.length;
  }
  return new Uint8Array(out.buffer);
}

/** A Float32Array over a copy of `bytes` (aligned). */
function floats(bytes: Uint8Array): Float32Array {
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

export function encodeMeta(meta: Meta): Uint8Array {
  return utf8.encode(JSON.stringify(meta, null, 1));
}

/** weights.bin and model.json of `params`; records the weights' hash in `meta` (the previous one is still accepted). */
export async function encodeModel(meta: Meta, params: Params, hash: Hash): Promise<{ weights: Uint8Array; model: Uint8Array }> {
  const weights = concatFloats(params.toKeras());
  const h = hash(weights);
  const current = meta.weights.sha256;
  meta.weights = { file: 'weights.bin', sha256: h, previous: current && current !== h ? current : meta.weights.previous };
  return { weights, model: utf8.encode(JSON.stringify(await modelJSON(meta.model))) };
}

/** model.json of a LayersModel whose weights live in weights.bin. */
async function modelJSON(c: ModelConfig): Promise<object> {
  const m = layersModel(c);
  let out: object = {};
  await m.save(
    tf.io.withSaveHandler(async (a) => {
      out = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
        convertedBy: 'rnnlm',
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: [FILES.weights], weights: a.weightSpecs }],
        ...(c.classOf ? { userDefinedMetadata: { rnnlm: factoredNote(c.classOf) } } : {}),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  m.dispose();
  return out;
}

/** What a consumer of model.json needs to turn a factored model's two heads into probabilities. */
function factoredNote(classOf: number[]): object {
  return {
    output: 'factored',
    howTo: 'P(token w) = classes[classOf[w]] · exp(output[w]) / Σ over tokens v with classOf[v] = classOf[w] of exp(output[v]); token ids as in rnnlm.json',
    classOf,
  };
}

/** A factored model's class table: an integer class per token, classes 0..C−1 each used. */
function validClasses(k: unknown, V: number): boolean {
  if (k === undefined) return true;
  if (!Array.isArray(k) || k.length !== V || !k.every((x) => Number.isInteger(x) && x >= 0 && x < V)) return false;
  const C = (k as number[]).reduce((m, x) => Math.max(m, x), -1) + 1;
  return new Set(k).size === C;
}

function isPosInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x > 0;
}

function checkMeta(json: unknown, path: string): Meta {
  const m = json as Partial<Meta> | null;
  if (!m || typeof m !== 'object' || m.format !== CHECKPOINT_FORMAT) {
    throw inputError(`${path}: not an rnnlm checkpoint (format should be "${CHECKPOINT_FORMAT}")`);
  }
  if (m.version !== CHECKPOINT_VERSION) {
    throw inputError(
      `${path}: checkpoint format version ${String(m.version)} is not supported (this rnnlm reads version ${CHECKPOINT_VERSION}); retrain or use a matching rnnlm`,
    );
  }
  const c = m.model;
  if (!c || !CELLS.includes(c.cell) || !isPosInt(c.layers) || !isPosInt(c.hidden) || !isPosInt(c.vocabSize) || !(c.dropout >= 0 && c.dropout < 1)) {
    throw inputError(`${path}: "model" is missing or invalid (cell, layers, hidden, vocabSize, dropout)`);
  }
  if (!validClasses(c.classOf, c.vocabSize))
    throw inputError(`${path}: "model.classOf" should give each of the ${c.vocabSize} tokens a class, classes numbered from 0 with none empty`);
  if (!SEGMENTATIONS.includes(m.segmentation as Segmentation)) throw inputError(`${path}: "segmentation" is missing or invalid`);
  if (!m.progress || typeof m.progress.step !== 'number' || !Array.isArray(m.history)) {
    throw inputError(`${path}: "progress" or "history" is missing or invalid`);
  }
  if (!m.weights || typeof m.weights.sha256 !== 'string') throw inputError(`${path}: "weights" is missing or invalid`);
  if (!m.training || !isPosInt(m.training.seqLen) || !isPosInt(m.training.batchSize)) {
    throw inputError(`${path}: "training" is missing or invalid`);
  }
  m.training = { ...LEGACY_TRAINING, ...m.training };
  return m as Meta;
}

/** rnnlm.json alone, checked (for `info`). */
export function decodeMeta(src: FileSource): { meta: Meta; vocab: Vocab } {
  const p = path(src, FILES.meta);
  const meta = checkMeta(json(src, FILES.meta), p);
  const vocab = Vocab.fromJSON(meta.vocab, p);
  if (vocab.size !== meta.model.vocabSize) {
    throw inputError(`${p}: vocabulary has ${vocab.size} entries but the model expects ${meta.model.vocabSize}`);
  }
  return { meta, vocab };
}

/** A whole checkpoint, checked: rnnlm.json, model.json, weights.bin (and ngram.bin when it has one). */
export function decodeCheckpoint(src: FileSource, hash: Hash): Loaded {
  const { meta, vocab } = decodeMeta(src);
  const c = meta.model;
  const modelPath = path(src, FILES.model);
  const mj = json(src, FILES.model) as {
    format?: string;
    weightsManifest?: Array<{ paths?: string[]; weights?: Array<{ name: string; shape: number[]; dtype: string }> }>;
  } | null;
  const specs = mj?.weightsManifest?.[0]?.weights;
  if (!mj || mj.format !== 'layers-model' || !Array.isArray(specs)) {
    throw inputError(`${modelPath}: not a TF.js layers-model with a weightsManifest`);
  }
  const expected = kerasShapes(c);
  if (specs.length !== expected.length) {
    throw inputError(`${modelPath}: has ${specs.length} weight arrays, the ${c.layers}-layer ${c.cell} in rnnlm.json needs ${expected.length}`);
  }
  specs.forEach((s, i) => {
    if (s.dtype !== 'float32' || JSON.stringify(s.shape) !== JSON.stringify(expected[i])) {
      throw inputError(
        `${modelPath}: weight ${s.name} has shape [${s.shape}] (${s.dtype}), expected [${expected[i]}] float32 for the model in rnnlm.json (vocabulary ${c.vocabSize}, hidden ${c.hidden})`,
      );
    }
  });
  const weightsPath = path(src, FILES.weights);
  const bytes = need(src, FILES.weights);
  const size = expected.reduce((a, s) => a + s.reduce((x, y) => x * y, 1), 0) * 4;
  if (bytes.length !== size) {
    throw inputError(`${weightsPath}: has ${bytes.length} bytes, expected ${size} (truncated or from another model)`);
  }
  const h = hash(bytes);
  if (h !== meta.weights.sha256 && h !== meta.weights.previous) {
    throw inputError(`${weightsPath}: does not match the sha256 recorded in rnnlm.json (the file was changed or damaged)`);
  }
  const all = floats(bytes);
  for (let i = 0; i < all.length; i++) {
    if (!Number.isFinite(all[i]!)) throw inputError(`${weightsPath}: contains non-finite values (NaN or Infinity)`);
  }
  const arrays: Float32Array[] = [];
  let o = 0;
  for (const s of expected) {
    const n = s.reduce((x, y) => x * y, 1);
    arrays.push(all.subarray(o, o + n));
    o += n;
  }
  return { dir: src.where, meta, vocab, params: Params.fromKeras(c, arrays), ngram: decodeNGramFile(src, meta, hash) };
}

/** How rnnlm.json describes ngram.bin: its hash and size, the order chosen and how it was chosen. */
export function ngramMeta(bytes: Uint8Array, info: Omit<NGramMeta, 'file' | 'sha256' | 'bytes'>, hash: Hash): NGramMeta {
  return { file: 'ngram.bin', sha256: hash(bytes), bytes: bytes.length, ...info };
}

/** The n-gram of a checkpoint, checked (null when it has none). */
export function decodeNGramFile(src: FileSource, meta: Meta, hash: Hash): NGramModel | null {
  if (!meta.ngram) return null;
  const p = path(src, FILES.ngram);
  const bytes = need(src, FILES.ngram);
  if (hash(bytes) !== meta.ngram.sha256) throw inputError(`${p}: does not match the sha256 recorded in rnnlm.json (the file was changed or damaged)`);
  let m: NGramModel;
  try {
    m = decodeNGram(bytes, p);
  } catch (e) {
    throw inputError((e as Error).message);
  }
  if (m.vocabSize !== meta.model.vocabSize) throw inputError(`${p}: has a vocabulary of ${m.vocabSize}, the model ${meta.model.vocabSize}`);
  return m;
}

/** resume.bin: the magic, a JSON header padded to 4 bytes, then the float arrays it names. */
export function encodeResume(r: ResumeState, hash: Hash): Uint8Array {
  const arrays: Array<[string, Float32Array]> = [
    ['params', r.params.data],
    ['adam.m', r.adam.m],
    ['adam.v', r.adam.v],
  ];
  r.state.forEach((layer, l) => layer.forEach((s, k) => arrays.push([`state.${l}.${k}`, s])));
  const payload = concatFloats(arrays.map(([, a]) => a));
  const header = utf8.encode(
    JSON.stringify({
      format: RESUME_FORMAT,
      version: RESUME_VERSION,
      model: r.params.config,
      adamT: r.adam.t,
      rngState: r.rngState,
      progress: r.progress,
      history: r.history,
      arrays: arrays.map(([name, a]) => ({ name, length: a.length })),
      sha256: hash(payload),
    }),
  );
  const pad = (4 - ((RESUME_MAGIC.length + 4 + header.length) % 4)) % 4;
  const headLength = RESUME_MAGIC.length + 4 + header.length + pad;
  const out = new Uint8Array(headLength + payload.length).fill(0x20, 0, headLength);
  out.set(utf8.encode(RESUME_MAGIC), 0);
  new DataView(out.buffer).setUint32(RESUME_MAGIC.length, header.length + pad, true);
  out.set(header, RESUME_MAGIC.length + 4);
  out.set(payload, headLength);
  return out;
}

export function decodeResume(src: FileSource, c: ModelConfig, hash: Hash): ResumeState {
  const buf = need(src, FILES.resume);
  const bad = (why: string) => inputError(`${path(src, FILES.resume)}: ${why}`);
  const magic = RESUME_MAGIC.length;
  if (buf.length < magic + 4 || fromUtf8.decode(buf.subarray(0, magic)) !== RESUME_MAGIC) throw bad('not an rnnlm resume file');
  const hl = new DataView(buf.buffer, buf.byteOffset, buf.length).getUint32(magic, true);
  const start = magic + 4;
  if (start + hl > buf.length) throw bad('truncated');
  let h;
  try {
    h = JSON.parse(fromUtf8.decode(buf.subarray(start, start + hl)));
  } catch {
    throw bad('damaged header');
  }
  if (h.format !== RESUME_FORMAT) throw bad('not an rnnlm resume file');
  if (h.version !== RESUME_VERSION) throw bad(`resume format version ${h.version} is not supported (this rnnlm reads version ${RESUME_VERSION})`);
  if (JSON.stringify(h.model) !== JSON.stringify(c)) throw bad('belongs to a different model than rnnlm.json');
  const payload = buf.subarray(start + hl);
  const total = (h.arrays as Array<{ length: number }>).reduce((a, x) => a + x.length, 0);
  if (payload.length !== total * 4) throw bad(`has ${payload.length} bytes of data, expected ${total * 4} (truncated)`);
  if (hash(payload) !== h.sha256) throw bad('data does not match its checksum (damaged)');
  const all = floats(payload);
  const named = new Map<string, Float32Array>();
  let o = 0;
  for (const a of h.arrays as Array<{ name: string; length: number }>) {
    named.set(a.name, all.slice(o, o + a.length));
    o += a.length;
  }
  const params = new Params(c, named.get('params'));
  const state: State = [];
  for (let l = 0; named.has(`state.${l}.0`); l++) {
    const layer: Float32Array[] = [];
    for (let k = 0; named.has(`state.${l}.${k}`); k++) layer.push(named.get(`state.${l}.${k}`)!);
    state.push(layer);
  }
  return {
    params,
    adam: { m: named.get('adam.m')!, v: named.get('adam.v')!, t: h.adamT },
    state,
    rngState: h.rngState,
    progress: h.progress,
    history: h.history,
  };
}
