// The training loop: truncated BPTT over the corpus stream (state carried across windows,
// reset at <EOS>), summed cross-entropy, Adam with warm-up and plateau decay, clipping by
// global norm, evaluation of the whole validation split every `evalEvery` steps, best and
// latest checkpoints, early stopping, a time budget, and exact resume. Silent: it reports
// through callbacks and stops cleanly when `signal` aborts.

import { basename, extname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { totalmem } from 'node:os';
import {
  FILES,
  loadCheckpoint,
  loadResume,
  saveCheckpoint,
  saveResume,
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  type HistoryPoint,
  type Meta,
  type Progress,
  type ResumeState,
  type TrainConfig,
} from './checkpoint.js';
import { buildCorpus, isStdin, readText, rowBounds, windowAt, windowCount, type Corpus } from './corpus.js';
import { inputError, RnnlmError } from './errors.js';
import { streamLoss } from './evaluate.js';
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

/** Every default in one place: the model's shape … */
export const MODEL_DEFAULTS: Omit<ModelConfig, 'vocabSize'> = {
  cell: 'lstm', // lstm | gru | rnn
  layers: 1, // stacked recurrent layers (2–3 for corpora of a few MB)
  hidden: 256, // units per layer
  dropout: 0, // dropout on layer outputs (0 = off; try 0.2–0.5 on small corpora)
};

/** … and how it is trained. */
export const TRAINING_DEFAULTS: Readonly<TrainConfig> = {
  minCount: 1, // characters seen fewer times map to <UNK>
  valFraction: 0.1, // last fraction of sequences held out for validation
  seqLen: 64, // BPTT window (time steps)
  batchSize: 32, // rows per window
  lr: 3e-3, // Adam learning rate
  warmup: 20, // steps of linear learning-rate warm-up
  lrDecay: 0.5, // learning-rate factor after an evaluation without improvement
  clip: 5, // max global gradient norm (0 = off)
  epochs: 15, // passes over the training split
  time: null, // time budget in seconds (null = none)
  evalEvery: 0, // steps between evaluations (0 = once per epoch, at most every 200 steps)
  patience: 3, // stop after this many evaluations without improvement (0 = never)
  seed: 1,
};

export const DEFAULT_SEGMENTATION: Segmentation = 'line'; // line | paragraph | document

export interface TrainRequest {
  corpusPath: string;
  /** Checkpoint folder; default checkpoints/<corpus-name>. */
  out?: string;
  resume: boolean;
  model: Omit<ModelConfig, 'vocabSize'>;
  training: TrainConfig;
  segmentation: Segmentation;
  /**
   * On resume, everything comes from the checkpoint except these, when given: how long to
   * go on and how often to evaluate.
   */
  resumeOverrides?: Partial<Pick<TrainConfig, 'epochs' | 'time' | 'patience' | 'evalEvery'>>;
  /** Stop after this many steps in total (for tests and quick looks). */
  maxSteps?: number;
  /** Start a new run even if the folder holds a checkpoint (it is replaced). */
  force?: boolean;
  /** Data-parallel worker threads, the calling thread included (default 1). */
  workers?: number;
  backend: string;
  version: string;
  signal?: AbortSignal;
}

export interface StartInfo {
  dir: string;
  vocab: Vocab;
  corpus: Corpus;
  model: ModelConfig;
  training: TrainConfig;
  parameters: number;
  windowsPerEpoch: number;
  totalSteps: number;
  resumedAt: number | null;
  /** Threads training in parallel. */
  workers: number;
}

export interface StepInfo {
  step: number;
  totalSteps: number;
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
  improved: boolean;
}

export interface TrainEvents {
  onStart?(s: StartInfo): void;
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
  let prior: Prior | null = null;
  if (req.resume) {
    // Check every file before taking the lock or writing anything: a damaged checkpoint
    // is reported and left exactly as it is.
    const { meta, vocab } = loadCheckpoint(dir);
    prior = { meta, vocab, resume: loadResume(dir, meta.model) };
  } else {
    if (existsSync(join(dir, FILES.meta)) && !req.force) {
      throw inputError(`${dir} already holds a checkpoint: continue it with --resume, or start over with --force (replaces it)`);
    }
    checkFits(req);
  }
  const release = acquireLock(join(dir, FILES.lock), dir);
  removeStaleTemporaries(dir);
  try {
    return await run(req, dir, text, corpusInfo, prior, ev);
  } finally {
    release();
  }
}

/** Refuse, before allocating, a configuration that cannot fit in memory. */
function checkFits(req: TrainRequest): void {
  const { hidden: H, layers: L } = req.model;
  const { batchSize: B, seqLen: T } = req.training;
  const params = parameterCount({ ...req.model, vocabSize: 256 });
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
  meta: Meta;
  vocab: Vocab;
  resume: ResumeState;
}

async function run(req: TrainRequest, dir: string, text: string, corpusInfo: Meta['corpus'], prior: Prior | null, ev: TrainEvents): Promise<TrainResult> {
  let meta: Meta;
  let corpus: Corpus;
  let params: Params;
  let adam: AdamState;
  let state: State | null;
  let progress: Progress;
  let history: HistoryPoint[];
  let rng: Rng;
  let resumedAt: number | null = null;

  if (prior) {
    const prev = prior;
    meta = prev.meta;
    if (meta.corpus.sha256 !== corpusInfo.sha256) {
      throw inputError(`${req.corpusPath}: differs from the corpus this checkpoint was trained on (${meta.corpus.path}); resume needs the same text`);
    }
    const t = meta.training;
    corpus = buildCorpus(text, req.corpusPath, { segmentation: meta.segmentation, minCount: t.minCount, valFraction: t.valFraction });
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
    resumedAt = progress.step;
  } else {
    const t = req.training;
    corpus = buildCorpus(text, req.corpusPath, { segmentation: req.segmentation, minCount: t.minCount, valFraction: t.valFraction });
    const model: ModelConfig = { ...req.model, vocabSize: corpus.vocab.size };
    rng = new Rng(t.seed);
    params = Params.init(model, rng);
    adam = adamState(params.data.length);
    state = null;
    progress = { step: 0, epoch: 0, window: 0, charsSeen: 0, elapsedSeconds: 0, bestVal: null, bestStep: 0, evalsWithoutImprovement: 0, lrScale: 1, stopped: null, pending: { nats: 0, tokens: 0 } };
    history = [];
    meta = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      rnnlmVersion: req.version,
      savedAt: '',
      backend: req.backend,
      vocab: corpus.vocab.toJSON(),
      segmentation: req.segmentation,
      model,
      training: t,
      progress,
      history,
      corpus: corpusInfo,
      weights: { file: 'weights.bin', sha256: '', previous: null },
    };
  }
  const t = meta.training;
  const bounds = rowBounds(corpus.train, t.batchSize);
  const B = bounds.length;
  const W = windowCount(bounds, t.seqLen);
  const totalSteps = Math.min(t.epochs * W, req.maxSteps ?? Infinity);
  const evalEvery = t.evalEvery > 0 ? t.evalEvery : Math.min(W, 200);

  const pool = (req.workers ?? 1) > 1 && B > 1 ? await DataParallel.create(Math.min(req.workers!, B), tf.getBackend() as BackendName) : null;
  ev.onStart?.({ dir, vocab: corpus.vocab, corpus, model: meta.model, training: t, parameters: params.data.length, windowsPerEpoch: W, totalSteps, resumedAt, workers: pool?.workers ?? 1 });
  try {
    return await loop();
  } finally {
    await pool?.close();
  }

  async function loop(): Promise<TrainResult> {
    const started = Date.now();
    const elapsedBefore = progress.elapsedSeconds;
    let stopped: TrainResult['stopped'] | null = null;
    let lastSaved = -1;
    let charsThisRun = 0;
    const seconds = () => (Date.now() - started) / 1000;

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
      const val = corpus.val ? await streamLoss(params, corpus.val, { pool }) : null;
      const valLoss = val ? val.nats / val.tokens : null;
      const score = valLoss ?? trainLoss;
      const improved = progress.bestVal === null || score < progress.bestVal;
      if (improved) {
        progress.bestVal = score;
        progress.bestStep = progress.step;
        progress.evalsWithoutImprovement = 0;
      } else {
        progress.evalsWithoutImprovement++;
        progress.lrScale *= t.lrDecay;
      }
      history.push({ step: progress.step, epoch: progress.epoch, train: trainLoss, ...(valLoss !== null ? { val: valLoss } : {}) });
      progress.pending = { nats: 0, tokens: 0 };
      ev.onEval?.({ step: progress.step, train: trainLoss, val: valLoss, improved });
      await save('evaluation', improved);
      if (t.patience > 0 && progress.evalsWithoutImprovement >= t.patience) stopped = 'patience';
    };

    while (stopped === null) {
      await tick(); // let signals and the spinner run
      if (req.signal?.aborted) {
        stopped = 'interrupted';
        break;
      }
      if (progress.step >= totalSteps) {
        stopped = progress.step >= t.epochs * W ? 'epochs' : 'steps';
        break;
      }
      if (t.time !== null && seconds() >= t.time) {
        stopped = 'time';
        break;
      }
      const k = progress.step % W;
      if (k === 0 || !state) state = zeroState(meta.model, B);
      const win = windowAt(corpus.train, bounds, t.seqLen, k);
      const opts = { train: true, lossScale: 1 / B, dropoutSeed: Math.floor(rng.next() * 2 ** 32) };
      const r = pool ? await pool.run(params, win, state, opts) : runWindow(params, win, state, opts);
      if (!Number.isFinite(r.loss)) throw new RnnlmError(`training diverged at step ${progress.step + 1} (loss is not finite); try a lower --lr or --clip`);
      const norm = clipByGlobalNorm(r.grads!, t.clip);
      const lr = t.lr * Math.min(1, (progress.step + 1) / Math.max(1, t.warmup)) * progress.lrScale;
      adamStep(params.data, r.grads!, adam, lr);
      state = r.state;
      progress.step++;
      progress.window = progress.step % W;
      progress.epoch = progress.step / W;
      progress.charsSeen += r.count;
      charsThisRun += r.count;
      progress.pending.nats += r.loss;
      progress.pending.tokens += r.count;
      const cps = charsThisRun / Math.max(1e-9, seconds());
      ev.onStep?.({
        step: progress.step,
        totalSteps,
        epoch: progress.epoch,
        loss: r.loss / Math.max(1, r.count),
        lr,
        gradNorm: norm,
        charsPerSec: cps,
        etaSeconds: Math.min(((totalSteps - progress.step) * seconds()) / (progress.step - (resumedAt ?? 0)), t.time === null ? Infinity : t.time - seconds()),
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
