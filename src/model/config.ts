// The model's shape: cell type, layers, hidden size, vocabulary size, dropout. Everything
// needed to rebuild the network; stored in the checkpoint, and on resume taken from there.

export type CellKind = 'lstm' | 'gru' | 'rnn';
export const CELLS: readonly CellKind[] = ['lstm', 'gru', 'rnn'];

export interface ModelConfig {
  cell: CellKind;
  layers: number;
  hidden: number;
  vocabSize: number;
  /** Dropout on each layer's output (between layers and before the softmax), training only. */
  dropout: number;
  /**
   * A class-factored output layer (factored.ts): the class of each token, [V], classes
   * numbered from 0 by frequency. Absent: the flat softmax over the vocabulary.
   */
  classOf?: number[];
}

/** The number of output classes of a factored model (0: flat). */
export function outputClasses(c: ModelConfig): number {
  return c.classOf ? c.classOf.reduce((m, x) => Math.max(m, x), -1) + 1 : 0;
}

/** Gate blocks per cell, in the Keras/TF.js column order of `kernel [in, G·H]`. */
export const GATES: Record<CellKind, readonly string[]> = {
  lstm: ['i', 'f', 'c', 'o'],
  gru: ['z', 'r', 'h'],
  rnn: ['h'],
};

/** Keras layer class name for each cell. */
export const KERAS_CLASS: Record<CellKind, string> = { lstm: 'LSTM', gru: 'GRU', rnn: 'SimpleRNN' };

/** Number of trainable parameters. */
export function parameterCount(c: ModelConfig): number {
  let n = 0;
  for (let l = 0; l < c.layers; l++) {
    const input = l === 0 ? c.vocabSize : c.hidden;
    n += GATES[c.cell].length * (input + 1 + c.hidden) * c.hidden;
  }
  return n + (c.hidden + 1) * (c.vocabSize + outputClasses(c));
}
