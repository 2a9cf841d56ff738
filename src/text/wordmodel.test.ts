// Word-level models (`train --unit word`) end to end on a made-up text of sentences: score is a
// probability distribution over the next word (<EOS> and <UNK> included), an unseen word
// scores as <UNK> and is counted, a sentence's training loss equals −ln P from score, samples
// read as spaced text, the checkpoint keeps the word vocabulary, and resume goes on exactly.

import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node/backend.js';
import { loadCheckpoint } from '../node/checkpoint-files.js';
import { type Loaded } from '../checkpoint/types.js';
import { runWindow, zeroState } from '../model/lm.js';
import { Stepper } from '../model/stepper.js';
import { Rng } from '../common/rng.js';
import { sampleText } from '../inference/sample.js';
import { scoreSentence } from '../inference/sentence.js';
import { tempDir, tinyRequest, writeCorpus } from '../testing/fixtures.js';
import { streamOf, UNK_ID } from './tokenizer.js';
import { train } from '../node/training-run.js';
import { wordTokens } from './words.js';

const WORDS = ['the', 'cat', 'dog', 'sat', 'ran', 'on', 'mat', 'home', 'a', 'big'];

/** Lines of 3–7 words from WORDS, ending with "." or "!", fixed seed. */
function sentences(n: number): string {
  const r = new Rng(4);
  return (
    Array.from({ length: n }, () => {
      const k = 3 + Math.floor(r.next() * 5);
      const ws = Array.from({ length: k }, () => WORDS[Math.floor(r.next() * WORDS.length)]!);
      ws[0] = ws[0]![0]!.toUpperCase() + ws[0]!.slice(1);
      return ws.join(' ') + (r.next() < 0.8 ? '.' : '!');
    }).join('\n') + '\n'
  );
}

let root: string;
let corpus: string;
let ck: Loaded;
let stepper: Stepper;

beforeAll(async () => {
  await initBackend('wasm');
  root = tempDir('rnnlm-words-');
  corpus = writeCorpus(root, sentences(300));
  await train(tinyRequest(corpus, join(root, 'ck'), {}, { epochs: 2, unit: 'word', vocabSize: 40 }, { hidden: 16 }));
  ck = loadCheckpoint(join(root, 'ck'));
  stepper = new Stepper(ck.params);
});

const lnP = (s: string, noEos = false) => scoreSentence(stepper, ck.vocab, s, { noEos }).logprob;

