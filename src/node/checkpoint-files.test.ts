import { readFileSync, writeFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { FILES } from '../checkpoint/codec.js';
import { loadCheckpoint, loadResume } from './checkpoint-files.js';
import { RnnlmError } from '../common/errors.js';
import { runWindow, zeroState } from '../model/lm.js';
import { Stepper } from '../model/stepper.js';
import { tempDir, tinyRequest, syllableText, writeCorpus } from '../testing/fixtures.js';
import { train } from './training-run.js';
import { EOS_ID } from '../text/tokenizer.js';
import { Model } from '../api/model.js';
import { encodeModel } from '../checkpoint/codec.js';
import { sha256 } from './files.js';
import { scoreSentence } from '../inference/sentence.js';
import { cpSync } from 'node:fs';

let dir: string;

beforeAll(async () => {
  await initBackend('cpu');
  const root = tempDir();
  const corpus = writeCorpus(root, syllableText(300));
  dir = join(root, 'ck');
  await train(tinyRequest(corpus, dir, {}, { epochs: 2 }, { layers: 2, hidden: 10 }));
});

/** A fresh copy of the trained checkpoint to damage. */
function copy(): string {
  const d = join(tempDir(), 'ck');
  cpSync(dir, d, { recursive: true });
  return d;
}

function loadError(d: string): RnnlmError {
  try {
    loadCheckpoint(d);
  } catch (e) {
    expect(e).toBeInstanceOf(RnnlmError);
    expect((e as RnnlmError).exitCode).toBe(2);
    expect((e as Error).message).not.toContain('\n');
    return e as RnnlmError;
  }
  throw new Error('expected loading to fail');
}

describe('checkpoint round trip', () => {
  it('save → load gives identical next-character probabilities', () => {
    const a = loadCheckpoint(dir);
    const b = loadCheckpoint(copy());
    expect(Array.from(b.params.data)).toEqual(Array.from(a.params.data));
    const sa = new Stepper(a.params);
    const sb = new Stepper(b.params);
    for (const id of [EOS_ID, 3, 4, 2]) expect(Array.from(sb.step(id))).toEqual(Array.from(sa.step(id)));
  });

  it('tfl.loadLayersModel reads the folder and gives the same probabilities to 1e-5', async () => {
    const ck = loadCheckpoint(dir);
    const modelJson = JSON.parse(readFileSync(join(dir, FILES.model), 'utf8'));
    const weights = readFileSync(join(dir, FILES.weights));
    const handler: tf.io.IOHandler = {
      load: async () => ({
        modelTopology: modelJson.modelTopology,
        weightSpecs: modelJson.weightsManifest[0].weights,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.length),
        format: modelJson.format,
      }),
    };
    const model = await tfl.loadLayersModel(handler);
    const ids = [EOS_ID, 3, 5, 2, 6, 4, 2, 3];
    const V = ck.vocab.size;
    const probs = tf.tidy(
      () => (model.predict(tf.cast(tf.oneHot(tf.tensor2d([ids], [1, ids.length], 'int32'), V), 'float32')) as tf.Tensor).arraySync() as number[][][],
    );
    const stepper = new Stepper(ck.params);
    let max = 0;
    ids.forEach((id, t) => {
      const lp = stepper.step(id);
      for (let v = 0; v < V; v++) max = Math.max(max, Math.abs(Math.exp(lp[v]!) - probs[0]![t]![v]!));
    });
    expect(max).toBeLessThan(1e-5);
  });

  it('the stepper (row lookup, JS) equals the TF.js window path (one-hot matmul)', async () => {
    const ck = loadCheckpoint(dir);
    const ids = [EOS_ID, 3, 5, 2, 6, 4, 2, 3];
    const targets = [...ids.slice(1), EOS_ID];
    const win = { batch: 1, time: ids.length, inputs: Int32Array.from(ids), targets: Int32Array.from(targets), weights: new Float32Array(ids.length).fill(1) };
    const r = await runWindow(ck.params, win, zeroState(ck.params.config, 1), { train: false, wantLogProbs: true });
    const stepper = new Stepper(ck.params);
    ids.forEach((id, t) => expect(stepper.step(id)[targets[t]!]!).toBeCloseTo(r.logProbs![t]!, 5));
  });

  it('writes rnnlm.json with the documented fields', () => {
    const meta = JSON.parse(readFileSync(join(dir, FILES.meta), 'utf8'));
    expect(meta.format).toBe('rnnlm-checkpoint');
    expect(meta.version).toBe(1);
    expect(meta.vocab.tokens.slice(0, 2)).toEqual(['<EOS>', '<UNK>']);
    expect(meta.model).toMatchObject({ cell: 'lstm', layers: 2, hidden: 10 });
    expect(meta.progress.step).toBeGreaterThan(0);
    expect(meta.history.length).toBeGreaterThan(0);
    expect(meta.corpus.sha256).toMatch(/^[0-9a-f]{64}$/);
    const mj = JSON.parse(readFileSync(join(dir, FILES.model), 'utf8'));
    expect(mj.format).toBe('layers-model');
    expect(mj.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(mj.weightsManifest[0].weights.map((w: { shape: number[] }) => w.shape)).toEqual([
      [meta.model.vocabSize, 40],
      [10, 40],
      [40],
      [10, 40],
      [10, 40],
      [40],
      [10, meta.model.vocabSize],
      [meta.model.vocabSize],
    ]);
  });
});

describe('damaged checkpoints fail with one line naming the file', () => {
  it('truncated weights.bin', () => {
    const d = copy();
    truncateSync(join(d, FILES.weights), 100);
    expect(loadError(d).message).toMatch(/weights\.bin: has 100 bytes, expected \d+/);
  });
  it('weights.bin changed in place', () => {
    const d = copy();
    const w = readFileSync(join(d, FILES.weights));
    w[10] = w[10]! ^ 0x40;
    writeFileSync(join(d, FILES.weights), w);
    expect(loadError(d).message).toMatch(/weights\.bin: does not match the sha256/);
  });
  it('rnnlm.json with another hidden size', () => {
    const d = copy();
    const meta = JSON.parse(readFileSync(join(d, FILES.meta), 'utf8'));
    meta.model.hidden = 11;
    writeFileSync(join(d, FILES.meta), JSON.stringify(meta));
    expect(loadError(d).message).toMatch(/model\.json: weight .* has shape/);
  });
  it('rnnlm.json whose vocabulary disagrees with the model', () => {
    const d = copy();
    const meta = JSON.parse(readFileSync(join(d, FILES.meta), 'utf8'));
    meta.vocab.tokens.push('€');
    writeFileSync(join(d, FILES.meta), JSON.stringify(meta));
    expect(loadError(d).message).toMatch(/rnnlm\.json: vocabulary has \d+ entries but the model expects/);
  });
  it('a future format version', () => {
    const d = copy();
    const meta = JSON.parse(readFileSync(join(d, FILES.meta), 'utf8'));
    meta.version = 99;
    writeFileSync(join(d, FILES.meta), JSON.stringify(meta));
    expect(loadError(d).message).toMatch(/rnnlm\.json: checkpoint format version 99 is not supported/);
  });
  it('rnnlm.json not JSON, or missing', () => {
    const d = copy();
    writeFileSync(join(d, FILES.meta), '{"format": "rnnlm-chec');
    expect(loadError(d).message).toMatch(/rnnlm\.json: is not valid JSON/);
    writeFileSync(join(d, FILES.meta), '');
    expect(loadError(d).message).toMatch(/rnnlm\.json: is not valid JSON \(empty file\)/);
  });
  it('resume.bin truncated', () => {
    const d = copy();
    truncateSync(join(d, FILES.resume), 200);
    const meta = loadCheckpoint(d).meta;
    expect(() => loadResume(d, meta.model)).toThrow(/resume\.bin: (truncated|has \d+ bytes)/);
  });
});

describe('a checkpoint written before the factored output layer (rnnlm at 360ede1)', () => {
  // src/testing/flat-checkpoint: `rnnlm train tiny.txt --layers 1 --hidden 8 --steps 12 --seed 3`
  // by the commit before issue 32, and what its `rnnlm score --json` printed then.
  const old = join(import.meta.dirname, '..', 'testing', 'flat-checkpoint');

  it('scores as it did then, with the mixture and alone', () => {
    const ck = loadCheckpoint(old);
    expect(ck.params.config.classOf).toBeUndefined();
    const then = { mixed: [-4.756802709301269, -4.849526937747893], alone: -37.66683151566271 };
    ['ember grove', 'delta iris'].forEach((s, i) => expect(scoreSentence(new Model(ck).predictor(), ck.vocab, s).logprob).toBeCloseTo(then.mixed[i]!, 9));
    expect(scoreSentence(new Model(ck).predictor(false), ck.vocab, 'ember grove').logprob).toBeCloseTo(then.alone, 9);
  });

  it('written again, its model.json and weights.bin are the same bytes', async () => {
    const ck = loadCheckpoint(old);
    const again = await encodeModel(structuredClone(ck.meta), ck.params, sha256);
    expect(Buffer.from(again.weights).equals(readFileSync(join(old, FILES.weights)))).toBe(true);
    expect(JSON.parse(Buffer.from(again.model).toString('utf8'))).toEqual(JSON.parse(readFileSync(join(old, FILES.model), 'utf8')));
  });
});
