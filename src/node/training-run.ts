// `train`: a training run from a corpus file to a checkpoint folder. It reads the file,
// resolves the `auto` settings (auto.ts, timing candidate sizes on the workers that will
// train), checks a checkpoint to resume, takes the folder's lock, counts the Kneser–Ney
// n-gram baseline, and hands the steps to the core Trainer (trainer.ts: the loop itself, no
// Node) with atomic file saves and worker threads around it. Silent: callbacks; stops
// cleanly when `signal` aborts.

import { basename, extname, join, resolve } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { decodeMeta } from '../checkpoint/codec.js';
import { isZip, unpackZip, zipSource } from './zip.js';
import { availableParallelism, totalmem } from 'node:os';
import { FILES } from '../checkpoint/codec.js';
import { loadCheckpoint, loadMeta, loadResume, loadNGram, saveCheckpoint, saveNGram, saveResume } from './checkpoint-files.js';
import { type Meta, type TrainConfig } from '../checkpoint/types.js';
import { autoWorkers, type Auto, type ModelRequest } from '../training/auto.js';
import { isStdin, readText } from './textfile.js';
import { inputError } from '../common/errors.js';
import { buildNGram, type OrderResult } from '../ngram/build.js';
import { encodeNGram } from '../ngram/format.js';
import type { NGramModel } from '../ngram/model.js';
import { acquireLock, removeStaleTemporaries, sha256 } from './files.js';
import { parameterCount, type ModelConfig } from '../model/config.js';
import { DataParallel } from './parallel.js';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from './backend.js';
import type { Segmentation } from '../text/tokenizer.js';
import { resolveRun, speedMeter, type StartFrom } from '../training/resolve.js';
import { BASE_MODEL, modelPath, shippedModel } from './models.js';
import {
  startingPoint,
  Trainer,
  type Fresh,
  type Resumed,
  type StartInfo,
  type TrainerEvents,
  type TrainerInit,
  type TrainerStore,
  type TrainResult,
} from '../training/trainer.js';

import type { TrainSettings } from '../training/defaults.js';

export interface TrainRequest {
  /** The text file (- for stdin); with `text`, the name the text goes by (the checkpoint folder's default name). */
  corpusPath: string;
  /** The corpus itself, instead of reading `corpusPath` (the API's train({ text })). */
  text?: string;
  /** Checkpoint folder; default checkpoints/<corpus-name>. */
  out?: string;
  resume: boolean;
  model: ModelRequest;
  training: TrainSettings;
  segmentation: Auto<Segmentation>;
  /**
   * On resume, everything comes from the checkpoint except these, when given: how long to
   * go on and how often to evaluate.
   */
  resumeOverrides?: Partial<Pick<TrainConfig, 'epochs' | 'time' | 'patience' | 'evalEvery'>>;
  /** Stop after this many steps in total (for tests and quick looks). */
  maxSteps?: number;
  /** Count the n-gram baseline and fit the mixture (default true; a resume follows its checkpoint). */
  ngram?: boolean;
  /**
   * Start from another model's weights (a checkpoint folder or zip, or the name of a model
   * shipped with rnnlm, shippedModel); 'auto': the shipped base where chooseStart says so;
   * absent or 'none': from random weights.
   */
  from?: string;
  /** Choose dynamic evaluation's rate on validation at the end (default true). */
  adapt?: boolean;
  /** Start a new run even if the folder holds a checkpoint (it is replaced). */
  force?: boolean;
  /** Data-parallel worker threads, the calling thread included (default 1). */
  /** Data-parallel threads; 'auto' (or absent: 1) — see autoWorkers. */
  workers?: number | 'auto';
  backend: string;
  version: string;
  signal?: AbortSignal;
  /**
   * Document mode with shuffling: windows per chunk (default CHUNK_WINDOWS; 1 = independent
   * windows from a zero state, as random-window trainers read) and whether each epoch's chunk
   * grid starts at a seeded offset. For bench:curve; not stored in the checkpoint, so a resume
   * must pass the same.
   */
  chunking?: { windows: number; shifted: boolean };
  /** Milliseconds since some origin (default Date.now); tests pass a fake clock to check the schedule. */
  clock?: () => number;
}

