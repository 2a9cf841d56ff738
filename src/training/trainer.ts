// The training loop as an object that needs no Node: truncated BPTT over the corpus stream
// (state carried across windows, reset at <EOS>), this epoch's order of sequences or chunks,
// summed cross-entropy, Adam with warm-up and a cosine schedule to the deadline (or plateau
// decay), clipping by global norm, evaluation of the validation split every `evalEvery` steps
// with the n-gram mixture fit there, early stopping, a time budget. It saves through a
// TrainerStore and runs windows through a WindowRunner, so the CLI (files, lock, worker
// threads: train.ts) and a web page can wrap the same steps. Silent: events and return values.

import type { Choice } from './auto.js';
import type { AdaptMeta, HistoryPoint, Meta, Origin, Progress, ResumeState, TrainConfig } from '../checkpoint/types.js';
import { ADAPT_RATES, ADAPT_TOKENS, chooseAdaptation } from '../inference/dynamic.js';
import {
  buildCorpus,
  chunkOrder,
  chunkWindowAt,
  chunkWindowCount,
  eosPositions,
  rowBounds,
  shuffledStream,
  windowAt,
  windowCount,
  type Corpus,
  type Window,
} from '../text/corpus.js';
import { inputError, RnnlmError } from '../common/errors.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, LEGACY_TRAINING } from '../checkpoint/types.js';
import { streamLoss, validationRows } from '../inference/evaluate.js';
import { fitMixture, mixtureNats } from '../ngram/mixture.js';
import type { NGramModel, StreamScore } from '../ngram/model.js';
import { adamState, adamStep, clipByGlobalNorm, type AdamState } from '../model/adam.js';
import type { ModelConfig } from '../model/config.js';
import { runWindow, zeroState, type RunOptions, type State, type WindowRunner } from '../model/lm.js';
import { sampleCandidates } from '../model/softmax.js';
import { Params } from '../model/params.js';
import { Rng } from '../common/rng.js';
import { budgetUsed, learningRate } from './schedule.js';
import type { Segmentation, Tokens, Vocab } from '../text/tokenizer.js';
import { windowPrior } from '../ngram/input.js';
import { ReadingNGram } from '../ngram/reading.js';
/** The end-of-training choice of the adapting rate may take this long at least (else a tenth of the run). */
const ADAPT_MIN_SECONDS = 20;

/** Document mode with shuffling: windows per chunk read in a row before the order moves elsewhere (see corpus.chunkOrder). */
export const CHUNK_WINDOWS = 10;

export interface StartInfo {
  dir: string;
  vocab: Vocab;
  corpus: Corpus;
  model: ModelConfig;
  training: Meta['training'];
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
  /** The n-gram counting what it reads (training.ngramAdapt) on validation, as mixed; else null. */
  ngramReading: number | null;
  mix: number | null;
  improved: boolean;
}

export interface TrainerEvents {
  onStep?(s: StepInfo): void;
  onEval?(e: EvalInfo): void;
  onSave?(dir: string, reason: string): void;
  /** The network's adaptation rate was chosen on validation (in `seconds`). */
  onAdapt?(a: AdaptMeta, seconds: number): void;
}

export type StopReason = 'epochs' | 'steps' | 'time' | 'patience' | 'interrupted';

export interface TrainResult {
  dir: string;
  meta: Meta;
  stopped: StopReason;
  seconds: number;
  charsPerSec: number;
  vocab: Vocab;
  params: Params;
}

/** Where a run is written: the checkpoint (metadata; weights when given) and the state for exact resume. */
export interface TrainerStore {
  saveCheckpoint(meta: Meta, params?: Params): Promise<void>;
  saveResume(r: ResumeState): void | Promise<void>;
}

/** A run's starting point: new (from the seed) or read from a checkpoint. */
export interface TrainerInit {
  /** Where the run is saved, as events name it. */
  dir: string;
  meta: Meta;
  corpus: Corpus;
  params: Params;
  adam: AdamState;
  state: State | null;
  progress: Progress;
  history: HistoryPoint[];
  rng: Rng;
  /** The step a resumed run starts from; null for a new run. */
  resumedAt: number | null;
}

export interface TrainerOptions {
  /** Runs each window (worker threads); default runWindow on this thread. */
  runner?: WindowRunner | null;
  signal?: AbortSignal;
  /** Stop after this many steps in total. */
  maxSteps?: number;
  /** Document-mode chunking (default CHUNK_WINDOWS windows, unshifted); see TrainRequest.chunking. */
  chunking?: { windows: number; shifted: boolean };
  /** Milliseconds since some origin (default Date.now). */
  clock?: () => number;
  /** Awaited before each step so that signals, spinners and pages get a turn (default: a zero timeout). */
  yieldNow?: () => Promise<void>;
  /** The backend recorded in the checkpoint. */
  backend: string;
  /** Choose dynamic evaluation's rate on validation at the end (default true). */
  adapt?: boolean;
}

