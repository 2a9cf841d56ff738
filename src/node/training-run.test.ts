import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { loadCheckpoint } from './checkpoint-files.js';
import { tempDir, tinyRequest, trainRecording, syllableText, writeCorpus } from '../testing/fixtures.js';

const NAMES = join(import.meta.dirname, '..', '..', 'corpora', 'names.txt');

beforeAll(async () => {
  await initBackend('wasm');
});

describe('training', () => {
  it('learns corpora/names.txt well below the uniform baseline (and beyond a bigram model)', async () => {
    expect(existsSync(NAMES), 'run `npm run corpora` first').toBe(true);
    const dir = tempDir();
    const { result } = await trainRecording(
      tinyRequest(NAMES, dir, {}, { seqLen: 50, batchSize: 32, lr: 0.01, warmup: 10, epochs: 8, evalEvery: 0, seed: 1 }, { hidden: 64 }),
    );
    const V = result.vocab.size;
    const best = result.meta.progress.bestVal!;
    // Uniform: ln V ≈ 4.0 nats (5.8 bits). A smoothed bigram model of this split scores
    // 3.42 bits/char and a trigram 3.13; a broken recurrent gradient stays near the bigram.
    expect(best).toBeLessThan(Math.log(V));
    expect(best / Math.LN2).toBeLessThan(3.3);
    expect(result.meta.history.every((h) => h.val !== undefined)).toBe(true);
  });

  it('is reproducible: same seed, same backend → same losses', async () => {
    const dir = tempDir();
    const corpus = writeCorpus(dir, syllableText(300));
    const a = await trainRecording(tinyRequest(corpus, join(dir, 'a')));
    const b = await trainRecording(tinyRequest(corpus, join(dir, 'b')));
    expect(a.losses.length).toBeGreaterThan(5);
    expect(b.losses).toEqual(a.losses);
    const c = await trainRecording(tinyRequest(corpus, join(dir, 'c'), {}, { seed: 4 }));
    expect(c.losses).not.toEqual(a.losses);
  });

  it('resume continues exactly: step count, losses and history as an uninterrupted run', async () => {
    const dir = tempDir();
    const corpus = writeCorpus(dir, syllableText(400));
    const whole = await trainRecording(tinyRequest(corpus, join(dir, 'whole'), {}, {}, { dropout: 0.2 }));
    const first = await trainRecording(tinyRequest(corpus, join(dir, 'split'), { maxSteps: 7 }, {}, { dropout: 0.2 }));
    expect(first.result.stopped).toBe('steps');
    expect(first.result.meta.progress.step).toBe(7);
    const second = await trainRecording(tinyRequest(corpus, join(dir, 'split'), { resume: true }, {}, { dropout: 0.2 }));
    expect(second.result.meta.progress.step).toBe(whole.result.meta.progress.step);
    expect([...first.losses, ...second.losses]).toEqual(whole.losses);
    expect(second.result.meta.history).toEqual(whole.result.meta.history);
    expect(Array.from(loadCheckpoint(join(dir, 'split')).params.data)).toEqual(Array.from(loadCheckpoint(join(dir, 'whole')).params.data));
  });

  it('an aborted run saves and can be resumed to the uninterrupted run: losses and weights', async () => {
    const dir = tempDir();
    const corpus = writeCorpus(dir, syllableText(300));
    const abort = new AbortController();
    const out = join(dir, 'ck');
    const first = await trainRecording(tinyRequest(corpus, out, { signal: abort.signal }), { onStep: (s) => s.step === 3 && abort.abort() });
    expect(first.result.stopped).toBe('interrupted');
    expect(first.result.meta.progress.step).toBe(3);
    const again = await trainRecording(tinyRequest(corpus, out, { resume: true, maxSteps: 5 }));
    const whole = await trainRecording(tinyRequest(corpus, join(dir, 'whole'), { maxSteps: 5 }));
    expect([...first.losses, ...again.losses]).toEqual(whole.losses);
    expect(Array.from(loadCheckpoint(out).params.data)).toEqual(Array.from(loadCheckpoint(join(dir, 'whole')).params.data));
  });

  it('resume keeps the saved settings; only given overrides (epochs, time, patience, eval-every) change', async () => {
    const dir = tempDir();
    const corpus = writeCorpus(dir, syllableText(300));
    const out = join(dir, 'ck');
    const first = await trainRecording(tinyRequest(corpus, out, { maxSteps: 3 }, { epochs: 2 }));
    const perEpoch = first.result.meta.progress.step / first.result.meta.progress.epoch;
    // A request with other training settings but no overrides: the checkpoint's win.
    const kept = await trainRecording(tinyRequest(corpus, out, { resume: true }, { epochs: 50, lr: 0.5, seqLen: 4 }));
    expect(kept.result.stopped).toBe('epochs');
    expect(kept.result.meta.progress.step).toBe(2 * perEpoch);
    expect(kept.result.meta.training).toMatchObject({ epochs: 2, lr: 0.01, seqLen: 16 });
    const longer = await trainRecording(tinyRequest(corpus, out, { resume: true, resumeOverrides: { epochs: 3 } }));
    expect(longer.result.meta.progress.step).toBe(3 * perEpoch);
    expect(longer.losses.length).toBe(perEpoch);
  });

  it('keeps the tensor count flat across steps', async () => {
    const dir = tempDir();
    const corpus = writeCorpus(dir, syllableText(300));
    const counts: number[] = [];
    await trainRecording(tinyRequest(corpus, join(dir, 'm'), {}, { epochs: 3 }, { layers: 2, cell: 'gru', dropout: 0.1 }), {
      onStep: () => counts.push(tf.memory().numTensors),
    });
    expect(counts.length).toBeGreaterThan(10);
    expect(new Set(counts).size).toBe(1);
  });

  it('stops at a time budget', async () => {
    const dir = tempDir();
    const corpus = writeCorpus(dir, syllableText(300));
    const { result } = await trainRecording(tinyRequest(corpus, join(dir, 't'), {}, { epochs: 10000, time: 1 }));
    expect(result.stopped).toBe('time');
    expect(result.seconds).toBeLessThan(10);
  });

  it('stops early on a validation plateau (patience)', async () => {
    const dir = tempDir();
    const corpus = writeCorpus(dir, syllableText(200));
    const { result } = await trainRecording(tinyRequest(corpus, join(dir, 'p'), {}, { epochs: 10000, evalEvery: 1, patience: 2, lr: 0.5, clip: 0 }));
    expect(result.stopped).toBe('patience');
    expect(result.meta.progress.evalsWithoutImprovement).toBe(2);
  });

  it('shuffled epochs and a random split keep exact resume, bit for bit, across an epoch boundary', async () => {
    const dir = tempDir();
    const corpus = writeCorpus(dir, syllableText(400));
    const t = { shuffle: true, split: 'random' as const, epochs: 3 };
    const whole = await trainRecording(tinyRequest(corpus, join(dir, 'whole'), {}, t));
    const perEpoch = Math.round(whole.result.meta.progress.step / 3);
    const first = await trainRecording(tinyRequest(corpus, join(dir, 'split'), { maxSteps: perEpoch + 2 }, t));
    const second = await trainRecording(tinyRequest(corpus, join(dir, 'split'), { resume: true }, t));
    expect([...first.losses, ...second.losses]).toEqual(whole.losses);
    expect(second.result.meta.history).toEqual(whole.result.meta.history);
    expect(second.result.meta.training).toMatchObject({ shuffle: true, split: 'random' });
    expect(Array.from(loadCheckpoint(join(dir, 'split')).params.data)).toEqual(Array.from(loadCheckpoint(join(dir, 'whole')).params.data));
    // The order changes what is learned: the same run in file order takes other steps.
    const ordered = await trainRecording(tinyRequest(corpus, join(dir, 'ordered'), {}, { ...t, shuffle: false }));
    expect(ordered.losses.slice(perEpoch, perEpoch + 5)).not.toEqual(whole.losses.slice(perEpoch, perEpoch + 5));
  });

  it('document mode in shuffled chunks keeps exact resume across an epoch boundary', async () => {
    const dir = tempDir();
    const corpus = writeCorpus(dir, syllableText(300).replace(/\n/g, ' '));
    const t = { shuffle: true, split: 'blocks' as const, epochs: 2, seqLen: 8 };
    const whole = await trainRecording(tinyRequest(corpus, join(dir, 'whole'), { segmentation: 'document' }, t));
    const perEpoch = whole.result.meta.progress.step / 2;
    expect(Number.isInteger(perEpoch)).toBe(true);
    const first = await trainRecording(tinyRequest(corpus, join(dir, 'split'), { segmentation: 'document', maxSteps: perEpoch + 3 }, t));
    const second = await trainRecording(tinyRequest(corpus, join(dir, 'split'), { resume: true }, t));
    expect([...first.losses, ...second.losses]).toEqual(whole.losses);
    expect(Array.from(loadCheckpoint(join(dir, 'split')).params.data)).toEqual(Array.from(loadCheckpoint(join(dir, 'whole')).params.data));
    const inOrder = await trainRecording(tinyRequest(corpus, join(dir, 'o'), { segmentation: 'document' }, { ...t, shuffle: false }));
    expect(inOrder.losses.slice(0, 10)).not.toEqual(whole.losses.slice(0, 10));
  });

  it('the cosine schedule ends at the deadline (a fake clock)', async () => {
    const dir = tempDir();
    const corpus = writeCorpus(dir, syllableText(300));
    let ms = 0;
    const lrs: number[] = [];
    const { result } = await trainRecording(
      tinyRequest(corpus, join(dir, 'c'), { clock: () => (ms += 20) }, { epochs: null, time: 3, schedule: 'cosine', warmup: 2, lr: 0.01, evalEvery: 1000 }),
      { onStep: (s) => lrs.push(s.lr) },
    );
    expect(result.stopped).toBe('time');
    expect(lrs.length).toBeGreaterThan(20);
    expect(lrs[0]).toBeCloseTo(0.005, 4); // warm-up step 1 of 2
    expect(Math.max(...lrs)).toBeGreaterThan(0.0095);
    for (let i = 3; i < lrs.length; i++) expect(lrs[i]).toBeLessThanOrEqual(lrs[i - 1]!);
    expect(lrs[lrs.length - 1]).toBeGreaterThanOrEqual(0.001);
    expect(lrs[lrs.length - 1]).toBeLessThan(0.00105); // the floor, 10% of the peak, at the deadline
  });

  it('auto settings are resolved from the corpus and recorded', async () => {
    const dir = tempDir();
    const corpus = writeCorpus(dir, syllableText(300));
    const { result } = await trainRecording(
      tinyRequest(
        corpus,
        join(dir, 'a'),
        { segmentation: 'auto', maxSteps: 2, model: { cell: 'lstm', layers: 'auto', hidden: 'auto', dropout: 'auto' } },
        { split: 'auto', shuffle: 'auto', schedule: 'auto', seqLen: 'auto', batchSize: 'auto', epochs: 'auto', patience: 'auto' },
      ),
    );
    const m = result.meta;
    expect(m.segmentation).toBe('line');
    expect(m.training).toMatchObject({ split: 'random', shuffle: true, schedule: 'plateau', seqLen: 64, batchSize: 32, epochs: 50, patience: 3 });
    expect(m.model).toMatchObject({ layers: 1, hidden: 128, dropout: 0.2 });
  });
});
