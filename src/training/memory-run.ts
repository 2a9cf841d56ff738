// A training run with no files and no Node — the page's trainer thread (web/worker.ts) and
// the browser API (browser.ts) — around the CLI's own core Trainer (training/trainer.ts) as
// train.ts is for the CLI: the text and its hash, `auto` resolved by timing candidate sizes
// here, the n-gram counted, and the checkpoint kept as its files in memory (MemoryStore), the
// same bytes `rnnlm train` writes, so that they download as a checkpoint the CLI reads and resumes.

import type { Choice, ModelRequest } from './auto.js';
import type { Meta, TrainConfig } from '../checkpoint/types.js';
import {
  decodeMeta,
  decodeNGramFile,
  decodeResume,
  encodeMeta,
  encodeModel,
  encodeResume,
  FILES,
  memorySource,
  ngramMeta,
  type FileSource,
  type Hash,
} from '../checkpoint/codec.js';
import type { TrainSettings } from './defaults.js';
import type { Auto } from './auto.js';
import { buildNGram } from '../ngram/build.js';
import { encodeNGram } from '../ngram/format.js';
import type { Params } from '../model/params.js';
import { resolveRun, speedMeter, type StartFrom } from './resolve.js';
import type { Segmentation } from '../text/tokenizer.js';
import { startingPoint, Trainer, type EvalInfo, type Fresh, type Resumed, type StepInfo, type TrainerStore, type TrainResult } from './trainer.js';

/** What the Train part asks for: the CLI's flags, `auto` where the CLI says auto. */
export interface RunSettings {
  segmentation: Auto<Segmentation>;
  model: ModelRequest;
  training: TrainSettings;
  /** Stop after this many steps in total (the CLI's --steps). */
  maxSteps?: number;
}

/** A run as it starts, in plain values (it crosses to the page from the trainer thread). */
export interface StartMessage {
  model: Meta['model'];
  training: TrainConfig;
  choices: Choice[];
  trainTokens: number;
  valTokens: number;
  parameters: number;
  resumedAt: number | null;
  segmentation: Segmentation;
}

export interface RunEvents {
  onStart?(s: StartMessage): void;
  onNGram?(n: { order: number; val: number | null; seconds: number }): void;
  onStep?(s: StepInfo): void;
  onEval?(e: EvalInfo): void;
}

/** The checkpoint's files in memory, written as `rnnlm train` writes them; `persist` keeps them (IndexedDB) after each save. */
export class MemoryStore implements TrainerStore {
  readonly files: Map<string, Uint8Array>;
  private lastWeights = false;

  constructor(
    readonly name: string,
    /** The SHA-256 the files record (a JS one: crypto.subtle is async and absent outside secure contexts). */
    readonly hash: Hash,
    files: Iterable<[string, Uint8Array]> = [],
    private readonly persist: (s: MemoryStore) => Promise<void> = async () => {},
    private readonly saved: (s: MemoryStore, weights: boolean) => void = () => {},
  ) {
    this.files = new Map(files);
  }

  source(): FileSource {
    return memorySource(this.name, this.files);
  }

  async saveCheckpoint(meta: Meta, params?: Params): Promise<void> {
    if (params) {
      const { weights, model } = await encodeModel(meta, params, this.hash);
      this.files.set(FILES.weights, weights);
      this.files.set(FILES.model, model);
    }
    this.files.set(FILES.meta, encodeMeta(meta));
    this.lastWeights = params !== undefined;
  }

  async saveResume(r: Parameters<TrainerStore['saveResume']>[0]): Promise<void> {
    this.files.set(FILES.resume, encodeResume(r, this.hash));
    await this.persist(this);
    this.saved(this, this.lastWeights);
  }
}

/** The corpus identity recorded in rnnlm.json: the file's name (never a path), size and hash, as the CLI computes them. */
export function corpusInfo(name: string, text: string, hash: Hash): Meta['corpus'] {
  const bytes = new TextEncoder().encode(text);
  return { path: name, bytes: bytes.length, sha256: hash(bytes) };
}

