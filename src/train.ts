// `train`: a training run from a corpus file to a checkpoint folder. It reads the file,
// resolves the `auto` settings (auto.ts, timing candidate sizes on the workers that will
// train), checks a checkpoint to resume, takes the folder's lock, counts the Kneser–Ney
// n-gram baseline, and hands the steps to the core Trainer (trainer.ts: the loop itself, no
// Node) with atomic file saves and worker threads around it. Silent: callbacks; stops
// cleanly when `signal` aborts.

import { basename, extname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import {
  FILES,
  loadCheckpoint,
  loadResume,
  loadNGram,
  saveCheckpoint,
  saveNGram,
  saveResume,
  type Meta,
  type TrainConfig,
} from './checkpoint.js';
import { autoWorkers, type Auto, type ModelRequest } from './auto.js';
import { rowBounds, windowAt, type Corpus } from './corpus.js';
import { isStdin, readText } from './textfile.js';
import type { ScheduleKind } from './schedule.js';
import type { SplitMethod } from './split.js';
import { inputError } from './errors.js';
import { buildNGram, type OrderResult } from './ngram/build.js';
import { encodeNGram } from './ngram/format.js';
import type { NGramModel } from './ngram/model.js';
import { acquireLock, removeStaleTemporaries, sha256 } from './files.js';
import { parameterCount, type ModelConfig } from './model/config.js';
import { runWindow, zeroState } from './model/lm.js';
import { Params } from './model/params.js';
import { DataParallel } from './model/parallel.js';
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from './backend.js';
import { Rng } from './rng.js';
import type { Segmentation } from './tokenizer.js';
import { resolveRun } from './resolve.js';
import { startingPoint, Trainer, type Fresh, type Prior, type StartInfo, type TrainerEvents, type TrainerInit, type TrainerStore, type TrainResult } from './trainer.js';

export { CHUNK_WINDOWS, type EvalInfo, type StartInfo, type StepInfo, type TrainResult } from './trainer.js';

/** Every default in one place: the model's shape (auto: auto.ts, from the corpus and budget) … */
export const MODEL_DEFAULTS: ModelRequest = {
  cell: 'lstm', // lstm | gru | rnn
  layers: 'auto', // stacked recurrent layers (auto: by training characters and time budget)
  hidden: 'auto', // units per layer (auto: as layers)
  dropout: 'auto', // dropout on layer outputs (auto: 0.2 below 500K training characters, 0.1 below 5M, else 0)
};

/** … and how it is trained. */
export const TRAINING_DEFAULTS: Readonly<TrainSettings> = {
  minCount: 1, // characters seen fewer times map to <UNK>
  valFraction: 0.1, // fraction held out for validation
  split: 'auto', // random (lists) | blocks (running text) | tail
  shuffle: 'auto', // new order every epoch: of sequences, or of chunks of CHUNK_WINDOWS windows in document mode (auto: on)
  seqLen: 'auto', // BPTT window (auto: 64)
  batchSize: 'auto', // rows per window (auto: 32)
  lr: 'auto', // Adam peak learning rate (auto: 0.008)
  warmup: 20, // steps of linear learning-rate warm-up
  schedule: 'auto', // cosine to the deadline with --time or --epochs, else plateau
  lrDecay: 0.5, // plateau schedule: factor after an evaluation without improvement
  clip: 'auto', // max global gradient norm (0 = off; auto: 5 in line mode, else 5 / batch rows: 5 on the loss summed over the rows, as the PyTorch reference clips)
  epochs: 'auto', // passes over the training split (auto: no cap with --time, else 50)
  time: null, // time budget in seconds (null = none)
  evalEvery: 0, // steps between evaluations (0 = once per epoch, at most every 200 steps)
  patience: 'auto', // stop after this many evaluations without improvement (auto: 0 = never with --time, else 3)
  seed: 1,
};

export { EPOCH_CAP, resolveRun } from './resolve.js';

export const DEFAULT_SEGMENTATION: Auto<Segmentation> = 'auto'; // auto | line | paragraph | document

/** Training settings as requested: some may be `auto`, resolved from the corpus at the start. */
export interface TrainSettings extends Omit<TrainConfig, 'split' | 'shuffle' | 'schedule' | 'seqLen' | 'batchSize' | 'epochs' | 'patience' | 'lr' | 'clip'> {
  lr: Auto<number>;
  clip: Auto<number>;
  split: Auto<SplitMethod>;
  shuffle: Auto<boolean>;
  schedule: Auto<ScheduleKind>;
  seqLen: Auto<number>;
  batchSize: Auto<number>;
  epochs: Auto<number> | null;
  patience: Auto<number>;
}

export interface TrainRequest {
  corpusPath: string;
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
  onStart?(s: StartInfo): void;
  onNGram?(n: NGramInfo): void;
}

export function defaultOut(corpusPath: string): string {
  const name = isStdin(corpusPath) ? 'stdin' : basename(corpusPath, extname(corpusPath)) || 'model';
  return join('checkpoints', name);
}

const tick = () => new Promise<void>((r) => setImmediate(r));

export async function train(req: TrainRequest, ev: TrainEvents = {}): Promise<TrainResult> {
  const dir = req.out ?? defaultOut(req.corpusPath);
  const text = readText(req.corpusPath);
  const corpusInfo = {
    path: isStdin(req.corpusPath) ? '-' : resolve(req.corpusPath),
    bytes: Buffer.byteLength(text),
    sha256: sha256(text),
  };
  let start: Prior | Fresh | undefined;
  if (req.resume) {
    // Check every file before taking the lock or writing anything: a damaged checkpoint
    // is reported and left exactly as it is.
    const { meta, vocab } = loadCheckpoint(dir);
    start = { kind: 'prior', meta, vocab, resume: loadResume(dir, meta.model) };
  } else {
    if (existsSync(join(dir, FILES.meta)) && !req.force) {
      throw inputError(`${dir} already holds a checkpoint: continue it with --resume, or start over with --force (replaces it)`);
    }
  }
  let pool: DataParallel | null = null;
  try {
    if (start === undefined) {
      // Auto sizing measures candidate models on the workers that will train: the pool opens at the first measurement.
      start = await resolveRun(req, text, async (corpus, rows) => speedMeter(corpus, (pool ??= await openPool(req, rows))));
      checkFits(start.model, start.training);
    }
    pool ??= await openPool(req, start.kind === 'prior' ? start.meta.training.batchSize : start.training.batchSize);
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

/** Worker threads for a batch of `rows`: one GPU is one device, so none on webgpu (see autoWorkers). */
async function openPool(req: TrainRequest, rows: number): Promise<DataParallel | null> {
  const n = tf.getBackend() === 'webgpu' ? 1 : req.workers === 'auto' ? autoWorkers(rows, availableParallelism()) : Math.min(req.workers ?? 1, rows);
  return n > 1 ? await DataParallel.create(n, tf.getBackend() as BackendName) : null;
}

/**
 * Training speed of a model here (chars/s): windows of the corpus forward and backward on
 * the workers that will train, one to warm up (three more on the first call: a fresh
 * process runs its first windows 2–7× slower) and the faster of two timed. Weights are
 * random: the time does not depend on them.
 */
function speedMeter(corpus: Corpus, pool: DataParallel | null): (model: ModelConfig, batch: number, seqLen: number) => Promise<number> {
  let warm = false;
  return async (model, batch, seqLen) => {
    const params = Params.init(model, new Rng(1));
    const win = windowAt(corpus.train, rowBounds(corpus.train, batch), seqLen, 0);
    const state = zeroState(model, win.batch);
    const opts = { train: true, lossScale: 1 / win.batch, dropoutSeed: 1 };
    const once = async () => {
      const t0 = performance.now();
      const r = await (pool ? pool.run(params, win, state, opts) : runWindow(params, win, state, opts));
      return r.count / Math.max(1e-6, (performance.now() - t0) / 1000);
    };
    for (let i = warm ? 1 : 4; i > 0; i--) await once();
    warm = true;
    return Math.max(await once(), await once());
  };
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

async function run(req: TrainRequest, dir: string, text: string, corpusInfo: Meta['corpus'], start: Prior | Fresh, ev: TrainEvents, pool: DataParallel | null): Promise<TrainResult> {
  const init = startingPoint({ corpusPath: req.corpusPath, text, corpusInfo, dir, version: req.version, backend: req.backend, resumeOverrides: req.resumeOverrides }, start);
  const store: TrainerStore = {
    saveCheckpoint: (meta, params) => saveCheckpoint(dir, meta, params),
    saveResume: (r) => saveResume(dir, r),
  };
  const trainer = new Trainer(init, store, ev, { runner: pool, signal: req.signal, maxSteps: req.maxSteps, chunking: req.chunking, clock: req.clock, yieldNow: tick, backend: req.backend });
  const { meta, corpus } = init;
  const choices = start.kind === 'fresh' ? start.choices : [];
  ev.onStart?.({ dir, vocab: corpus.vocab, corpus, model: meta.model, training: meta.training, parameters: init.params.data.length, windowsPerEpoch: trainer.windowsPerEpoch, totalSteps: trainer.totalSteps, resumedAt: init.resumedAt, workers: pool?.workers ?? 1, choices, segmentation: meta.segmentation });
  trainer.useNGram(baseline(req, dir, init, start.kind === 'prior', ev));
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
