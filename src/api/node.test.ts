// The Node API against the CLI: the same run gives the same checkpoint (losses step by step),
// a model opened from a folder, a zip's bytes or by path scores, samples and evaluates as
// `rnnlm score`, `sample` and `eval` print it, a run is cancelled by an AbortSignal and
// resumed to the uninterrupted run's losses, and errors are RnnlmError with a code.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { rnnlmOut, syllableText, tempDir, writeCorpus } from '../testing/fixtures.js';
import { openModel, RnnlmError, train, useBackend, type TrainEvent, type TrainOptions } from '../index.js';

const cli = rnnlmOut;
const jsonLines = (s: string) =>
  s
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

const work = tempDir('rnnlm-api-');
const corpus = writeCorpus(work, syllableText(300, 4));
const held = writeCorpus(work, syllableText(40, 9), 'held.txt');
// The same run both ways: small, 20 steps, one thread, wasm (what the CLI picks here).
const FLAGS = [
  '--from',
  'none',
  '--layers',
  '1',
  '--hidden',
  '16',
  '--seq-len',
  '16',
  '--batch-size',
  '8',
  '--lr',
  '0.01',
  '--warmup',
  '2',
  '--eval-every',
  '5',
  '--seed',
  '3',
  '--workers',
  '1',
  '--backend',
  'wasm',
];
const options = (out: string, over: Partial<TrainOptions> = {}): TrainOptions => ({
  corpus,
  out,
  steps: 20,
  from: 'none',
  model: { layers: 1, hidden: 16 },
  training: { seqLen: 16, batchSize: 8, lr: 0.01, warmup: 2, evalEvery: 5, seed: 3 },
  workers: 1,
  backend: 'wasm',
  ...over,
});
const history = (dir: string) => JSON.parse(readFileSync(join(dir, 'rnnlm.json'), 'utf8')).history as Array<{ step: number; train: number; val: number }>;

describe('the Node API', () => {
  const cliDir = join(work, 'cli');
  const apiDir = join(work, 'api');
  const steps: TrainEvent[] = [];

  beforeAll(async () => {
    cli(['train', corpus, '--out', cliDir, '--steps', '20', '-q', ...FLAGS]);
    const run = train(options(apiDir));
    for await (const e of run) steps.push(e);
    await run;
  });

  it('trains as `rnnlm train` does: the same checkpoint history, its events on the iterator', async () => {
    expect(await useBackend()).toBe('wasm');
    const a = history(apiDir);
    const b = history(cliDir);
    expect(a.map((h) => h.step)).toEqual([5, 10, 15, 20]);
    expect(a.length).toBe(b.length);
    a.forEach((h, i) => {
      expect(h.train).toBeCloseTo(b[i]!.train, 9);
      expect(h.val).toBeCloseTo(b[i]!.val, 9);
    });
    expect(steps[0]!.type).toBe('start');
    expect(steps.filter((e) => e.type === 'step').length).toBe(20);
    expect(steps.filter((e) => e.type === 'eval').length).toBe(4);
    expect(steps.some((e) => e.type === 'ngram')).toBe(true);
  });

  it('scores, samples and evaluates as the CLI prints it (1e-6), from a folder and from zip bytes', async () => {
    const texts = ['ka ti mo', 'zzq', 'lo'];
    const want = jsonLines(cli(['score', ...texts, '--model', apiDir, '--json']));
    const zip = zipSync(Object.fromEntries(['rnnlm.json', 'model.json', 'weights.bin', 'ngram.bin'].map((n) => [`m/${n}`, readFileSync(join(apiDir, n))])));
    for (const m of [await openModel(apiDir), await openModel(zip)]) {
      const got = await m.score(texts);
      got.forEach((g, i) => {
        expect(g.logprob).toBeCloseTo(want[i].logprob, 6);
        expect(g.oov).toBe(want[i].oov);
      });
      const noMix = jsonLines(cli(['score', ...texts, '--model', apiDir, '--json', '--no-mix']));
      (await m.score(texts, { mix: false })).forEach((g, i) => expect(g.logprob).toBeCloseTo(noMix[i].logprob, 6));
      const samples = jsonLines(cli(['sample', '--model', apiDir, '--seed', '5', '-n', '3', '--temp', '0.8', '--json']));
      expect(m.sample({ seed: 5, n: 3, temperature: 0.8 }).map((s) => s.text)).toEqual(samples.map((s) => s.text));
      const ev = JSON.parse(cli(['eval', held, '--model', apiDir, '--json', '--workers', '1']));
      const mine = await m.eval(readFileSync(held, 'utf8'));
      expect(mine.nats_per_char).toBeCloseTo(ev.nats_per_char, 6);
      expect(mine.parts!.network).toBeCloseTo(ev.parts.network, 6);
    }
  });

  it('a sample copied from the corpus says so', async () => {
    const m = await openModel(apiDir);
    const text = readFileSync(corpus, 'utf8');
    const s = m.sample({ seed: 1, n: 20, temperature: 0, corpus: text });
    const line = s[0]!.text; // temperature 0: the likeliest line, the same each time
    expect(s.every((x) => x.text === line)).toBe(true);
    expect(s[0]!.novelty).toBe(text.split('\n').includes(line) ? 'in corpus' : 'new');
    expect(m.sample({ seed: 1, prime: text.split('\n')[0]!, length: 0, corpus: text })[0]!.novelty).toBe('in corpus');
  });

  it('an AbortSignal stops a run cleanly; resumed, it takes the uninterrupted run’s steps', async () => {
    const dir = join(work, 'cancel');
    const stop = new AbortController();
    const first: number[] = [];
    const run = train(options(dir, { signal: stop.signal }));
    for await (const e of run) {
      if (e.type !== 'step') continue;
      first.push(e.loss);
      if (e.step === 7) stop.abort();
    }
    const r = await run;
    expect(r.stopped).toBe('interrupted');
    const rest: number[] = [];
    for await (const e of train({ corpus, out: dir, resume: true, steps: 20, workers: 1, backend: 'wasm' })) if (e.type === 'step') rest.push(e.loss);
    const whole = steps.filter((e) => e.type === 'step').map((e) => (e as { loss: number }).loss);
    expect([...first, ...rest]).toEqual(whole);
    expect(history(dir)).toEqual(history(apiDir));
  });

  it('trains on a text given as a string, and fails with RnnlmError codes', async () => {
    const dir = join(work, 'text');
    const r = await train(options(dir, { corpus: 'my-lines', text: readFileSync(corpus, 'utf8'), steps: 3 }));
    expect(r.steps).toBe(3);
    expect(JSON.parse(readFileSync(join(dir, 'rnnlm.json'), 'utf8')).corpus.path).toBe('my-lines');
    const bad = await openModel(join(work, 'nothing-here')).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(RnnlmError);
    expect((bad as RnnlmError).code).toBe('bad-input');
    const again = await Promise.resolve(train(options(dir, { steps: 3 }))).catch((e: unknown) => e);
    expect((again as RnnlmError).code).toBe('bad-input'); // the folder holds a checkpoint: force or resume
    expect(await Promise.resolve(train(options(dir, { time: 'soon' }))).catch((e: RnnlmError) => e.message)).toMatch(/time must be a positive duration/);
  });
});
