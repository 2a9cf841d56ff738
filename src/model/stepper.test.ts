import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node/backend.js';
import { Rng } from '../common/rng.js';
import { oneHot } from '../text/tokenizer.js';
import type { CellKind } from './config.js';
import { layersModel } from './keras.js';
import { Params } from './params.js';
import { Stepper } from './stepper.js';

// The states the web page's Inside view shows (Stepper.state) against TF.js tf.layers: every
// layer's output at every step from the Keras model's intermediate layers, and the LSTM cell
// state at the last step from a layer built with returnState.

beforeAll(async () => {
  await initBackend('wasm');
});

const ids = [0, 3, 2, 4, 4, 1, 2, 3];

describe.each(['lstm', 'gru', 'rnn'] as CellKind[])('Stepper.state (%s)', (cell) => {
  it('equals tf.layers: each layer’s output at each step, and the LSTM cell state', () => {
    const c = { cell, layers: 2, hidden: 8, vocabSize: 5, dropout: 0 };
    const params = Params.init(c, new Rng(4));
    const stepper = new Stepper(params, 'js');
    const ours: number[][][] = [[], []]; // [layer][step][unit]
    for (const id of ids) {
      stepper.step(id);
      for (let l = 0; l < 2; l++) ours[l]!.push(Array.from(stepper.state(l).h));
    }
    const m = layersModel(c, params.toKeras());
    const x = tf.tensor3d(oneHot(ids, c.vocabSize), [1, ids.length, c.vocabSize]); // [batch, time, vocab]
    for (let l = 0; l < 2; l++) {
      const sub = tfl.model({ inputs: m.inputs, outputs: m.layers[l]!.output as tfl.SymbolicTensor });
      const ref = (sub.predict(x) as tf.Tensor).arraySync() as number[][][]; // [1, time, hidden]
      for (let t = 0; t < ids.length; t++) for (let u = 0; u < 8; u++) expect(ours[l]![t]![u]!).toBeCloseTo(ref[0]![t]![u]!, 5);
    }
    if (cell === 'lstm') {
      // Layer 1's cell state after the last step: an LSTM with returnState over layer 0's outputs.
      const k = params.layerToKeras(1);
      const input = tfl.input({ shape: [null, 8] });
      const lstm = tfl.layers.lstm({ units: 8, returnState: true, recurrentActivation: 'sigmoid' });
      const outs = lstm.apply(input) as tfl.SymbolicTensor[];
      const withState = tfl.model({ inputs: input, outputs: outs[2]! });
      lstm.setWeights([tf.tensor2d(k.kernel, [8, 32]), tf.tensor2d(k.recurrent, [8, 32]), tf.tensor1d(k.bias)]);
      const below = tf.tensor3d(ours[0]!.flat(), [1, ids.length, 8]); // [batch, time, hidden]
      const cRef = (withState.predict(below) as tf.Tensor).arraySync() as number[][];
      const cOurs = Array.from(stepper.state(1).c!);
      for (let u = 0; u < 8; u++) expect(cOurs[u]!).toBeCloseTo(cRef[0]![u]!, 5);
    } else {
      expect(stepper.state(0).c).toBeNull();
    }
    stepper.reset();
    expect(Array.from(stepper.state(1).h).every((v) => v === 0)).toBe(true);
  });
});
