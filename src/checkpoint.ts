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
// naming the file and the problem; a zip of the folder (as the page downloads it) loads
// too. The bytes of each file: checkpoint-codec.ts (no Node, shared with the page).

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCheckpoint, decodeMeta, decodeNGramFile, decodeResume, encodeMeta, encodeModel, encodeResume, FILES, ngramMeta, type FileSource } from './checkpoint-codec.js';
import { inputError } from './errors.js';
import { sha256, writeFileAtomic } from './files.js';
import type { AdamState } from './model/adam.js';
import type { MixtureWeights } from './mixture.js';
import type { NGramModel } from './ngram/model.js';
import type { OrderResult } from './ngram/build.js';
import type { ModelConfig } from './model/config.js';
import type { State } from './model/lm.js';
import type { Params } from './model/params.js';
import type { ScheduleKind } from './schedule.js';
import type { SplitMethod } from './split.js';
import type { Segmentation, Unit, Vocab, VocabJSON } from './tokenizer.js';
import { isZip, zipSource } from './zip.js';
import type { CHECKPOINT_FORMAT } from './meta.js';

export { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, TRAIN_CONFIG_BEFORE } from './meta.js';
export { FILES, RESUME_FORMAT, RESUME_VERSION } from './checkpoint-codec.js';

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
  /** Tokens are characters or words (checkpoints before words: characters). */
  unit: Unit;
  /** Word models: the most frequent words kept (the rest are <UNK>). */
  vocabSize: number;
  /** Word models: text lowercased before it is cut into words. */
  lowercase: boolean;
  /** Training with a sampled softmax over the batch's targets and this many other words (0: the full softmax). */
  samples: number;
  /**
   * The model takes the n-gram as input: its ln P added to the network's logits
   * (ngram/prior.ts); the network alone is then not a model of its own. Checkpoints before it: false.
   */
  ngramInput: boolean;
  /**
   * Within a sequence the n-gram keeps counting the tokens it reads (ngram/reading.ts), in the
   * mixture and wherever it is scored. Checkpoints before it: false (the training counts only).
   */
  ngramAdapt: boolean;
  /** Characters in the vocabulary whether or not the text has them (absent: none). */
  charset?: string;
}

/**
 * How the network adapts to a text as it reads it (dynamic evaluation, dynamic.ts), chosen on
 * validation at the end of training: the rate (0: it does not help here), and what it gave.
 */
export interface AdaptMeta {
  lr: number;
  segment: number;
  clip: number;
  /** Validation tokens it was chosen on (the first part of the split). */
  tokens: number;
  /** What the choice minimised there, nats/token: the mixture (with an n-gram) or the network. */
  by: 'mixture' | 'network';
  static: number;
  adapted: number;
  /** The network alone on those tokens, static and adapting. */
  network: { static: number; adapted: number };
  /** Mixture weights fit with the adapting network (with an n-gram). */
  lambdas?: number[];
  /** Each rate tried and its loss (nats/token). */
  tried: Array<{ lr: number; nats: number }>;
  /** Validation tokens per second of the adapting network when it was chosen. */
  tokensPerSec: number;
}

/** The model a run started from (`--from`): its weights were where training began. */
export interface Origin {
  /** As the user named it: a shipped model's name, or the path of a folder or zip. */
  name: string;
  /** sha256 of its weights.bin, its step, and its vocabulary size (ids below it are its tokens). */
  sha256: string;
  step: number;
  vocabSize: number;
  /** The text it was trained on, as its rnnlm.json names it. */
  corpus: string;
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
  /** Validation nats/char of the n-gram counting what it reads (training.ngramAdapt), as mixed; absent before it. */
  ngramReading?: number;
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
  /** Dynamic evaluation chosen on validation at the end of training; absent before it, or when none was chosen. */
  adapt?: AdaptMeta;
  /** The model this run started from; absent for a run from random weights. */
  from?: Origin;
}

export interface Loaded {
  dir: string;
  meta: Meta;
  vocab: Vocab;
  params: Params;
  /** The n-gram, when the checkpoint has one. */
  ngram: NGramModel | null;
}

/** A checkpoint folder, or a zip of one (as the page downloads it), as a FileSource. */
export function checkpointSource(dir: string): FileSource {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw inputError(`${dir}: no such checkpoint folder`);
  }
  if (st.isFile() && isZip(dir)) return zipSource(dir);
  if (!st.isDirectory()) throw inputError(`${dir}: is not a checkpoint folder`);
  const where = join(dir, '.');
  return {
    where,
    read(name) {
      try {
        return readFileSync(join(where, name));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return null;
        throw inputError(`${join(where, name)}: cannot read (${code ?? 'error'})`);
      }
    },
  };
}

/** Write ngram.bin (once per run: the training split does not change) and describe it in `meta`. */
export function saveNGram(dir: string, meta: Meta, bytes: Uint8Array, info: Omit<NGramMeta, 'file' | 'sha256' | 'bytes'>): void {
  writeFileAtomic(join(dir, FILES.ngram), bytes);
  meta.ngram = ngramMeta(bytes, info, sha256);
}

/** Read and check the n-gram of a checkpoint (null when it has none). */
export function loadNGram(dir: string, meta: Meta): NGramModel | null {
  return decodeNGramFile(checkpointSource(dir), meta, sha256);
}

/**
 * Write the model files. With `params`, weights.bin and model.json are (re)written as the
 * model to use; without, only rnnlm.json (progress) is updated.
 */
export async function saveCheckpoint(dir: string, meta: Meta, params?: Params): Promise<void> {
  if (!params) {
    writeFileAtomic(join(dir, FILES.meta), encodeMeta(meta));
    return;
  }
  const { weights, model } = await encodeModel(meta, params, sha256);
  // rnnlm.json first: it accepts both the old and the new weights until the next save.
  writeFileAtomic(join(dir, FILES.meta), encodeMeta(meta));
  writeFileAtomic(join(dir, FILES.weights), weights);
  writeFileAtomic(join(dir, FILES.model), model);
}

/** Read only rnnlm.json (for `info`), checked. */
export function loadMeta(dir: string): { meta: Meta; vocab: Vocab } {
  return decodeMeta(checkpointSource(dir));
}

/** Load and check a whole checkpoint: rnnlm.json, model.json, weights.bin. */
export function loadCheckpoint(dir: string): Loaded {
  return decodeCheckpoint(checkpointSource(dir), sha256);
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
  writeFileAtomic(join(dir, FILES.resume), encodeResume(r, sha256));
}

export function loadResume(dir: string, c: ModelConfig): ResumeState {
  return decodeResume(checkpointSource(dir), c, sha256);
}
