// Every default of `rnnlm train` in one place, as the CLI's flags and the page's Train
// fields show them: the model's shape and how it is trained, `auto` where the corpus and the
// time budget decide (resolve.ts). No Node.

import type { Auto, ModelRequest } from './auto.js';
import type { TrainConfig } from '../checkpoint/types.js';
import type { ScheduleKind } from './schedule.js';
import type { SplitMethod } from '../text/split.js';
import type { Segmentation } from '../text/tokenizer.js';

/** Every default in one place: the model's shape (auto: auto.ts, from the corpus and budget) … */
export const MODEL_DEFAULTS: ModelRequest = {
  cell: 'lstm', // lstm | gru | rnn
  layers: 'auto', // stacked recurrent layers (auto: by training characters and time budget)
  hidden: 'auto', // units per layer (auto: as layers)
  dropout: 'auto', // dropout on layer outputs (auto: 0.2 below 500K training characters, 0.1 below 5M, else 0)
  output: 'auto', // flat | factored (auto: factored when the vocabulary is large and that is measured faster here)
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
  unit: 'char', // char | word
  vocabSize: 10_000, // word models: the most frequent words kept, the rest <UNK>
  lowercase: false, // word models: fold case before counting
  ngramAdapt: true, // within a document the n-gram keeps counting what it reads: a name it repeats grows likelier
  ngramInput: false, // the network takes the n-gram's ln P as input: it learns what the n-gram does not know
  samples: 0, // train with a sampled softmax over the batch's targets and this many other tokens (0: the full softmax)
};

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