/** A new run with every `auto` resolved: the corpus as split, the model and the training configuration. */
export interface Fresh {
  kind: 'fresh';
  corpus: Corpus;
  segmentation: Segmentation;
  model: ModelConfig;
  training: TrainConfig;
  choices: Choice[];
  /** The weights a run started from another model begins with (widened to the vocabulary), and that model. */
  start?: { params: Params; origin: Origin };
}

/** A checked checkpoint to resume: its metadata, vocabulary and resume state. */
export interface Resumed {
  kind: 'resumed';
  meta: Meta;
  vocab: Vocab;
  resume: ResumeState;
}

/** A new run from its seed, or the run saved in the checkpoint (checked against the corpus). */
export function startingPoint(
  req: {
    corpusPath: string;
    text: string;
    corpusInfo: Meta['corpus'];
    dir: string;
    version: string;
    backend: string;
    resumeOverrides?: Partial<Pick<TrainConfig, 'epochs' | 'time' | 'patience' | 'evalEvery'>>;
  },
  start: Resumed | Fresh,
): TrainerInit {
  const { dir, text, corpusInfo } = req;
  if (start.kind === 'resumed') {
    const meta = start.meta;
    if (meta.corpus.sha256 !== corpusInfo.sha256) {
      throw inputError(`${req.corpusPath}: differs from the corpus this checkpoint was trained on (${meta.corpus.path}); resume needs the same text`);
    }
    const t = { ...LEGACY_TRAINING, ...meta.training };
    // A run started from another model has that model's tokens first: its own vocabulary is the base.
    const base = meta.from ? start.vocab : undefined;
    const corpus = buildCorpus(text, req.corpusPath, {
      segmentation: meta.segmentation,
      minCount: t.minCount,
      valFraction: t.valFraction,
      split: t.split,
      seed: t.seed,
      unit: t.unit,
      vocabSize: t.vocabSize,
      lowercase: t.lowercase,
      charset: t.charset,
      base,
      normalize: start.vocab.normalize,
    });
    if (JSON.stringify(corpus.vocab.tokens) !== JSON.stringify(start.vocab.tokens)) {
      throw inputError(`${dir}/rnnlm.json: vocabulary does not match the corpus`);
    }
    // Flags that only say how long to go on may change on resume; the rest comes from the file.
    const over = Object.fromEntries(Object.entries(req.resumeOverrides ?? {}).filter(([, v]) => v !== undefined));
    meta.training = { ...t, ...over };
    const { params, adam, progress, history, state, rngState } = start.resume;
    progress.stopped = null;
    progress.epochIndex ??= Math.floor(progress.epoch);
    return { dir, meta, corpus, params, adam, progress, history, state: state.length ? state : null, rng: new Rng(rngState), resumedAt: progress.step };
  }
  const t = start.training;
  const rng = new Rng(t.seed);
  const params = start.start?.params ?? Params.init(start.model, rng);
  const progress: Progress = {
    step: 0,
    epoch: 0,
    window: 0,
    epochIndex: 0,
    charsSeen: 0,
    elapsedSeconds: 0,
    bestVal: null,
    bestStep: 0,
    evalsWithoutImprovement: 0,
    lrScale: 1,
    stopped: null,
    pending: { nats: 0, tokens: 0 },
  };
  const history: HistoryPoint[] = [];
  const meta: Meta = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    rnnlmVersion: req.version,
    savedAt: '',
    backend: req.backend,
    vocab: start.corpus.vocab.toJSON(),
    segmentation: start.segmentation,
    model: start.model,
    training: t,
    progress,
    history,
    corpus: corpusInfo,
    weights: { file: 'weights.bin', sha256: '', previous: null },
    ...(start.start ? { from: start.start.origin } : {}),
  };
  return { dir, meta, corpus: start.corpus, params, adam: adamState(params.data.length), state: null, progress, history, rng, resumedAt: null };
}

/** The seed of epoch e's order of sequences: a function of the run's seed and e only, so resume needs no more. */
function epochSeed(seed: number, e: number): number {
  return (Math.imul(seed ^ 0x2545f491, 0x9e3779b1) + Math.imul(e + 1, 0x85ebca77)) >>> 0;
}