/** The n-gram counted before the first step. */
export interface NGramInfo {
  order: number;
  entries: number;
  bytes: number;
  seconds: number;
  /** Validation nats/char (null without validation), and each order tried. */
  val: number | null;
  orders: OrderResult[];
}

export interface TrainEvents extends TrainerEvents {
  /** A zipped checkpoint given to --resume was unpacked into `dir`, where the run goes on. */
  onUnpack?(zip: string, dir: string, files: string[]): void;
  onStart?(s: StartInfo): void;
  onNGram?(n: NGramInfo): void;
}

export function defaultOut(corpusPath: string): string {
  const name = isStdin(corpusPath) ? 'stdin' : basename(corpusPath, extname(corpusPath)) || 'model';
  return join('checkpoints', name);
}

const tick = () => new Promise<void>((r) => setImmediate(r));

export async function train(req: TrainRequest, ev: TrainEvents = {}): Promise<TrainResult> {
  let dir = req.out ?? defaultOut(req.corpusPath);
  if (req.resume) dir = unpacked(dir, ev);
  const text = req.text ?? readText(req.corpusPath);
  const corpusInfo = {
    path: req.text !== undefined ? req.corpusPath : isStdin(req.corpusPath) ? '-' : resolve(req.corpusPath),
    bytes: Buffer.byteLength(text),
    sha256: sha256(text),
  };
  let start: Resumed | Fresh | undefined;
  const from = req.from === undefined || req.from === 'none' ? undefined : req.from;
  if (req.resume && from && from !== 'auto')
    throw inputError('--from starts a new run from a model, --resume continues a run (which remembers what it started from): give one of them');
  const startFrom = req.resume || !from ? undefined : from === 'auto' ? { auto: shippedBase() } : startingModel(from);
  if (req.resume) {
    // Check every file before taking the lock or writing anything: a damaged checkpoint
    // is reported and left exactly as it is.
    const { meta, vocab } = loadCheckpoint(dir);
    start = { kind: 'resumed', meta, vocab, resume: loadResume(dir, meta.model) };
  } else {
    if (existsSync(join(dir, FILES.meta)) && !req.force) {
      throw inputError(`${dir} already holds a checkpoint: continue it with --resume, or start over with --force (replaces it)`);
    }
  }
  let pool: DataParallel | null = null;
  try {
    if (start === undefined) {
      // Auto sizing measures candidate models on the workers that will train: the pool opens at the first measurement.
      start = await resolveRun(req, text, async (corpus, rows) => speedMeter(corpus, (pool ??= await openPool(req, rows)), req.training.samples), startFrom);
      checkFits(start.model, start.training);
    }
    pool ??= await openPool(req, start.kind === 'resumed' ? start.meta.training.batchSize : start.training.batchSize);
    const release = acquireLock(join(dir, FILES.lock), dir);
    try {
      removeStaleTemporaries(dir);
      return await run(req, dir, text, corpusInfo, start, ev, pool);
    } finally {
      release();
    }
  } finally {
    await pool?.close();
  }
}

function shippedBase(): StartFrom | null {
  const dir = shippedModel(BASE_MODEL);
  return dir ? { ...loadCheckpoint(dir), name: BASE_MODEL } : null;
}

/** `--from`: a checkpoint folder or zip by path, else a shipped model by name; checked whole. */
function startingModel(from: string): StartFrom {
  const { meta, vocab, params } = loadCheckpoint(modelPath(from, '--from'));
  return { name: from, meta, vocab, params };
}

/**
 * `--resume --out x.zip` (a checkpoint downloaded from the page): the run goes on in the folder
 * x beside it, unpacked now, or already unpacked by an earlier resume of the same zip.
 */
function unpacked(out: string, ev: TrainEvents): string {
  if (!existsSync(out) || !statSync(out).isFile() || !isZip(out)) return out;
  const dir = out.replace(/\.zip$/i, '') === out ? `${out}.d` : out.replace(/\.zip$/i, '');
  if (existsSync(join(dir, FILES.meta))) {
    const inDir = loadMeta(dir).meta;
    const inZip = decodeMeta(zipSource(out)).meta;
    if (inDir.corpus.sha256 !== inZip.corpus.sha256 || inDir.progress.step < inZip.progress.step) {
      throw inputError(`${dir} already holds another checkpoint than ${out}; move it away or unpack the zip elsewhere and resume with --out <folder>`);
    }
    return dir; // unpacked by an earlier resume, trained on since: go on from there
  }
  const names = unpackZip(out, dir); // before the event: ev.onUnpack?.(…) evaluates no argument when absent
  ev.onUnpack?.(out, dir, names);
  return dir;
}

