// rnnlm as a library in the browser (the package's `rnnlm/browser` entry, which bundlers
// resolve): open a checkpoint from its bytes, its files or the URL of its folder as a Model
// (score, eval, sample, inside, as the CLI), and train a model of a text in the page's thread
// with the CLI's trainer and defaults, the checkpoint kept as files in memory. No Node is
// reachable from here. The package entry: it re-exports the public names of the core.

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { unzipSync, zipSync } from 'fflate';
import type { Auto, ModelRequest } from './training/auto.js';
import { checkpointFiles, decodeCheckpoint, FILES, memorySource, type Hash } from './checkpoint/codec.js';
import { MODEL_DEFAULTS, TRAINING_DEFAULTS, type TrainSettings } from './training/defaults.js';
import { inputError, RnnlmError } from './common/errors.js';
import { MemoryStore, trainNew, trainOn, type StartMessage } from './training/memory-run.js';
import type { Segmentation } from './text/tokenizer.js';
import type { EvalInfo, StepInfo, StopReason } from './training/trainer.js';
import { parseDuration } from './display/units.js';
import { Channel } from './api/channel.js';
import { Model } from './api/model.js';

export { Model, RnnlmError };
export type { ErrorCode } from './common/errors.js';
export type { EvalOptions, InsideOptions, Sample, SampleOptions, ScoreOptions } from './api/model.js';
export type { SentenceScore, CharScore } from './inference/sentence.js';
export type { FileScore } from './inference/score.js';
export type { Inside } from './inference/inside.js';
export type { Meta } from './checkpoint/types.js';

declare const RNNLM_VERSION: string;
const VERSION = typeof RNNLM_VERSION === 'string' ? RNNLM_VERSION : 'unbundled';

/** The SHA-256 checkpoints record, in JavaScript (crypto.subtle is async and absent outside secure contexts). */
const hash: Hash = (b) => bytesToHex(sha256(b));

/**
 * Use a TF.js backend: one registered in this page (cpu always; import
 * '@tensorflow/tfjs-backend-wasm' or -webgl and name it); default: the one TF.js has.
 * Scoring and sampling run in plain JavaScript; eval's batches and training use the backend.
 */
export async function useBackend(name?: string): Promise<string> {
  if (name !== undefined && !(await tf.setBackend(name))) throw new RnnlmError(`the ${name} backend did not start here`, 2);
  await tf.ready();
  return tf.getBackend();
}

/** A checkpoint's files: a zip (the page's Download, `rnnlm`'s folders zipped), or the files by name. */
export type CheckpointSource = Uint8Array | ArrayBuffer | Iterable<[string, Uint8Array]> | Record<string, Uint8Array>;

function filesOf(source: CheckpointSource, where: string): Map<string, Uint8Array> {
  if (source instanceof ArrayBuffer || source instanceof Uint8Array) {
    try {
      return checkpointFiles(Object.entries(unzipSync(source instanceof Uint8Array ? source : new Uint8Array(source))), where);
    } catch (e) {
      if (e instanceof RnnlmError) throw e;
      throw inputError(`${where}: is not a readable zip (${(e as Error).message})`);
    }
  }
  const entries = Symbol.iterator in source ? [...(source as Iterable<[string, Uint8Array]>)] : Object.entries(source);
  return checkpointFiles(entries, where);
}

/**
 * A checkpoint as a Model: its zip's bytes, its files by name, or the URL of a folder that
 * serves them (rnnlm.json, model.json, weights.bin, ngram.bin), as `rnnlm export-web` writes it.
 */
export async function openModel(source: CheckpointSource | string | URL): Promise<Model> {
  await useBackend();
  if (typeof source === 'string' || source instanceof URL) {
    const base = new URL(String(source).replace(/\/?$/, '/'), (globalThis as { location?: { href: string } }).location?.href);
    const files = new Map<string, Uint8Array>();
    for (const name of [FILES.meta, FILES.model, FILES.weights, FILES.ngram]) {
      const r = await fetch(new URL(name, base));
      if (r.ok) files.set(name, new Uint8Array(await r.arrayBuffer()));
      else if (name !== FILES.ngram) throw inputError(`${new URL(name, base).href}: HTTP ${r.status}`);
    }
    return new Model(decodeCheckpoint(memorySource(base.href, files), hash));
  }
  return new Model(decodeCheckpoint(memorySource('checkpoint', filesOf(source, 'checkpoint')), hash));
}