interface EpochData {
  /** The token stream the windows are cut from (the training split, or this epoch's order of its sequences). */
  stream: Tokens;
  rows: number;
  windows: number;
  /** The state starts from zero every this many windows (a chunk, or the whole epoch). */
  resetEvery: number;
  at(k: number): Window;
}

export class Trainer {
  readonly meta: Meta;
  readonly corpus: Corpus;
  readonly params: Params;
  readonly dir: string;
  readonly resumedAt: number | null;
  /** Steps the run will take when an epoch cap or maxSteps fixes it. */
  readonly totalSteps: number | null;
  readonly windowsPerEpoch: number;
  private readonly adam: AdamState;
  private state: State | null;
  private readonly progress: Progress;
  private readonly history: HistoryPoint[];
  private readonly rng: Rng;
  private readonly rows: number;
  private readonly evalEvery: number;
  private readonly eos: Uint32Array | null;
  private data: EpochData;
  private ngramVal: StreamScore | null = null;
  private ngramReading: number | null = null;
  /** The n-gram the network takes as input (training.ngramInput), else null. */
  private ngramIn: NGramModel | null = null;
  private readonly now: () => number;
  /** When this run (not the whole training) took its first step, and the elapsed seconds saved before it. */
  private started: number | null = null;
  private readonly elapsedBefore: number;
  private charsThisRun = 0;
  private lastSaved = -1;
  private stopped: StopReason | null = null;
  /** The weights of the best evaluation so far (this run). */
  private best: Float32Array | null = null;

  constructor(
    init: TrainerInit,
    private readonly store: TrainerStore,
    private readonly events: TrainerEvents = {},
    private readonly opts: TrainerOptions,
  ) {
    ({
      meta: this.meta,
      corpus: this.corpus,
      params: this.params,
      adam: this.adam,
      state: this.state,
      progress: this.progress,
      history: this.history,
      rng: this.rng,
      dir: this.dir,
      resumedAt: this.resumedAt,
    } = init);
    const t = this.meta.training;
    const chunked = t.shuffle && this.meta.segmentation === 'document';
    this.eos = t.shuffle && !chunked ? eosPositions(this.corpus.train) : null;
    this.data = this.epochData(this.progress.epochIndex!);
    this.rows = this.data.rows;
    this.windowsPerEpoch = this.data.windows;
    const W = this.data.windows;
    this.totalSteps =
      t.epochs === null && opts.maxSteps === undefined ? null : Math.min(t.epochs === null ? Infinity : t.epochs * W, opts.maxSteps ?? Infinity);
    this.evalEvery = t.evalEvery > 0 ? t.evalEvery : Math.min(W, 200);
    this.now = opts.clock ?? Date.now;
    this.elapsedBefore = this.progress.elapsedSeconds;
  }

  /** The n-gram whose mixture with the network is fit at each evaluation (none: the network alone). */
  useNGram(model: NGramModel | null): void {
    const val = this.corpus.val;
    this.ngramVal = model && val ? (this.meta.training.ngramAdapt ? new ReadingNGram(model).scoreStream(val) : model.scoreStream(val)) : null;
    const lp = this.ngramVal?.logProbs;
    this.ngramReading = lp && lp.length > 0 && this.meta.training.ngramAdapt ? -lp.reduce((a, b) => a + b, 0) / lp.length : null;
    if (this.meta.training.ngramInput && !model) throw new RnnlmError('this model takes the n-gram as input, and there is none');
    this.ngramIn = this.meta.training.ngramInput ? model : null;
  }

  /** Seconds of training, this run and the runs it resumes. */
  elapsed(): number {
    return this.elapsedBefore + this.seconds();
  }

  /** Why the run should stop before the next step, or null to go on. */
  stopReason(): StopReason | null {
    const t = this.meta.training;
    const p = this.progress;
    if (this.stopped) return this.stopped;
    if (this.opts.signal?.aborted) return 'interrupted';
    if (t.epochs !== null && p.epochIndex! >= t.epochs) return 'epochs';
    if (this.opts.maxSteps !== undefined && p.step >= this.opts.maxSteps) return 'steps';
    if (t.time !== null && this.elapsed() >= t.time) return 'time';
    return null;
  }

