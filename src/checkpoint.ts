// A checkpoint is a folder (default checkpoints/<corpus-name>/):
//   model.json + weights.bin  the best model as a TF.js LayersModel (tf.loadLayersModel reads it)
//   rnnlm.json                format/version, vocabulary, segmentation, model and training
//                             config, progress, loss history, corpus identity, weights hash
//   resume.bin                exact-resume state: latest weights, Adam moments, carried
//                             recurrent state, random state, position in the epoch
//   ngram.bin                 the Kneser–Ney n-gram of the training split (ngram/format.ts),
//                             mixed with the network by the λ in rnnlm.json; older
//                             checkpoints have none and load as the network alone
// Every file is written atomically. Loading checks each file and fails with one line
// naming the file and the problem.

import { statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { inputError } from './errors.js';
import { readFileChecked, readJSON, sha256, writeFileAtomic } from './files.js';
import type { AdamState } from './model/adam.js';
import type { MixtureWeights } from './mixture.js';
import { decodeNGram } from './ngram/format.js';
import type { NGramModel } from './ngram/model.js';
import type { OrderResult } from './ngram/build.js';
import { CELLS, type ModelConfig } from './model/config.js';
import { layersModel } from './model/keras.js';
import type { State } from './model/lm.js';
import { kerasShapes, Params } from './model/params.js';
import type { ScheduleKind } from './schedule.js';
import type { SplitMethod } from './split.js';
import { SEGMENTATIONS, Vocab, type Segmentation, type VocabJSON } from './tokenizer.js';

import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, TRAIN_CONFIG_BEFORE } from './meta.js';
export { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, TRAIN_CONFIG_BEFORE } from './meta.js';
export const RESUME_FORMAT = 'rnnlm-resume';
export const RESUME_VERSION = 1;
const RESUME_MAGIC = 'RNNLMRS\n';

export interface TrainConfig {
  seqLen: number;
  batchSize: number;
  lr: number;
  /** Linear warm-up of the learning rate over this many steps. */
  warmup: number;
  /** The learning rate is multiplied by this after each evaluation that does not improve. */
  lrDecay: number;
  clip: number;
  /** Passes over the training split, or null for no cap (a time budget ends the run). */
  epochs: number | null;
  /** Seconds of training in all (resumes included), or null for no time budget. */
  time: number | null;
  evalEvery: number;
  patience: number;
  seed: number;
  minCount: number;
  valFraction: number;
  /** How validation is chosen (split.ts). Checkpoints before it was recorded: tail. */
  split: SplitMethod;
  /** Sequences in a new seeded order every epoch (line and paragraph mode). */
  shuffle: boolean;
  /** Learning-rate schedule (schedule.ts). */
  schedule: ScheduleKind;
}

export interface HistoryPoint {
  step: number;
  epoch: number;
  /** Mean training loss since the previous point, nats/char. */
  train: number;
  /** Validation loss, nats/char (absent without a validation split). */
  val?: number;
  /** Validation loss of the network mixed with the n-gram at this point, nats/char. */
  mix?: number;
}

/** The checkpoint's n-gram (ngram.bin) as rnnlm.json describes it. */
export interface NGramMeta {
  file: 'ngram.bin';
  sha256: string;
  bytes: number;
  order: number;
  entries: number;
  /** Validation nats/char of the chosen order; each order tried. */
  val: number | null;
  orders: OrderResult[];
  buildSeconds: number;
}

/** The mixture weights fit on validation for the saved (best) network, and what they gave. */
export interface MixtureMeta extends MixtureWeights {
  /** Validation nats/char of the mixture and of the network alone, at the saved step. */
  val: number;
  network: number;
  step: number;
}

export interface Progress {
  step: number;
  /** Completed epochs plus the fraction of the current one. */
  epoch: number;
  /** Index of the next window within the current epoch. */
  window: number;
  /** Completed epochs (absent in older checkpoints: floor(epoch)). */
  epochIndex?: number;
  charsSeen: number;
  elapsedSeconds: number;
  bestVal: number | null;
  bestStep: number;
  evalsWithoutImprovement: number;
  lrScale: number;
  stopped: string | null;
  /** Training loss accumulated since the last evaluation (so a resumed history point is exact). */
  pending: { nats: number; tokens: number };
}

export interface Meta {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  rnnlmVersion: string;
  savedAt: string;
  backend: string;
  vocab: VocabJSON;
  segmentation: Segmentation;
  model: ModelConfig;
  training: TrainConfig;
  progress: Progress;
  history: HistoryPoint[];
  corpus: { path: string; bytes: number; sha256: string };
  /** sha256 of weights.bin; `previous` is also accepted (a save interrupted between renames). */
  weights: { file: 'weights.bin'; sha256: string; previous: string | null };
  /** Absent in checkpoints from before the n-gram (and with --no-ngram). */
  ngram?: NGramMeta;
  mixture?: MixtureMeta;
}

