// The training loop: truncated BPTT over the corpus stream (state carried across windows,
// reset at <EOS>), sequences reshuffled every epoch, summed cross-entropy, Adam with
// warm-up and a cosine schedule to the deadline (or plateau decay without one), clipping by
// global norm, evaluation of the whole validation split every `evalEvery` steps, best and
// latest checkpoints, early stopping, a time budget, and exact resume. Before the first step
// it counts a Kneser–Ney n-gram of the training split (the baseline the network has to beat)
// and at each evaluation fits the mixture of the two on validation. `auto` settings are
// resolved here from the corpus (auto.ts). Silent: it reports through callbacks and stops
// cleanly when `signal` aborts.

import { basename, extname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import {
  FILES,
  TRAIN_CONFIG_BEFORE,
  loadCheckpoint,
  loadResume,
  loadNGram,
  saveCheckpoint,
  saveNGram,
  saveResume,
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  type HistoryPoint,
  type Meta,
  type Progress,
  type ResumeState,
  type TrainConfig,
} from './checkpoint.js';
import { autoClip, autoDropout, autoWindow, chooseSize, autoWorkers, resolveText, type Auto, type Choice, type ModelRequest } from './auto.js';
import { buildCorpus, chunkOrder, chunkWindowAt, chunkWindowCount, eosPositions, isStdin, readText, rowBounds, shuffledStream, windowAt, windowCount, type Corpus } from './corpus.js';
import { budgetUsed, learningRate, type ScheduleKind } from './schedule.js';
import type { SplitMethod } from './split.js';
import { inputError, RnnlmError } from './errors.js';
import { streamLoss } from './evaluate.js';
import { fitMixture, mixtureNats } from './mixture.js';
import { buildNGram, type OrderResult } from './ngram/build.js';
import { encodeNGram } from './ngram/format.js';
import type { NGramModel, StreamScore } from './ngram/model.js';
import { acquireLock, removeStaleTemporaries, sha256 } from './files.js';
import { adamState, adamStep, clipByGlobalNorm, type AdamState } from './model/adam.js';
import { parameterCount, type ModelConfig } from './model/config.js';
import { runWindow, zeroState, type State } from './model/lm.js';
import { Params } from './model/params.js';
import { DataParallel } from './model/parallel.js';
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from './backend.js';
import { Rng } from './rng.js';
import type { Segmentation, Vocab } from './tokenizer.js';

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

/** Document mode with shuffling: windows per chunk read in a row before the order moves elsewhere (see corpus.chunkOrder). */
export const CHUNK_WINDOWS = 10;

/** Epoch cap without a time budget (patience usually stops first). */
export const EPOCH_CAP = 50;

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

export interface StartInfo {
  dir: string;
  vocab: Vocab;
  corpus: Corpus;
  model: ModelConfig;
  training: TrainConfig;
  parameters: number;
  windowsPerEpoch: number;
  /** Steps the run will take, when an epoch cap fixes it (null: until the time budget or patience). */
  totalSteps: number | null;
  resumedAt: number | null;
  /** What `auto` chose, and why (empty on resume). */
  choices: Choice[];
  segmentation: Segmentation;
  /** Threads training in parallel. */
  workers: number;
}

export interface StepInfo {
  step: number;
  totalSteps: number | null;
  epoch: number;
  /** This window's training loss, nats/char. */
  loss: number;
  lr: number;
  gradNorm: number;
  charsPerSec: number;
  etaSeconds: number;
}

export interface EvalInfo {
  step: number;
  train: number;
  val: number | null;
  /** Validation nats/char of the n-gram (fixed) and of the mixture fit now, with an n-gram. */
  ngram: number | null;
  mix: number | null;
  improved: boolean;
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

export interface TrainEvents {
  onStart?(s: StartInfo): void;
  onNGram?(n: NGramInfo): void;
  onStep?(s: StepInfo): void;
  onEval?(e: EvalInfo): void;
  onSave?(dir: string, reason: string): void;
}

export interface TrainResult {
  dir: string;
  meta: Meta;
  stopped: 'epochs' | 'steps' | 'time' | 'patience' | 'interrupted';
  seconds: number;
  charsPerSec: number;
  vocab: Vocab;
  params: Params;
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

/** A new run with every `auto` resolved: the corpus as split, the model and the training configuration. */
interface Fresh {
  kind: 'fresh';
  corpus: Corpus;
  segmentation: Segmentation;
  model: ModelConfig;
  training: TrainConfig;
  choices: Choice[];
}

/** Resolve the `auto` settings of a new run from its text (auto.ts); explicit values stay. */
export async function resolveRun(
  req: TrainRequest,
  text: string,
  meter: (corpus: Corpus, rows: number) => Promise<(model: ModelConfig, batch: number, seqLen: number) => Promise<number>>,
): Promise<Fresh> {
  const t = req.training;
  const r = resolveText(text, req.segmentation, t.split);
  const choices = [...r.choices];
  const corpus = buildCorpus(text, req.corpusPath, { segmentation: r.segmentation, minCount: t.minCount, valFraction: t.valFraction, split: r.split, seed: t.seed });
  const trainChars = corpus.train.length - corpus.sequences.train - 1;
  const m = req.model;
  let { layers, hidden, dropout } = m;
  const win = autoWindow(r.segmentation);
  const batchSize = t.batchSize === 'auto' ? win.batchSize : t.batchSize;
  const seqLen = t.seqLen === 'auto' ? win.seqLen : t.seqLen;
  let speed: number | null = null; // measured chars/s of the chosen size
  if (layers === 'auto' || hidden === 'auto') {
    const measure = await meter(corpus, batchSize);
    const size = await chooseSize(trainChars, t.time, (l, h) =>
      measure({ cell: m.cell, layers: layers === 'auto' ? l : layers, hidden: hidden === 'auto' ? h : hidden, dropout: 0, vocabSize: corpus.vocab.size }, batchSize, seqLen),
    );
    if (layers === 'auto') layers = size.layers;
    if (hidden === 'auto') hidden = size.hidden;
    speed = size.charsPerSec;
    choices.push({ what: 'model', value: `${layers} × ${hidden}`, reason: size.reason });
  }
  if (dropout === 'auto') {
    const d = autoDropout(trainChars, speed !== null && t.time !== null ? (speed * t.time) / Math.max(1, trainChars) : null);
    dropout = d.dropout;
    choices.push({ what: 'dropout', value: String(dropout), reason: d.reason });
  }
  const schedule: ScheduleKind = t.schedule !== 'auto' ? t.schedule : t.time !== null ? 'cosine' : 'plateau';
  const training: TrainConfig = {
    ...t,
    split: corpus.split,
    shuffle: t.shuffle === 'auto' ? true : t.shuffle,
    schedule,
    seqLen,
    batchSize,
    lr: t.lr === 'auto' ? win.lr : t.lr,
    clip: t.clip === 'auto' ? autoClip(r.segmentation, batchSize) : t.clip,
    epochs: t.epochs === 'auto' ? (t.time !== null ? null : EPOCH_CAP) : t.epochs,
    patience: t.patience === 'auto' ? (t.time !== null ? 0 : 3) : t.patience,
  };
  return { kind: 'fresh', corpus, segmentation: r.segmentation, model: { cell: m.cell, layers, hidden, dropout, vocabSize: corpus.vocab.size }, training, choices };
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

/** A checked checkpoint to resume: its metadata, vocabulary and resume state. */
interface Prior {
  kind: 'prior';
  meta: Meta;
  vocab: Vocab;
  resume: ResumeState;
}

/** The seed of epoch e's order of sequences: a function of the run's seed and e only, so resume needs no more. */
function epochSeed(seed: number, e: number): number {
  return (Math.imul(seed ^ 0x2545f491, 0x9e3779b1) + Math.imul(e + 1, 0x85ebca77)) >>> 0;
}

async function run(req: TrainRequest, dir: string, text: string, corpusInfo: Meta['corpus'], start: Prior | Fresh, ev: TrainEvents, pool: DataParallel | null): Promise<TrainResult> {
  let meta: Meta;
  let corpus: Corpus;
  let params: Params;
  let adam: AdamState;
  let state: State | null;
  let progress: Progress;
  let history: HistoryPoint[];
  let rng: Rng;
  let resumedAt: number | null = null;

  if (start.kind === 'prior') {
    const prev = start;
    meta = prev.meta;
    if (meta.corpus.sha256 !== corpusInfo.sha256) {
      throw inputError(`${req.corpusPath}: differs from the corpus this checkpoint was trained on (${meta.corpus.path}); resume needs the same text`);
    }
    const t = { ...TRAIN_CONFIG_BEFORE, ...meta.training };
    corpus = buildCorpus(text, req.corpusPath, { segmentation: meta.segmentation, minCount: t.minCount, valFraction: t.valFraction, split: t.split, seed: t.seed });
    if (JSON.stringify(corpus.vocab.tokens) !== JSON.stringify(prev.vocab.tokens)) {
      throw inputError(`${join(dir, FILES.meta)}: vocabulary does not match the corpus`);
    }
    // Flags that only say how long to go on may change on resume; the rest comes from the file.
    const over = Object.fromEntries(Object.entries(req.resumeOverrides ?? {}).filter(([, v]) => v !== undefined));
    meta.training = { ...t, ...over };
    const r = prev.resume;
    ({ params, adam, progress, history } = r);
    state = r.state.length ? r.state : null;
    rng = new Rng(r.rngState);
    progress.stopped = null;
    progress.epochIndex ??= Math.floor(progress.epoch);
    resumedAt = progress.step;
  } else {
    const t = start.training;
    corpus = start.corpus;
    const model = start.model;
    rng = new Rng(t.seed);
    params = Params.init(model, rng);
    adam = adamState(params.data.length);
    state = null;
    progress = { step: 0, epoch: 0, window: 0, epochIndex: 0, charsSeen: 0, elapsedSeconds: 0, bestVal: null, bestStep: 0, evalsWithoutImprovement: 0, lrScale: 1, stopped: null, pending: { nats: 0, tokens: 0 } };
    history = [];
    meta = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      rnnlmVersion: req.version,
      savedAt: '',
      backend: req.backend,
      vocab: corpus.vocab.toJSON(),
      segmentation: start.segmentation,
      model,
      training: t,
      progress,
      history,
      corpus: corpusInfo,
      weights: { file: 'weights.bin', sha256: '', previous: null },
    };
  }
  const t = meta.training;
  // This epoch's windows: line and paragraph mode read the sequences in the epoch's order,
  // cut into rows; document mode reads chunks of CHUNK_WINDOWS windows in the epoch's order.
  const chunked = t.shuffle && meta.segmentation === 'document';
  const eos = t.shuffle && !chunked ? eosPositions(corpus.train) : null;
  const epochData = (e: number) => {
    if (chunked) {
      const { windows: chunk, shifted } = req.chunking ?? { windows: CHUNK_WINDOWS, shifted: false };
      const order = chunkOrder(corpus.train, t.batchSize, t.seqLen, chunk, epochSeed(t.seed, e), shifted);
      return { rows: order.rows, windows: chunkWindowCount(order), resetEvery: chunk, at: (k: number) => chunkWindowAt(corpus.train, order, k) };
    }
    const stream = eos ? shuffledStream(corpus.train, eos, epochSeed(t.seed, e)) : corpus.train;
    const bounds = rowBounds(stream, t.batchSize);
    const windows = windowCount(bounds, t.seqLen);
    return { rows: bounds.length, windows, resetEvery: windows, at: (k: number) => windowAt(stream, bounds, t.seqLen, k) };
  };
  let data = epochData(progress.epochIndex!);
  const B = data.rows;
  const W = data.windows;
  const totalSteps = t.epochs === null && req.maxSteps === undefined ? null : Math.min(t.epochs === null ? Infinity : t.epochs * W, req.maxSteps ?? Infinity);
  const evalEvery = t.evalEvery > 0 ? t.evalEvery : Math.min(W, 200);

  const choices = start.kind === 'fresh' ? start.choices : [];
  ev.onStart?.({ dir, vocab: corpus.vocab, corpus, model: meta.model, training: t, parameters: params.data.length, windowsPerEpoch: W, totalSteps, resumedAt, workers: pool?.workers ?? 1, choices, segmentation: meta.segmentation });
  const ngram = baseline();
  const ngramVal: StreamScore | null = ngram && corpus.val ? ngram.scoreStream(corpus.val) : null;
  return await loop();

  /** The n-gram: counted on a new run (and written at once), read back on resume. */
  function baseline(): NGramModel | null {
    if (start.kind === 'prior') return loadNGram(dir, meta);
    if (req.ngram === false) return null;
    const b = buildNGram(corpus.train, corpus.val, corpus.vocab.size);
    const bytes = encodeNGram(b.model);
    const info = { order: b.model.order, entries: b.model.entryCount, val: b.val, orders: b.orders, buildSeconds: b.seconds };
    saveNGram(dir, meta, bytes, info);
    ev.onNGram?.({ order: info.order, entries: info.entries, bytes: bytes.length, seconds: b.seconds, val: b.val, orders: b.orders });
    return b.model;
  }

  async function loop(): Promise<TrainResult> {
    const now = req.clock ?? Date.now;
    const started = now();
    const elapsedBefore = progress.elapsedSeconds;
    let stopped: TrainResult['stopped'] | null = null;
    let lastSaved = -1;
    let charsThisRun = 0;
    const seconds = () => (now() - started) / 1000;

    const save = async (reason: string, best: boolean) => {
      progress.elapsedSeconds = elapsedBefore + seconds();
      meta.progress = progress;
      meta.history = history;
      meta.savedAt = new Date().toISOString();
      meta.backend = req.backend;
      await saveCheckpoint(dir, meta, best || !meta.weights.sha256 ? params : undefined);
      saveResume(dir, { params, adam, state: state ?? [], rngState: rng.state, progress, history });
      lastSaved = progress.step;
      ev.onSave?.(dir, reason);
    };

    const evaluate = async () => {
      const trainLoss = progress.pending.tokens > 0 ? progress.pending.nats / progress.pending.tokens : NaN;
      const perPosition = ngramVal ? new Float64Array(ngramVal.logProbs.length) : undefined;
      const val = corpus.val ? await streamLoss(params, corpus.val, { pool, perPosition }) : null;
      const valLoss = val ? val.nats / val.tokens : null;
      // The mixture with the n-gram, its weights fit on this validation run.
      const mixture = ngramVal && perPosition && val ? fitMixture(perPosition, ngramVal.logProbs, ngramVal.buckets) : null;
      const mixLoss = mixture && val ? mixtureNats(perPosition!, ngramVal!.logProbs, ngramVal!.buckets, mixture) / val.tokens : null;
      const score = valLoss ?? trainLoss;
      const improved = progress.bestVal === null || score < progress.bestVal;
      if (improved) {
        progress.bestVal = score;
        progress.bestStep = progress.step;
        progress.evalsWithoutImprovement = 0;
        if (mixture && mixLoss !== null) meta.mixture = { ...mixture, val: mixLoss, network: valLoss!, step: progress.step };
      } else {
        progress.evalsWithoutImprovement++;
        if (t.schedule === 'plateau') progress.lrScale *= t.lrDecay;
      }
      history.push({ step: progress.step, epoch: progress.epoch, train: trainLoss, ...(valLoss !== null ? { val: valLoss } : {}), ...(mixLoss !== null ? { mix: mixLoss } : {}) });
      progress.pending = { nats: 0, tokens: 0 };
      ev.onEval?.({ step: progress.step, train: trainLoss, val: valLoss, ngram: meta.ngram?.val ?? null, mix: mixLoss, improved });
      await save('evaluation', improved);
      if (t.patience > 0 && progress.evalsWithoutImprovement >= t.patience) stopped = 'patience';
    };

    const elapsed = () => elapsedBefore + seconds();
    while (stopped === null) {
      await tick(); // let signals and the spinner run
      if (req.signal?.aborted) {
        stopped = 'interrupted';
        break;
      }
      if (t.epochs !== null && progress.epochIndex! >= t.epochs) {
        stopped = 'epochs';
        break;
      }
      if (req.maxSteps !== undefined && progress.step >= req.maxSteps) {
        stopped = 'steps';
        break;
      }
      if (t.time !== null && elapsed() >= t.time) {
        stopped = 'time';
        break;
      }
      const k = progress.window;
      if (k % data.resetEvery === 0 || !state) state = zeroState(meta.model, B);
      const win = data.at(k);
      const opts = { train: true, lossScale: 1 / B, dropoutSeed: Math.floor(rng.next() * 2 ** 32) };
      const r = pool ? await pool.run(params, win, state, opts) : await runWindow(params, win, state, opts);
      if (!Number.isFinite(r.loss)) throw new RnnlmError(`training diverged at step ${progress.step + 1} (loss is not finite); try a lower --lr or --clip`);
      const norm = clipByGlobalNorm(r.grads!, t.clip);
      const lr = learningRate({
        kind: t.schedule,
        lr: t.lr,
        warmup: t.warmup,
        step: progress.step,
        done: budgetUsed(elapsed(), t.time, progress.epoch, t.epochs),
        lrScale: progress.lrScale,
      });
      adamStep(params.data, r.grads!, adam, lr);
      state = r.state;
      progress.step++;
      progress.window++;
      if (progress.window >= data.windows) {
        progress.epochIndex!++;
        progress.window = 0;
        data = epochData(progress.epochIndex!);
      }
      progress.epoch = progress.epochIndex! + progress.window / data.windows;
      progress.charsSeen += r.count;
      charsThisRun += r.count;
      progress.pending.nats += r.loss;
      progress.pending.tokens += r.count;
      const cps = charsThisRun / Math.max(1e-9, seconds());
      const stepsLeft = totalSteps === null ? Infinity : ((totalSteps - progress.step) * seconds()) / (progress.step - (resumedAt ?? 0));
      ev.onStep?.({
        step: progress.step,
        totalSteps,
        epoch: progress.epoch,
        loss: r.loss / Math.max(1, r.count),
        lr,
        gradNorm: norm,
        charsPerSec: cps,
        etaSeconds: Math.max(0, Math.min(stepsLeft, t.time === null ? Infinity : t.time - elapsed())), // past the budget: the step in flight finishes
      });
      if (progress.step % evalEvery === 0) await evaluate();
    }
    progress.stopped = stopped;
    if (stopped === 'interrupted' || stopped === 'steps') {
      // Save without evaluating, so a resumed run continues exactly as an uninterrupted one.
      await save(stopped, false);
    } else if (lastSaved !== progress.step) {
      await evaluate();
    } else {
      await save('end', false);
    }
    const s = seconds();
    return { dir, meta, stopped: stopped!, seconds: s, charsPerSec: charsThisRun / Math.max(1e-9, s), vocab: corpus.vocab, params };
  }
}