  /** One window forward and back and one Adam step; evaluates (and saves) when one is due. */
  async step(): Promise<StepInfo> {
    this.started ??= this.now();
    const t = this.meta.training;
    const p = this.progress;
    const k = p.window;
    if (k % this.data.resetEvery === 0 || !this.state) this.state = zeroState(this.meta.model, this.rows);
    const win = this.data.at(k);
    if (this.ngramIn) win.prior = windowPrior(this.ngramIn, win, this.data.stream, true);
    const opts: RunOptions = { train: true, lossScale: 1 / this.rows, dropoutSeed: Math.floor(this.rng.next() * 2 ** 32) };
    if (t.samples > 0) {
      // A sampled softmax: the candidates for the whole batch, drawn here so that worker threads share them.
      const c = sampleCandidates(win, this.meta.model.vocabSize, t.samples, new Rng(Math.floor(this.rng.next() * 2 ** 32)));
      opts.candidates = c.ids;
      opts.candidateLogWeights = c.logWeights;
    }
    const runner = this.opts.runner;
    const r = runner ? await runner.run(this.params, win, this.state, opts) : await runWindow(this.params, win, this.state, opts);
    if (!Number.isFinite(r.loss)) throw new RnnlmError(`training diverged at step ${p.step + 1} (loss is not finite); try a lower --lr or --clip`);
    const norm = clipByGlobalNorm(r.grads!, t.clip);
    const lr = learningRate({
      kind: t.schedule,
      lr: t.lr,
      warmup: t.warmup,
      step: p.step,
      done: budgetUsed(this.elapsed(), t.time, p.epoch, t.epochs),
      lrScale: p.lrScale,
    });
    adamStep(this.params.data, r.grads!, this.adam, lr);
    this.state = r.state;
    p.step++;
    p.window++;
    if (p.window >= this.data.windows) {
      p.epochIndex!++;
      p.window = 0;
      this.data = this.epochData(p.epochIndex!);
    }
    p.epoch = p.epochIndex! + p.window / this.data.windows;
    p.charsSeen += r.count;
    this.charsThisRun += r.count;
    p.pending.nats += r.loss;
    p.pending.tokens += r.count;
    const seconds = this.seconds();
    const stepsLeft = this.totalSteps === null ? Infinity : ((this.totalSteps - p.step) * seconds) / (p.step - (this.resumedAt ?? 0));
    const info: StepInfo = {
      step: p.step,
      totalSteps: this.totalSteps,
      epoch: p.epoch,
      loss: r.loss / Math.max(1, r.count),
      lr,
      gradNorm: norm,
      charsPerSec: this.charsThisRun / Math.max(1e-9, seconds),
      etaSeconds: Math.max(0, Math.min(stepsLeft, t.time === null ? Infinity : t.time - this.elapsed())), // past the budget: the step in flight finishes
    };
    this.events.onStep?.(info);
    if (p.step % this.evalEvery === 0) await this.evaluate();
    return info;
  }

  /** Validation loss (and the mixture fit on it), history, best model, save; may decide to stop (patience). */
  async evaluate(): Promise<EvalInfo> {
    const { meta, progress: p, corpus } = this;
    const t = meta.training;
    const trainLoss = p.pending.tokens > 0 ? p.pending.nats / p.pending.tokens : NaN;
    const nv = this.ngramVal;
    const perPosition = nv ? new Float64Array(nv.logProbs.length) : undefined;
    const val = corpus.val
      ? await streamLoss(this.params, corpus.val, {
          batch: validationRows(corpus.val.length),
          pool: this.opts.runner ?? null,
          perPosition,
          ngramInput: this.ngramIn,
        })
      : null;
    const valLoss = val ? val.nats / val.tokens : null;
    // The mixture with the n-gram, its weights fit on this validation run.
    const mixture = nv && perPosition && val ? fitMixture(perPosition, nv.logProbs, nv.buckets) : null;
    const mixLoss = mixture && val ? mixtureNats(perPosition!, nv!.logProbs, nv!.buckets, mixture) / val.tokens : null;
    const score = valLoss ?? trainLoss;
    const improved = p.bestVal === null || score < p.bestVal;
    if (improved) {
      this.best = this.params.data.slice();
      p.bestVal = score;
      p.bestStep = p.step;
      p.evalsWithoutImprovement = 0;
      if (mixture && mixLoss !== null)
        meta.mixture = {
          ...mixture,
          val: mixLoss,
          network: valLoss!,
          step: p.step,
          ...(this.ngramReading !== null ? { ngramReading: this.ngramReading } : {}),
        };
    } else {
      p.evalsWithoutImprovement++;
      if (t.schedule === 'plateau') p.lrScale *= t.lrDecay;
    }
    this.history.push({
      step: p.step,
      epoch: p.epoch,
      train: trainLoss,
      ...(valLoss !== null ? { val: valLoss } : {}),
      ...(mixLoss !== null ? { mix: mixLoss } : {}),
    });
    p.pending = { nats: 0, tokens: 0 };
    const info: EvalInfo = {
      step: p.step,
      train: trainLoss,
      val: valLoss,
      ngram: meta.ngram?.val ?? null,
      ngramReading: this.ngramReading,
      mix: mixLoss,
      improved,
    };
    this.events.onEval?.(info);
    await this.save('evaluation', improved);
    if (t.patience > 0 && p.evalsWithoutImprovement >= t.patience) this.stopped = 'patience';
    return info;
  }

