// rnnlm as a library in Node (the package's main entry, `import { openModel, train } from
// 'rnnlm'`): open a checkpoint (a folder, a zip, its bytes, or a shipped model's name) as a
// Model that scores, evaluates, samples and looks inside as the CLI does, and train a model
// of a text with the CLI's defaults, its events as an async iterator, cancellable with an
// AbortSignal, resumable. The package entry: it re-exports the public names of the core.

import { unzipSync } from 'fflate';
import { initBackend, type BackendName } from './node/backend.js';
import { loadCheckpoint } from './node/checkpoint-files.js';
import { checkpointFiles, decodeCheckpoint, memorySource } from './checkpoint/codec.js';
import type { ModelRequest } from './training/auto.js';
import { MODEL_DEFAULTS, TRAINING_DEFAULTS, type TrainSettings } from './training/defaults.js';
import { inputError, RnnlmError } from './common/errors.js';
import { sha256 } from './node/files.js';
import type { Segmentation } from './text/tokenizer.js';
import { train as trainRun, type NGramInfo } from './node/training-run.js';
import { modelPath } from './node/models.js';
import type { EvalInfo, StartInfo, StepInfo, StopReason } from './training/trainer.js';
import type { Auto } from './training/auto.js';
import { parseDuration } from './display/units.js';
import { VERSION } from './node/version.js';
import { Channel } from './api/channel.js';
import { Model } from './api/model.js';

export { Model, RnnlmError };
export type { ErrorCode } from './common/errors.js';
export type { EvalOptions, InsideOptions, Sample, SampleOptions, ScoreOptions } from './api/model.js';
export type { SentenceScore, CharScore } from './inference/sentence.js';
export type { FileScore } from './inference/score.js';
export type { Inside } from './inference/inside.js';
export type { Meta } from './checkpoint/types.js';
export type { BackendName };

let started: Promise<BackendName> | null = null;

/** Start a TF.js backend (default: the fastest that starts, as the CLI's); the API does this itself on first use. */
export function useBackend(name?: BackendName): Promise<BackendName> {
  if (name !== undefined || started === null) started = initBackend(name);
  return started;
}

/**
 * A checkpoint as a Model: a folder `rnnlm train` wrote, a zip of one (the page's Download),
 * the zip's bytes, or the name of a model shipped with rnnlm ('en').
 */
export async function openModel(source: string | Uint8Array): Promise<Model> {
  await useBackend();
  if (typeof source !== 'string') {
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(source);
    } catch (e) {
      throw inputError(`the bytes given are not a readable zip (${(e as Error).message})`);
    }
    return new Model(decodeCheckpoint(memorySource('checkpoint.zip', checkpointFiles(Object.entries(entries), 'checkpoint.zip')), sha256));
  }
  return new Model(loadCheckpoint(modelPath(source)));
}

export interface TrainOptions {
  /** A text file to train on; or, with `text`, the name the text goes by (the default folder is checkpoints/<name>). */
  corpus: string;
  /** The text itself, instead of reading `corpus`. */
  text?: string;
  /** Checkpoint folder (default checkpoints/<corpus name>). */
  out?: string;
  /** Time budget: seconds, or "90s", "10m", "1h30m" (the schedule ends there). */
  time?: number | string;
  /** Stop after this many steps in all. */
  steps?: number;
  /** Continue the run saved in `out` exactly where it stopped. */
  resume?: boolean;
  /** Replace a checkpoint already in `out`. */
  force?: boolean;
  /** Start from another model: a checkpoint folder or zip, a shipped model's name, 'none' or 'auto' (default). */
  from?: string;
  /** The model's shape: cell, layers, hidden, dropout, output ('auto' where the CLI says auto). */
  model?: Partial<ModelRequest>;
  /** How it is trained: every `rnnlm train` setting (TRAINING_DEFAULTS). */
  training?: Partial<TrainSettings>;
  segmentation?: Auto<Segmentation>;
  /** Data-parallel threads (default 'auto', as the CLI). */
  workers?: number | 'auto';
  /** Choose the rate for learning as it reads at the end (default true). */
  adapt?: boolean;
  /** Stops cleanly (saved; the result says 'interrupted'), as Ctrl-C does. */
  signal?: AbortSignal;
  backend?: BackendName;
}

/** What a run reports as it goes: the CLI's first screen, each step, each evaluation. */
export type TrainEvent = ({ type: 'start' } & StartInfo) | ({ type: 'ngram' } & NGramInfo) | ({ type: 'step' } & StepInfo) | ({ type: 'eval' } & EvalInfo);

export interface TrainSummary {
  /** The checkpoint folder: openModel(dir) uses it, train({ resume: true, out: dir }) goes on. */
  dir: string;
  stopped: StopReason;
  steps: number;
  seconds: number;
  tokensPerSecond: number;
  /** Best validation nats/token of the network, and of the mixture with the n-gram (null without validation). */
  validation: number | null;
  mixture: number | null;
  meta: Model['meta'];
}

/** A training run: iterate it for its events, await it for its summary. */
export type Training = AsyncIterable<TrainEvent> & PromiseLike<TrainSummary>;

/**
 * Train a model as `rnnlm train` does, with its defaults. Example:
 *   const run = train({ corpus: 'names.txt', time: '1m' });
 *   for await (const e of run) if (e.type === 'eval') console.log(e.step, e.val);
 *   const { dir } = await run;
 */
export function train(o: TrainOptions): Training {
  return new Channel<TrainEvent, TrainSummary>(async (emit) => {
    const backend = await useBackend(o.backend);
    const time = o.time === undefined ? null : parseDuration('time', o.time);
    const training: TrainSettings = { ...TRAINING_DEFAULTS, ...o.training, ...(time !== null ? { time } : {}) };
    const r = await trainRun(
      {
        corpusPath: o.corpus,
        text: o.text,
        out: o.out,
        resume: o.resume ?? false,
        force: o.force ?? false,
        from: o.from ?? 'auto',
        adapt: o.adapt ?? true,
        model: { ...MODEL_DEFAULTS, ...o.model },
        training,
        segmentation: o.segmentation ?? 'auto',
        resumeOverrides: o.resume
          ? { ...(time !== null ? { time } : {}), ...(o.training?.epochs != null ? { epochs: o.training.epochs as number } : {}) }
          : undefined,
        maxSteps: o.steps,
        workers: o.workers ?? 'auto',
        backend,
        version: VERSION,
        signal: o.signal,
      },
      {
        onStart: (s) => emit({ type: 'start', ...s }),
        onNGram: (n) => emit({ type: 'ngram', ...n }),
        onStep: (s) => emit({ type: 'step', ...s }),
        onEval: (e) => emit({ type: 'eval', ...e }),
      },
    );
    const m = r.meta;
    return {
      dir: r.dir,
      stopped: r.stopped,
      steps: m.progress.step,
      seconds: r.seconds,
      tokensPerSecond: r.charsPerSec,
      validation: m.progress.bestVal,
      mixture: m.mixture?.val ?? null,
      meta: m,
    };
  });
}