export interface Loaded {
  dir: string;
  meta: Meta;
  vocab: Vocab;
  params: Params;
  /** The n-gram, when the checkpoint has one. */
  ngram: NGramModel | null;
}

export const FILES = { model: 'model.json', weights: 'weights.bin', meta: 'rnnlm.json', resume: 'resume.bin', ngram: 'ngram.bin', lock: '.lock' };

/** Write ngram.bin (once per run: the training split does not change) and describe it in `meta`. */
export function saveNGram(dir: string, meta: Meta, bytes: Uint8Array, info: Omit<NGramMeta, 'file' | 'sha256' | 'bytes'>): void {
  writeFileAtomic(join(dir, FILES.ngram), bytes);
  meta.ngram = { file: 'ngram.bin', sha256: sha256(bytes), bytes: bytes.length, ...info };
}

/** Read and check the n-gram of a checkpoint (null when it has none). */
export function loadNGram(dir: string, meta: Meta): NGramModel | null {
  if (!meta.ngram) return null;
  const path = join(dir, FILES.ngram);
  const bytes = readFileChecked(path);
  if (sha256(bytes) !== meta.ngram.sha256) throw inputError(`${path}: does not match the sha256 recorded in rnnlm.json (the file was changed or damaged)`);
  let m: NGramModel;
  try {
    m = decodeNGram(bytes, path);
  } catch (e) {
    throw inputError((e as Error).message);
  }
  if (m.vocabSize !== meta.model.vocabSize) throw inputError(`${path}: has a vocabulary of ${m.vocabSize}, the model ${meta.model.vocabSize}`);
  return m;
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

/**
 * Write the model files. With `params`, weights.bin and model.json are (re)written as the
 * model to use; without, only rnnlm.json (progress) is updated.
 */
export async function saveCheckpoint(dir: string, meta: Meta, params?: Params): Promise<void> {
  if (!params) {
    writeFileAtomic(join(dir, FILES.meta), JSON.stringify(meta, null, 1));
    return;
  }
  const bytes = concatFloats(params.toKeras());
  const hash = sha256(bytes);
  const current = meta.weights.sha256;
  meta.weights = { file: 'weights.bin', sha256: hash, previous: current && current !== hash ? current : meta.weights.previous };
  // rnnlm.json first: it accepts both the old and the new weights until the next save.
  writeFileAtomic(join(dir, FILES.meta), JSON.stringify(meta, null, 1));
  writeFileAtomic(join(dir, FILES.weights), bytes);
  writeFileAtomic(join(dir, FILES.model), JSON.stringify(await modelJSON(meta.model)));
}

/** model.json of a LayersModel whose weights live in weights.bin. */
async function modelJSON(c: ModelConfig): Promise<object> {
  const m = layersModel(c);
  let out: object = {};
  await m.save(
    tf.io.withSaveHandler(async (a) => {
      out = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: 'rnnlm',
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: [FILES.weights], weights: a.weightSpecs }],
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  m.dispose();
  return out;
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
    throw inputError(`${path}: checkpoint format version ${String(m.version)} is not supported (this rnnlm reads version ${CHECKPOINT_VERSION}); retrain or use a matching rnnlm`);
  }
  const c = m.model;
  if (!c || !CELLS.includes(c.cell) || !isPosInt(c.layers) || !isPosInt(c.hidden) || !isPosInt(c.vocabSize) || !(c.dropout >= 0 && c.dropout < 1)) {
    throw inputError(`${path}: "model" is missing or invalid (cell, layers, hidden, vocabSize, dropout)`);
  }
  if (!SEGMENTATIONS.includes(m.segmentation as Segmentation)) throw inputError(`${path}: "segmentation" is missing or invalid`);
  if (!m.progress || typeof m.progress.step !== 'number' || !Array.isArray(m.history)) {
    throw inputError(`${path}: "progress" or "history" is missing or invalid`);
  }
  if (!m.weights || typeof m.weights.sha256 !== 'string') throw inputError(`${path}: "weights" is missing or invalid`);
  if (!m.training || !isPosInt(m.training.seqLen) || !isPosInt(m.training.batchSize)) {
    throw inputError(`${path}: "training" is missing or invalid`);
  }
  m.training = { ...TRAIN_CONFIG_BEFORE, ...m.training };
  return m as Meta;
}

/** Read only rnnlm.json (for `info`), checked. */
export function loadMeta(dir: string): { meta: Meta; vocab: Vocab } {
  checkDir(dir);
  const path = join(dir, FILES.meta);
  const meta = checkMeta(readJSON(path), path);
  const vocab = Vocab.fromJSON(meta.vocab, path);
  if (vocab.size !== meta.model.vocabSize) {
    throw inputError(`${path}: vocabulary has ${vocab.size} entries but the model expects ${meta.model.vocabSize}`);
  }
  return { meta, vocab };
}

function checkDir(dir: string): void {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw inputError(`${dir}: no such checkpoint folder`);
  }
  if (!st.isDirectory()) throw inputError(`${dir}: is not a checkpoint folder`);
}