export interface BrowserTrainOptions {
  /** The text to train on. */
  text: string;
  /** What the text is called (the checkpoint records it; default "text"). */
  name?: string;
  /** Time budget: seconds, or "90s", "10m". */
  time?: number | string;
  /** Stop after this many steps in all. */
  steps?: number;
  model?: Partial<ModelRequest>;
  training?: Partial<TrainSettings>;
  segmentation?: Auto<Segmentation>;
  /** Start from this model's weights (its tokens keep their ids; the text's new ones are added). */
  from?: Model;
  /** Go on with the run in these checkpoint files (a previous summary's `files`), on the same text. */
  resume?: CheckpointSource;
  /** Stops cleanly (saved; the summary says 'interrupted'). */
  signal?: AbortSignal;
}

export type BrowserTrainEvent =
  | ({ type: 'start' } & StartMessage)
  | { type: 'ngram'; order: number; val: number | null; seconds: number }
  | ({ type: 'step' } & StepInfo)
  | ({ type: 'eval' } & EvalInfo);

export interface BrowserTrainSummary {
  stopped: StopReason;
  steps: number;
  seconds: number;
  tokensPerSecond: number;
  validation: number | null;
  mixture: number | null;
  /** The checkpoint, file by file, as `rnnlm train` writes its folder. */
  files: Map<string, Uint8Array>;
  /** The checkpoint as a zip every rnnlm command reads (`rnnlm sample --model name.zip`). */
  zip(): Uint8Array;
  /** The best model, ready to use. */
  model: Model;
}

/** Train in this thread (run it in a Web Worker to keep a page responsive): iterate for events, await for the summary. */
export function train(o: BrowserTrainOptions): AsyncIterable<BrowserTrainEvent> & PromiseLike<BrowserTrainSummary> {
  return new Channel<BrowserTrainEvent, BrowserTrainSummary>(async (emit) => {
    const backend = await useBackend();
    const name = o.name ?? 'text';
    const time = o.time === undefined ? null : parseDuration('time', o.time);
    const store = new MemoryStore(name, hash, o.resume ? filesOf(o.resume, name) : []);
    const ctx = {
      store,
      events: {
        onStart: (s: StartMessage) => emit({ type: 'start', ...s }),
        onNGram: (n: { order: number; val: number | null; seconds: number }) => emit({ type: 'ngram', ...n }),
        onStep: (s: StepInfo) => emit({ type: 'step', ...s }),
        onEval: (e: EvalInfo) => emit({ type: 'eval', ...e }),
      },
      signal: o.signal ?? new AbortController().signal,
      backend,
      version: VERSION,
    };
    const r = o.resume
      ? await trainOn(name, o.text, { maxSteps: o.steps, ...(time !== null ? { time } : {}) }, ctx)
      : await trainNew(
          name,
          o.text,
          {
            segmentation: o.segmentation ?? 'auto',
            model: { ...MODEL_DEFAULTS, ...o.model },
            training: { ...TRAINING_DEFAULTS, ...o.training, ...(time !== null ? { time } : {}) },
            maxSteps: o.steps,
          },
          ctx,
          o.from ? { name: o.from.dir, meta: o.from.meta, vocab: o.from.vocab, params: o.from.params } : undefined,
        );
    const files = new Map(store.files);
    const m = r.meta;
    return {
      stopped: r.stopped,
      steps: m.progress.step,
      seconds: r.seconds,
      tokensPerSecond: r.charsPerSec,
      validation: m.progress.bestVal,
      mixture: m.mixture?.val ?? null,
      files,
      zip: () => zipSync(Object.fromEntries([...files].filter(([n]) => n !== FILES.lock).map(([n, b]) => [`${name}/${n}`, b]))),
      model: new Model(decodeCheckpoint(memorySource(name, files), hash)),
    };
  });
}