/** Let the page paint and take clicks between steps (a message, not setTimeout: no 4 ms clamp). */
function yieldNow(): Promise<void> {
  return new Promise((ok) => {
    const ch = new MessageChannel();
    const port = ch.port1 as unknown as { onmessage: (() => void) | null; close(): void };
    port.onmessage = () => {
      port.close(); // (in Node an open port would keep the process alive)
      ok();
    };
    ch.port2.postMessage(null);
  });
}

/** Where a run writes and whom it tells: its store, its events, what stops it, the backend it runs on and the rnnlm version it records. */
export interface RunContext {
  store: MemoryStore;
  events: RunEvents;
  signal: AbortSignal;
  backend: string;
  version: string;
}

/** Train from the start on `text`; resolves when a stop reason (Stop, the budget, the steps) ends it. */
export async function trainNew(name: string, text: string, s: RunSettings, ctx: RunContext, from?: StartFrom): Promise<TrainResult> {
  const fresh = await resolveRun(
    { corpusPath: name, segmentation: s.segmentation, model: s.model, training: s.training },
    text,
    async (corpus) => speedMeter(corpus, null, s.training.samples),
    from,
  );
  return run(name, text, fresh, s, ctx);
}

/** Go on with the run whose files are in the store (saved here, or opened from disk), on the same text. */
export async function trainOn(name: string, text: string, s: Pick<RunSettings, 'maxSteps'> & { time?: number | null }, ctx: RunContext): Promise<TrainResult> {
  const { store } = ctx;
  const { meta, vocab } = decodeMeta(store.source());
  if (!store.files.has(FILES.resume)) throw new Error(`${store.name} has no ${FILES.resume}: it can be used, but not trained on`);
  const resumed: Resumed = { kind: 'resumed', meta, vocab, resume: decodeResume(store.source(), meta.model, store.hash) };
  return run(name, text, resumed, { maxSteps: s.maxSteps, time: s.time }, ctx);
}

async function run(name: string, text: string, start: Fresh | Resumed, s: { maxSteps?: number; time?: number | null }, ctx: RunContext): Promise<TrainResult> {
  const { store, events: ev, signal, backend } = ctx;
  const hash = store.hash;
  const over = start.kind === 'resumed' && s.time !== undefined ? { time: s.time } : undefined;
  const init = startingPoint(
    { corpusPath: name, text, corpusInfo: corpusInfo(name, text, hash), dir: name, version: ctx.version, backend, resumeOverrides: over },
    start,
  );
  const trainer = new Trainer(init, store, { onStep: ev.onStep, onEval: ev.onEval }, { signal, maxSteps: s.maxSteps, yieldNow, backend });
  const { meta, corpus } = init;
  ev.onStart?.({
    model: meta.model,
    training: meta.training,
    choices: start.kind === 'fresh' ? start.choices : [],
    trainTokens: corpus.train.length - 1,
    valTokens: corpus.val ? corpus.val.length - 1 : 0,
    parameters: init.params.data.length,
    resumedAt: init.resumedAt,
    segmentation: meta.segmentation,
  });
  if (start.kind === 'resumed') {
    trainer.useNGram(decodeNGramFile(store.source(), meta, hash));
  } else {
    const b = buildNGram(corpus.train, corpus.val, corpus.vocab.size);
    const bytes = encodeNGram(b.model);
    store.files.set(FILES.ngram, bytes);
    meta.ngram = ngramMeta(bytes, { order: b.model.order, entries: b.model.entryCount, val: b.val, orders: b.orders, buildSeconds: b.seconds }, hash);
    ev.onNGram?.({ order: b.model.order, val: b.val, seconds: b.seconds });
    trainer.useNGram(b.model);
  }
  return trainer.run();
}
