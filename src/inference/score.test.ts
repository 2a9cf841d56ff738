import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node/backend.js';
import { loadCheckpoint } from '../node/checkpoint-files.js';
import { type Loaded } from '../checkpoint/types.js';
import { runWindow, zeroState } from '../model/lm.js';
import { Stepper } from '../model/stepper.js';
import { Rng } from '../common/rng.js';
import { scoreSentence } from './sentence.js';
import { scoreText } from './score.js';
import { abText, tempDir, tinyRequest, writeCorpus } from '../testing/fixtures.js';
import { streamOf } from '../text/tokenizer.js';
import { train } from '../node/training-run.js';

let ck: Loaded;
let stepper: Stepper;

beforeAll(async () => {
  await initBackend('wasm');
  const root = tempDir();
  const corpus = writeCorpus(root, abText(400));
  const dir = join(root, 'ab');
  await train(tinyRequest(corpus, dir, {}, { epochs: 3 }, { hidden: 8, layers: 2 }));
  ck = loadCheckpoint(dir);
  stepper = new Stepper(ck.params);
  expect(ck.vocab.tokens).toEqual(['<EOS>', '<UNK>', 'a', 'b']);
});

const P = (s: string, noEos = false) => Math.exp(scoreSentence(stepper, ck.vocab, s, { noEos }).logprob);

describe('score is a probability distribution', () => {
  it('Σ over next symbols (a, b, <UNK>, <EOS>) of P(next | prefix) = 1', () => {
    const r = new Rng(2);
    for (let k = 0; k < 20; k++) {
      let prefix = '';
      const len = Math.floor(r.next() * 8);
      for (let i = 0; i < len; i++) prefix += 'abz'[Math.floor(r.next() * 3)];
      const base = P(prefix, true);
      const total = (P(prefix + 'a', true) + P(prefix + 'b', true) + P(prefix + 'z', true) + P(prefix)) / base;
      expect(Math.abs(total - 1)).toBeLessThan(1e-6);
    }
  });

  it('Σ over all strings of length ≤ 6 of P(string) + P(no <EOS> within 6) = 1', () => {
    // P(no <EOS> within 6) = P(the sequence has more than 6 characters) = Σ over
    // 7-character prefixes of P(prefix) (scored with --no-eos).
    let total = 0;
    let layer = [''];
    for (let len = 0; len <= 7; len++) {
      for (const s of layer) total += len <= 6 ? P(s) : P(s, true);
      layer = layer.flatMap((s) => ['a', 'b', 'z'].map((c) => s + c));
    }
    expect(Math.abs(total - 1)).toBeLessThan(1e-5);
  });

  it('the empty sentence has probability P(<EOS> | <EOS>), one token', () => {
    const s = scoreSentence(stepper, ck.vocab, '');
    stepper.reset();
    expect(s.logprob).toBeCloseTo(stepper.step(0)[0]!, 12);
    expect(s.tokens).toBe(1);
  });

  it('counts OOV characters and reports KenLM-style numbers', () => {
    const s = scoreSentence(stepper, ck.vocab, 'abzzb');
    expect(s.oov).toBe(2);
    expect(s.tokens).toBe(6);
    expect(s.log10prob).toBeCloseTo(s.logprob / Math.LN10, 12);
    expect(s.bpc).toBeCloseTo(-s.logprob / Math.LN2 / 6, 12);
    expect(s.ppl).toBeCloseTo(Math.exp(-s.logprob / 6), 9);
  });

  it('a 100k-character input gives a finite log-probability (sums of logs, no underflow)', () => {
    const s = scoreSentence(stepper, ck.vocab, 'ab'.repeat(50_000));
    expect(Number.isFinite(s.logprob)).toBe(true);
    expect(s.logprob).toBeLessThan(-1000);
    expect(s.prob).toBe(0); // underflows as a double; logprob carries it
  });
});

describe('consistency', () => {
  it('score = eval on a one-line file = training loss on that sequence', async () => {
    const sentence = 'abbab';
    const s = scoreSentence(stepper, ck.vocab, sentence);
    const e = await scoreText(ck.params, ck.vocab, sentence + '\n', 'line');
    expect(e.tokens).toBe(s.tokens);
    expect(Math.abs(e.logprob - s.logprob) / Math.abs(s.logprob)).toBeLessThan(1e-5);
    const stream = streamOf(ck.vocab, [sentence]).ids;
    const T = stream.length - 1;
    const win = {
      batch: 1,
      time: T,
      inputs: Int32Array.from(stream.subarray(0, T)),
      targets: Int32Array.from(stream.subarray(1)),
      weights: new Float32Array(T).fill(1),
    };
    const loss = (await runWindow(ck.params, win, zeroState(ck.params.config, 1), { train: true, lossScale: 1 })).loss;
    expect(Math.abs(loss + s.logprob) / Math.abs(s.logprob)).toBeLessThan(1e-5);
  });

  it('eval of many lines = sum of the sentence scores (batched rows exact)', async () => {
    const lines = ['ab', 'abbba', 'a', 'aab', 'abz', 'b', 'abababab'];
    const e = await scoreText(ck.params, ck.vocab, lines.join('\n'), 'line');
    const sum = lines.reduce((a, l) => a + scoreSentence(stepper, ck.vocab, l).logprob, 0);
    expect(e.sequences).toBe(7);
    expect(e.oov).toBe(1);
    expect(Math.abs(e.logprob - sum) / Math.abs(sum)).toBeLessThan(1e-5);
    expect(e.ppl_excl_oov).toBeLessThan(e.ppl * 10);
    expect(e.bpc).toBeCloseTo(-sum / Math.LN2 / e.tokens, 4);
  });

  it('a one-document file is scored by the Stepper, with the batched result (and the same OOV count)', async () => {
    const doc = abText(3000).replace(/\n/g, 'ab') + 'zab'; // one long sequence, one unseen character
    let unit = '';
    const fast = await scoreText(ck.params, ck.vocab, doc, 'document', { onProgress: (_, __, u) => (unit = u) });
    const batched = await scoreText(ck.params, ck.vocab, doc, 'document', { path: 'batched' });
    expect(unit).toBe('characters');
    expect(fast.tokens).toBe(batched.tokens);
    expect(fast.tokens).toBeGreaterThan(8000);
    expect(fast.oov).toBe(1);
    expect(batched.oov).toBe(1);
    const rel = Math.abs(fast.logprob - batched.logprob) / Math.abs(batched.logprob);
    console.log(`stepper vs batched, ${fast.tokens} tokens: relative difference ${rel.toExponential(2)}`);
    expect(rel).toBeLessThan(1e-6);
    expect(Math.abs(fast.ppl_excl_oov - batched.ppl_excl_oov) / batched.ppl_excl_oov).toBeLessThan(1e-6);
  });
});
