// The checkpoint metadata's name and version, and the settings older checkpoints lack — the
// values of checkpoint.ts that the core needs to start a run, in a file without Node imports
// so that a web page can build and resume runs with the same code.

import type { TrainConfig } from './checkpoint.js';

export const CHECKPOINT_FORMAT = 'rnnlm-checkpoint';
export const CHECKPOINT_VERSION = 1;

/** Settings that older checkpoints lack, as those runs behaved. */
export const TRAIN_CONFIG_BEFORE: Pick<TrainConfig, 'split' | 'shuffle' | 'schedule' | 'unit' | 'vocabSize' | 'lowercase' | 'samples' | 'ngramInput' | 'ngramAdapt'> = { split: 'tail', shuffle: false, schedule: 'plateau', unit: 'char', vocabSize: 10_000, lowercase: false, samples: 0, ngramInput: false, ngramAdapt: false };
