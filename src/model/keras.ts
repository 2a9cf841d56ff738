// The Keras/TF.js LayersModel equivalent to a model: one-hot input [batch, time, vocab] →
// stacked lstm / gru / simpleRNN (returnSequences, sigmoid recurrent activation) →
// dense(vocab, softmax). Used to write model.json, and by tests as a reference.
// A factored model (factored.ts) has two heads on the top layer instead: `output`, the
// tokens' scores within their class (linear, [vocab]), and `classes`, softmax over the
// classes; P(w) = classes[class(w)] · softmax of `output` over w's class (model.json says how).

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { KERAS_CLASS, outputClasses, type ModelConfig } from './config.js';

export function layersModel(c: ModelConfig, weights?: Float32Array[]): tfl.LayersModel {
  const m = outputClasses(c) > 0 ? factoredModel(c) : flatModel(c);
  if (weights) {
    const shapes = m.getWeights().map((w) => w.shape);
    tf.tidy(() => m.setWeights(weights.map((w, i) => tf.tensor(w, shapes[i]))));
  }
  return m;
}

/** Layer l of the recurrent stack. */
function recurrentLayer(c: ModelConfig, l: number): tfl.layers.Layer {
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
  return c.cell === 'lstm' ? tfl.layers.lstm(args) : c.cell === 'gru' ? tfl.layers.gru(args) : tfl.layers.simpleRNN(args);
}

function flatModel(c: ModelConfig): tfl.Sequential {
  const m = tfl.sequential({ name: 'rnnlm' });
  for (let l = 0; l < c.layers; l++) m.add(recurrentLayer(c, l));
  m.add(tfl.layers.dense({ name: 'output', units: c.vocabSize, activation: 'softmax', kernelInitializer: 'zeros' }));
  return m;
}

/** Two heads on the top layer: within-class scores [vocab] and the classes' softmax [C]. */
function factoredModel(c: ModelConfig): tfl.LayersModel {
  const input = tfl.input({ shape: [null, c.vocabSize], name: 'input' });
  let x = input;
  for (let l = 0; l < c.layers; l++) x = recurrentLayer(c, l).apply(x) as tfl.SymbolicTensor;
  const output = tfl.layers.dense({ name: 'output', units: c.vocabSize, kernelInitializer: 'zeros' }).apply(x) as tfl.SymbolicTensor;
  const classes = tfl.layers
    .dense({ name: 'classes', units: outputClasses(c), activation: 'softmax', kernelInitializer: 'zeros' })
    .apply(x) as tfl.SymbolicTensor;
  return tfl.model({ name: 'rnnlm', inputs: input, outputs: [output, classes] });
}
