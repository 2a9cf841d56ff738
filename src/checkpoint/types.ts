// What rnnlm.json holds, as types (every field documented in docs/checkpoints.md), and the
// format's name and version: no Node, so the page and the browser API build, read and resume
// checkpoints with the same definitions. The bytes of each file: codec.ts; on disk: node/checkpoint-files.ts.

import type { AdamState } from '../model/adam.js';
import type { MixtureWeights } from '../ngram/mixture.js';
import type { NGramModel } from '../ngram/model.js';
import type { OrderResult } from '../ngram/build.js';
import type { ModelConfig } from '../model/config.js';
import type { State } from '../model/lm.js';
import type { Params } from '../model/params.js';
import type { ScheduleKind } from '../training/schedule.js';
import type { SplitMethod } from '../text/split.js';
import type { Segmentation, Unit, Vocab, VocabJSON } from '../text/tokenizer.js';

export const CHECKPOINT_FORMAT = 'rnnlm-checkpoint';
export const CHECKPOINT_VERSION = 1;

/** Training settings that checkpoints written before they were recorded lack, as those runs behaved. */
export const LEGACY_TRAINING: Pick<
  TrainConfig,
  'split' | 'shuffle' | 'schedule' | 'unit' | 'vocabSize' | 'lowercase' | 'samples' | 'ngramInput' | 'ngramAdapt'
> = { split: 'tail', shuffle: false, schedule: 'plateau', unit: 'char', vocabSize: 10_000, lowercase: false, samples: 0, ngramInput: false, ngramAdapt: false };

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
   * (ngram/input.ts); the network alone is then not a model of its own. Checkpoints before it: false.
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

/** How the network's weights step as it reads (dynamic.ts Adaptation). */
export type AdaptRule = 'sgd' | 'rms';

/**
 * How the network adapts to a text as it reads it (dynamic evaluation, dynamic.ts), chosen on
 * validation at the end of training: the rate (0: it does not help here), and what it gave.
 */
export interface AdaptMeta {
  lr: number;
  segment: number;
  clip: number;
  /** The update rule (dynamic.ts): 'rms'; absent in checkpoints before 2026-12-06, whose rule is 'sgd'. */
  rule?: AdaptRule;
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
  /**
   * The standard error of the best rate's gain over static (nats/token, dynamic.ts
   * gainOverNoise): a gain under ADAPT_Z of them is not taken. Absent when no rate gained, and
   * in checkpoints before 2026-12-06, which took any gain.
   */
  se?: number;
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

export interface ResumeState {
  params: Params;
  adam: AdamState;
  /** Recurrent state carried into the next window. */
  state: State;
  rngState: number;
  progress: Progress;
  history: HistoryPoint[];
}