describe('a word model', () => {
  it('keeps the word vocabulary: every token of the training split (fewer than 40) after <EOS> and <UNK>', () => {
    expect(ck.vocab.unit).toBe('word');
    const distinct = new Set(
      sentences(300)
        .split('\n')
        .flatMap((l) => wordTokens(l)),
    ).size;
    expect(distinct).toBeLessThan(40);
    expect(ck.vocab.size).toBeLessThanOrEqual(2 + distinct); // the validation split may hold a few the training split lacks
    expect(ck.vocab.size).toBeGreaterThan(2 + WORDS.length);
    expect(ck.meta.vocab).toMatchObject({ version: 2, unit: 'word', lowercase: false });
    expect(ck.meta.training).toMatchObject({ unit: 'word', vocabSize: 40 });
    expect(ck.vocab.tokens).toContain('.');
    expect(ck.vocab.tokens).toContain('cat');
  });

  it('Σ over the vocabulary of P(next word | prefix) = 1 (<EOS> and <UNK> included)', () => {
    const known = ck.vocab.tokens.slice(2);
    for (const prefix of ['', 'The', 'The cat', 'A big dog sat on', 'The zebra']) {
      const base = lnP(prefix, true);
      // Each known word appended, a word never seen (<UNK>), and the end (<EOS>).
      let total = Math.exp(lnP(prefix) - base) + Math.exp(lnP(`${prefix} zebra`, true) - base);
      for (const w of known) total += Math.exp(lnP(prefix === '' ? w : `${prefix} ${w}`, true) - base);
      expect(Math.abs(total - 1), prefix).toBeLessThan(1e-6);
    }
  });

  it('an unseen word scores as <UNK>, is counted, and is shown as written', () => {
    const s = scoreSentence(stepper, ck.vocab, 'The zebra sat.', { perChar: true });
    expect(s.unit).toBe('word');
    expect(s.tokens).toBe(5); // The zebra sat . <EOS>
    expect(s.oov).toBe(1);
    expect(s.chars!.map((c) => c.char)).toEqual(['The', 'zebra', 'sat', '.', '<EOS>']);
    expect(s.chars![1]!.oov).toBe(true);
    // P(zebra) is P(<UNK>) there: the same as for any other unseen word.
    expect(lnP('The zebra sat.')).toBeCloseTo(lnP('The okapi sat.'), 12);
    // Bits per character of the text: the total over its 14 characters + 1 for <EOS>.
    expect(s.textBpc!).toBeCloseTo(-s.logprob / Math.LN2 / 15, 12);
  });

  it('the training loss of a sentence equals −ln P from score', async () => {
    const text = 'The cat sat on a mat.';
    const { ids } = streamOf(ck.vocab, [text]);
    expect(Array.from(ids)).not.toContain(UNK_ID);
    const n = ids.length - 1; // [EOS, The, cat, sat, on, a, mat, ., EOS]: 8 predictions
    const win = { batch: 1, time: n, inputs: Int32Array.from(ids.slice(0, n)), targets: Int32Array.from(ids.slice(1)), weights: new Float32Array(n).fill(1) };
    const loss = (await runWindow(ck.params, win, zeroState(ck.params.config, 1), { train: true, lossScale: 1 })).loss;
    const net = scoreSentence(new Stepper(ck.params), ck.vocab, text).logprob; // the network alone, as training sees it
    expect(Math.abs(loss + net) / Math.abs(net)).toBeLessThan(1e-5);
  });

  it('samples are words spaced as text: no space before "." or "!"', () => {
    const s = sampleText(stepper, ck.vocab, { temperature: 1, length: 40, stopAtEos: true, rng: new Rng(3) });
    expect(s.text.length).toBeGreaterThan(0);
    expect(s.text).not.toMatch(/ [.!]/);
    expect(s.text).not.toMatch(/\S[A-Za-z]+[A-Z]/); // words are not glued together
    for (const w of s.text.replace(/[.!]/g, ' ').split(/\s+/).filter(Boolean)) expect(WORDS).toContain(w.toLowerCase());
  });

  it('a resumed word run takes the same steps as one never stopped', async () => {
    const losses = async (dir: string, over: object) => {
      const l: number[] = [];
      await train(tinyRequest(corpus, dir, over, { epochs: 2, unit: 'word', vocabSize: 40 }, { hidden: 16 }), { onStep: (s) => l.push(s.loss) });
      return l;
    };
    const whole = await losses(join(root, 'whole'), { maxSteps: 8 });
    const first = await losses(join(root, 'parts'), { maxSteps: 4 });
    const rest = await losses(join(root, 'parts'), { maxSteps: 8, resume: true });
    expect([...first, ...rest]).toEqual(whole);
  });

  it('trained with a sampled softmax (--samples): exact resume, and the model still scores with the full softmax (a distribution)', async () => {
    const run = async (dir: string, over: object) => {
      const l: number[] = [];
      await train(tinyRequest(corpus, dir, over, { epochs: 2, unit: 'word', vocabSize: 40, samples: 5 }, { hidden: 16 }), { onStep: (s) => l.push(s.loss) });
      return l;
    };
    const whole = await run(join(root, 's-whole'), { maxSteps: 8 });
    const first = await run(join(root, 's-parts'), { maxSteps: 4 });
    const rest = await run(join(root, 's-parts'), { maxSteps: 8, resume: true });
    expect([...first, ...rest]).toEqual(whole);
    const s = new Stepper(loadCheckpoint(join(root, 's-whole')).params);
    const lp = s.step(0);
    expect(lp.reduce((a, x) => a + Math.exp(x), 0)).toBeCloseTo(1, 6);
  });
});
