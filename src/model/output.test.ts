// A factored output layer end to end (issue 32): trained by `train`, resumed exactly, scored
// by the stepper as the trainer's loss counts it, read from model.json by tfl.loadLayersModel
// as its metadata says, and chosen by `auto` from measured speeds.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseOutput, FACTORED_MIN_VOCAB, outputClassCount } from '../training/auto.js';
import { initBackend } from '../node/backend.js';
import { FILES } from '../checkpoint/codec.js';
import { loadCheckpoint } from '../node/checkpoint-files.js';
import { outputClasses } from './config.js';
import { runWindow, zeroState } from './lm.js';
import { Stepper } from './stepper.js';
import { scoreSentence } from '../inference/sentence.js';
import { scoreText } from '../inference/score.js';
import { skewedLines, tempDir, tinyRequest, trainRecording, writeCorpus } from '../testing/fixtures.js';
import { EOS_ID } from '../text/tokenizer.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

describe('a factored model trained by train', () => {
  const dir = tempDir();
  const corpus = writeCorpus(dir, skewedLines(7, 400, ALPHABET).join('\n'));
  const request = (out: string, over = {}) => tinyRequest(corpus, join(dir, out), over, {}, { output: 'factored' });

  it('records its classes (2√V, by frequency), and resumes exactly', async () => {
    const whole = await trainRecording(request('whole'));
    const meta = whole.result.meta;
    const V = meta.model.vocabSize;
    expect(meta.model.classOf).toHaveLength(V);
    expect(outputClasses(meta.model)).toBe(outputClassCount(V));
    const first = await trainRecording(request('split', { maxSteps: 5 }));
    const second = await trainRecording(request('split', { resume: true }));
    expect([...first.losses, ...second.losses]).toEqual(whole.losses);
    expect(Array.from(loadCheckpoint(join(dir, 'split')).params.data)).toEqual(Array.from(loadCheckpoint(join(dir, 'whole')).params.data));
  });

  it("the trainer's loss of a line equals −ln P of the sentence from score", async () => {
    const ck = loadCheckpoint(join(dir, 'whole'));
    const line = skewedLines(8, 1, ALPHABET)[0]!;
    const ids = [EOS_ID, ...ck.vocab.encode(line).ids];
    const targets = [...ids.slice(1), EOS_ID];
    const win = { batch: 1, time: ids.length, inputs: Int32Array.from(ids), targets: Int32Array.from(targets), weights: new Float32Array(ids.length).fill(1) };
    const trained = await runWindow(ck.params, win, zeroState(ck.params.config, 1), { train: true });
    const scored = scoreSentence(new Stepper(ck.params), ck.vocab, line);
    expect(trained.count).toBe(line.length + 1);
    expect(Math.abs(trained.loss + scored.logprob) / trained.loss).toBeLessThan(1e-6);
  });

  it('a one-document file is scored by the stepper target by target, with the batched result', async () => {
    const ck = loadCheckpoint(join(dir, 'whole'));
    const doc = skewedLines(9, 200, ALPHABET).join(' ');
    const fast = await scoreText(ck.params, ck.vocab, doc, 'document', { path: 'stepper' });
    const batched = await scoreText(ck.params, ck.vocab, doc, 'document', { path: 'batched' });
    expect(fast.tokens).toBe(batched.tokens);
    expect(fast.tokens).toBeGreaterThan(1000);
    expect(Math.abs(fast.logprob - batched.logprob) / Math.abs(batched.logprob)).toBeLessThan(1e-6);
  });

  it('model.json: tfl.loadLayersModel reads two heads, which combined as its metadata says give the stepper’s probabilities', async () => {
    const d = join(dir, 'whole');
    const ck = loadCheckpoint(d);
    const mj = JSON.parse(readFileSync(join(d, FILES.model), 'utf8'));
    const weights = readFileSync(join(d, FILES.weights));
    const model = await tfl.loadLayersModel({
      load: async () => ({
        modelTopology: mj.modelTopology,
        weightSpecs: mj.weightsManifest[0].weights,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.length),
        format: mj.format,
      }),
    });
    const note = mj.userDefinedMetadata.rnnlm as { output: string; classOf: number[] };
    expect(note.output).toBe('factored');
    expect(note.classOf).toEqual(ck.params.config.classOf);
    const ids = [EOS_ID, 3, 5, 2, 6, 4];
    const V = ck.vocab.size;
    const [scores, classes] = tf.tidy(() =>
      (model.predict(tf.cast(tf.oneHot(tf.tensor2d([ids], [1, ids.length], 'int32'), V), 'float32')) as tf.Tensor[]).map((t) => t.arraySync() as number[][][]),
    );
    const stepper = new Stepper(ck.params);
    let max = 0;
    ids.forEach((id, t) => {
      const lp = stepper.step(id);
      const s = scores![0]![t]!;
      for (let v = 0; v < V; v++) {
        const c = note.classOf[v]!;
        const z = note.classOf.reduce((a, k, u) => (k === c ? a + Math.exp(s[u]!) : a), 0);
        max = Math.max(max, Math.abs(classes![0]![t]![c]! * (Math.exp(s[v]!) / z) - Math.exp(lp[v]!)));
      }
    });
    expect(max).toBeLessThan(1e-5);
  });
});

describe('--output auto', () => {
  it('keeps a small vocabulary flat without measuring', async () => {
    let measured = 0;
    const r = await chooseOutput(FACTORED_MIN_VOCAB - 1, async () => ++measured);
    expect(r.kind).toBe('flat');
    expect(measured).toBe(0);
  });

  it('factors a large one when measured faster by the margin, and says both speeds', async () => {
    const speeds = { flat: 1000, factored: 5000 };
    const r = await chooseOutput(6000, async (k) => speeds[k]);
    expect(r).toMatchObject({ kind: 'factored', speed: 5000 });
    expect(r.reason).toContain('5.0K chars/s factored against 1.0K flat');
    expect(r.reason).toContain(`${outputClassCount(6000)} classes`);
    expect((await chooseOutput(6000, async (k) => (k === 'flat' ? 1000 : 1100))).kind).toBe('flat'); // 1.1×: not worth it
  });
});