/** Load and check a whole checkpoint: rnnlm.json, model.json, weights.bin. */
export function loadCheckpoint(dir: string): Loaded {
  const { meta, vocab } = loadMeta(dir);
  const c = meta.model;
  const modelPath = join(dir, FILES.model);
  const mj = readJSON(modelPath) as { format?: string; weightsManifest?: Array<{ paths?: string[]; weights?: Array<{ name: string; shape: number[]; dtype: string }> }> } | null;
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
      throw inputError(`${modelPath}: weight ${s.name} has shape [${s.shape}] (${s.dtype}), expected [${expected[i]}] float32 for the model in rnnlm.json (vocabulary ${c.vocabSize}, hidden ${c.hidden})`);
    }
  });
  const weightsPath = join(dir, FILES.weights);
  const bytes = readFileChecked(weightsPath);
  const need = expected.reduce((a, s) => a + s.reduce((x, y) => x * y, 1), 0) * 4;
  if (bytes.length !== need) {
    throw inputError(`${weightsPath}: has ${bytes.length} bytes, expected ${need} (truncated or from another model)`);
  }
  const hash = sha256(bytes);
  if (hash !== meta.weights.sha256 && hash !== meta.weights.previous) {
    throw inputError(`${weightsPath}: does not match the sha256 recorded in rnnlm.json (the file was changed or damaged)`);
  }
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
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
  return { dir, meta, vocab, params: Params.fromKeras(c, arrays), ngram: loadNGram(dir, meta) };
}

/** Everything needed to continue training exactly where it stopped. */
export interface ResumeState {
  params: Params;
  adam: AdamState;
  /** Recurrent state carried into the next window. */
  state: State;
  rngState: number;
  progress: Progress;
  history: HistoryPoint[];
}

export function saveResume(dir: string, r: ResumeState): void {
  const arrays: Array<[string, Float32Array]> = [
    ['params', r.params.data],
    ['adam.m', r.adam.m],
    ['adam.v', r.adam.v],
  ];
  r.state.forEach((layer, l) => layer.forEach((s, k) => arrays.push([`state.${l}.${k}`, s])));
  const payload = concatFloats(arrays.map(([, a]) => a));
  const header = JSON.stringify({
    format: RESUME_FORMAT,
    version: RESUME_VERSION,
    model: r.params.config,
    adamT: r.adam.t,
    rngState: r.rngState,
    progress: r.progress,
    history: r.history,
    arrays: arrays.map(([name, a]) => ({ name, length: a.length })),
    sha256: sha256(payload),
  });
  const h = Buffer.from(header, 'utf8');
  const pad = (4 - ((RESUME_MAGIC.length + 4 + h.length) % 4)) % 4;
  const head = Buffer.alloc(RESUME_MAGIC.length + 4 + h.length + pad, 0x20);
  head.write(RESUME_MAGIC, 0, 'latin1');
  head.writeUInt32LE(h.length + pad, RESUME_MAGIC.length);
  h.copy(head, RESUME_MAGIC.length + 4);
  writeFileAtomic(join(dir, FILES.resume), Buffer.concat([head, payload]));
}

export function loadResume(dir: string, c: ModelConfig): ResumeState {
  const path = join(dir, FILES.resume);
  const buf = readFileChecked(path);
  const bad = (why: string) => inputError(`${path}: ${why}`);
  if (buf.length < RESUME_MAGIC.length + 4 || buf.toString('latin1', 0, RESUME_MAGIC.length) !== RESUME_MAGIC) throw bad('not an rnnlm resume file');
  const hl = buf.readUInt32LE(RESUME_MAGIC.length);
  const start = RESUME_MAGIC.length + 4;
  if (start + hl > buf.length) throw bad('truncated');
  let h;
  try {
    h = JSON.parse(buf.toString('utf8', start, start + hl));
  } catch {
    throw bad('damaged header');
  }
  if (h.format !== RESUME_FORMAT) throw bad('not an rnnlm resume file');
  if (h.version !== RESUME_VERSION) throw bad(`resume format version ${h.version} is not supported (this rnnlm reads version ${RESUME_VERSION})`);
  if (JSON.stringify(h.model) !== JSON.stringify(c)) throw bad('belongs to a different model than rnnlm.json');
  const payload = buf.subarray(start + hl);
  const total = (h.arrays as Array<{ length: number }>).reduce((a, x) => a + x.length, 0);
  if (payload.length !== total * 4) throw bad(`has ${payload.length} bytes of data, expected ${total * 4} (truncated)`);
  if (sha256(payload) !== h.sha256) throw bad('data does not match its checksum (damaged)');
  const all = new Float32Array(payload.buffer.slice(payload.byteOffset, payload.byteOffset + payload.length));
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