  /** Write the checkpoint (the weights when `best`, or when none were written yet) and the resume state. */
  async save(reason: string, best: boolean): Promise<void> {
    const { meta, progress } = this;
    progress.elapsedSeconds = this.elapsed();
    meta.progress = progress;
    meta.history = this.history;
    meta.savedAt = new Date().toISOString();
    meta.backend = this.opts.backend;
    await this.store.saveCheckpoint(meta, best || !meta.weights.sha256 ? this.params : undefined);
    await this.store.saveResume({ params: this.params, adam: this.adam, state: this.state ?? [], rngState: this.rng.state, progress, history: this.history });
    this.lastSaved = progress.step;
    this.events.onSave?.(this.dir, reason);
  }

  /** Steps until a stop reason, then the last evaluation or save. */
  async run(): Promise<TrainResult> {
    const pause = this.opts.yieldNow ?? (() => new Promise<void>((ok) => setTimeout(ok, 0)));
    this.started ??= this.now(); // the clock starts here, after the n-gram was counted
    let stopped: StopReason | null = null;
    for (;;) {
      await pause(); // let signals, spinners and pages run
      stopped = this.stopReason();
      if (stopped) break;
      await this.step();
    }
    this.progress.stopped = stopped;
    if (stopped === 'interrupted' || stopped === 'steps') {
      // Save without evaluating, so a resumed run continues exactly as an uninterrupted one.
      await this.save(stopped, false);
    } else if (this.lastSaved !== this.progress.step) {
      await this.evaluate();
    } else {
      await this.save('end', false);
    }
    if (stopped !== 'interrupted' && stopped !== 'steps' && this.opts.adapt !== false) await this.chooseAdaptation();
    const s = this.seconds();
    return {
      dir: this.dir,
      meta: this.meta,
      stopped,
      seconds: s,
      charsPerSec: this.charsThisRun / Math.max(1e-9, s),
      vocab: this.corpus.vocab,
      params: this.params,
    };
  }

  /**
   * Dynamic evaluation's rate for the best network, chosen on the start of validation (with the
   * mixture when there is an n-gram) and saved in rnnlm.json; nothing without validation.
   */
  private async chooseAdaptation(): Promise<void> {
    const val = this.corpus.val;
    if (!val || val.length < 2 || this.meta.training.ngramInput) return;
    const best = this.best ? new Params(this.params.config, this.best) : this.params;
    const t0 = this.now();
    // Its cost stays a small part of the run: a tenth of this run's time, at least ADAPT_MIN_SECONDS.
    this.meta.adapt = await chooseAdaptation(best, val, this.ngramVal, this.now, ADAPT_RATES, ADAPT_TOKENS, Math.max(ADAPT_MIN_SECONDS, 0.1 * this.seconds()));
    this.events.onAdapt?.(this.meta.adapt, (this.now() - t0) / 1000);
    await this.store.saveCheckpoint(this.meta);
  }

  private seconds(): number {
    return this.started === null ? 0 : (this.now() - this.started) / 1000;
  }

  // This epoch's windows: line and paragraph mode read the sequences in the epoch's order,
  // cut into rows; document mode reads chunks of CHUNK_WINDOWS windows in the epoch's order.
  private epochData(e: number): EpochData {
    const t = this.meta.training;
    const train = this.corpus.train;
    if (t.shuffle && this.meta.segmentation === 'document') {
      const { windows: chunk, shifted } = this.opts.chunking ?? { windows: CHUNK_WINDOWS, shifted: false };
      const order = chunkOrder(train, t.batchSize, t.seqLen, chunk, epochSeed(t.seed, e), shifted);
      return { stream: train, rows: order.rows, windows: chunkWindowCount(order), resetEvery: chunk, at: (k) => chunkWindowAt(train, order, k) };
    }
    const stream = this.eos ? shuffledStream(train, this.eos, epochSeed(t.seed, e)) : train;
    const bounds = rowBounds(stream, t.batchSize);
    const windows = windowCount(bounds, t.seqLen);
    return { stream, rows: bounds.length, windows, resetEvery: windows, at: (k) => windowAt(stream, bounds, t.seqLen, k) };
  }
}
