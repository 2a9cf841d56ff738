// The Keras/TF.js LayersModel equivalent to a model: one-hot input [batch, time, vocab] →
// stacked lstm / gru / simpleRNN (returnSequences, sigmoid recurrent activation) →
// dense(vocab, softmax). Used to write model.json, and by tests as a reference.
// A factored model (factored.ts) has two heads on the top layer instead: `output`, the
// tokens' scores within their class (linear, [vocab]), and `classes`, softmax over the
// classes; P(w) = classes[class(w)] · softmax of `output` over w's class (model.json says how).

import * as tf from '@tensorflow/tfjs';
import { KERAS_CLASS, outputClasses, type ModelConfig } from './config.js';

export function layersModel(c: ModelConfig, weights?: Float32Array[]): tf.LayersModel {
  const m = outputClasses(c) > 0 ? factoredModel(c) : flatModel(c);
  if (weights) {
    const shapes = m.getWeights().map((w) => w.shape);
    tf.tidy(() => m.setWeights(weights.map((w, i) => tf.tensor(w, shapes[i]))));
  }
  return m;
}

/** Layer l of the recurrent stack. */
function recurrentLayer(c: ModelConfig, l: number): tf.layers.Layer {
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
  return c.cell === 'lstm' ? tf.layers.lstm(args) : c.cell === 'gru' ? tf.layers.gru(args) : tf.layers.simpleRNN(args);
}

function flatModel(c: ModelConfig): tf.Sequential {
  const m = tf.sequential({ name: 'rnnlm' });
  for (let l = 0; l < c.layers; l++) m.add(recurrentLayer(c, l));
  m.add(tf.layers.dense({ name: 'output', units: c.vocabSize, activation: 'softmax', kernelInitializer: 'zeros' }));
  return m;
}

/** Two heads on the top layer: within-class scores [vocab] and the classes' softmax [C]. */
function factoredModel(c: ModelConfig): tf.LayersModel {
  const input = tf.input({ shape: [null, c.vocabSize], name: 'input' });
  let x = input;
  for (let l = 0; l < c.layers; l++) x = recurrentLayer(c, l).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ name: 'output', units: c.vocabSize, kernelInitializer: 'zeros' }).apply(x) as tf.SymbolicTensor;
  const classes = tf.layers.dense({ name: 'classes', units: outputClasses(c), activation: 'softmax', kernelInitializer: 'zeros' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ name: 'rnnlm', inputs: input, outputs: [output, classes] });
}
