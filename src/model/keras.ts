// The Keras/TF.js LayersModel equivalent to a model: one-hot input [batch, time, vocab] →
// stacked lstm / gru / simpleRNN (returnSequences, sigmoid recurrent activation) →
// dense(vocab, softmax). Used to write model.json, and by tests as a reference.

import * as tf from '@tensorflow/tfjs';
import { KERAS_CLASS, type ModelConfig } from './config.js';

export function layersModel(c: ModelConfig, weights?: Float32Array[]): tf.Sequential {
  const m = tf.sequential({ name: 'rnnlm' });
  for (let l = 0; l < c.layers; l++) {
    const args = {
      name: `${KERAS_CLASS[c.cell].toLowerCase()}_${l}`,
      units: c.hidden,
      returnSequences: true,
      recurrentActivation: 'sigmoid' as const,
      // Weights are always set afterwards; zeros skip a slow orthogonal initialisation.
      kernelInitializer: 'zeros' as const,
      recurrentInitializer: 'zeros' as const,
      ...(l === 0 ? { inputShape: [null, c.vocabSize] as [null, number] } : {}),
    };
    m.add(c.cell === 'lstm' ? tf.layers.lstm(args) : c.cell === 'gru' ? tf.layers.gru(args) : tf.layers.simpleRNN(args));
  }
  m.add(tf.layers.dense({ name: 'output', units: c.vocabSize, activation: 'softmax', kernelInitializer: 'zeros' }));
  if (weights) {
    const shapes = m.getWeights().map((w) => w.shape);
    tf.tidy(() => m.setWeights(weights.map((w, i) => tf.tensor(w, shapes[i]))));
  }
  return m;
}