/** Worker threads for a batch of `rows`: one GPU is one device, so none on webgpu (see autoWorkers). */
async function openPool(req: TrainRequest, rows: number): Promise<DataParallel | null> {
  const n = tf.getBackend() === 'webgpu' ? 1 : req.workers === 'auto' ? autoWorkers(rows, availableParallelism()) : Math.min(req.workers ?? 1, rows);
  return n > 1 ? await DataParallel.create(n, tf.getBackend() as BackendName) : null;
}

/** Refuse, before allocating, a configuration that cannot fit in memory. */
function checkFits(model: ModelConfig, training: TrainConfig): void {
  const { hidden: H, layers: L } = model;
  const { batchSize: B, seqLen: T } = training;
  const params = parameterCount({ ...model, vocabSize: Math.max(256, model.vocabSize) });
  // Weights, gradients, Adam m and v, transposes: ~6 copies; activations ~12 floats per unit and step.
  const bytes = 4 * (6 * params + 12 * B * T * H * L);
  const constrained = process.constrainedMemory?.() ?? 0;
  const limit = 0.75 * (constrained > 0 ? Math.min(constrained, totalmem()) : totalmem());
  if (bytes > limit) {
    throw inputError(
      `this configuration needs about ${(bytes / 2 ** 30).toFixed(1)} GiB (parameters ${(params / 1e6).toFixed(1)} M, batch × seq-len × hidden × layers = ${B}×${T}×${H}×${L}); the machine allows about ${(limit / 2 ** 30).toFixed(1)} GiB — use a smaller --hidden, --layers, --batch-size or --seq-len`,
    );
  }
}

async function run(
  req: TrainRequest,
  dir: string,
  text: string,
  corpusInfo: Meta['corpus'],
  start: Resumed | Fresh,
  ev: TrainEvents,
  pool: DataParallel | null,
): Promise<TrainResult> {
  const init = startingPoint(
    { corpusPath: req.corpusPath, text, corpusInfo, dir, version: req.version, backend: req.backend, resumeOverrides: req.resumeOverrides },
    start,
  );
  const store: TrainerStore = {
    saveCheckpoint: (meta, params) => saveCheckpoint(dir, meta, params),
    saveResume: (r) => saveResume(dir, r),
  };
  const trainer = new Trainer(init, store, ev, {
    runner: pool,
    signal: req.signal,
    maxSteps: req.maxSteps,
    chunking: req.chunking,
    clock: req.clock,
    yieldNow: tick,
    backend: req.backend,
    adapt: req.adapt,
  });
  const { meta, corpus } = init;
  const choices = start.kind === 'fresh' ? start.choices : [];
  ev.onStart?.({
    dir,
    vocab: corpus.vocab,
    corpus,
    model: meta.model,
    training: meta.training,
    parameters: init.params.data.length,
    windowsPerEpoch: trainer.windowsPerEpoch,
    totalSteps: trainer.totalSteps,
    resumedAt: init.resumedAt,
    workers: pool?.workers ?? 1,
    choices,
    segmentation: meta.segmentation,
  });
  trainer.useNGram(baseline(req, dir, init, start.kind === 'resumed', ev));
  return await trainer.run();
}

/** The n-gram: counted on a new run (and written at once), read back on resume. */
function baseline(req: TrainRequest, dir: string, init: TrainerInit, resumed: boolean, ev: TrainEvents): NGramModel | null {
  if (resumed) return loadNGram(dir, init.meta);
  if (req.ngram === false) return null;
  const { corpus, meta } = init;
  const b = buildNGram(corpus.train, corpus.val, corpus.vocab.size);
  const bytes = encodeNGram(b.model);
  const info = { order: b.model.order, entries: b.model.entryCount, val: b.val, orders: b.orders, buildSeconds: b.seconds };
  saveNGram(dir, meta, bytes, info);
  ev.onNGram?.({ order: info.order, entries: info.entries, bytes: bytes.length, seconds: b.seconds, val: b.val, orders: b.orders });
  return b.model;
}
