// Text as Unicode says (issue 33): a new model reads text in NFC wherever it enters, so a word
// typed with a combining accent is the same word; a checkpoint from before keeps reading text
// as it comes.

import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node/backend.js';
import { loadCheckpoint } from '../node/checkpoint-files.js';
import { Model } from '../api/model.js';
import { scoreSentence } from '../inference/sentence.js';
import { tempDir, tinyRequest, trainRecording, writeCorpus } from '../testing/fixtures.js';
import { Vocab } from './tokenizer.js';

const NFC = 'caf\u00e9';
const NFD = 'cafe\u0301';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('NFC', () => {
  it('a vocabulary that normalises reads NFD as NFC; its JSON says so; one without reads text as it comes', () => {
    const v = new Vocab(
      [...'acef\u00e9'].map((c) => c.codePointAt(0)!),
      'NFC',
    );
    expect(Array.from(v.encode(NFD).ids)).toEqual(Array.from(v.encode(NFC).ids));
    expect(v.encode(NFD).oov).toBe(0);
    expect(Vocab.fromJSON(v.toJSON()).normalize).toBe('NFC');
    const old = Vocab.fromJSON({ ...v.toJSON(), normalize: undefined });
    expect(old.normalize).toBeNull();
    expect(old.encode(NFD).ids).toHaveLength(5); // e and the combining accent, the accent unknown
    expect(old.encode(NFD).oov).toBe(1);
  });

  it('a new model trained on NFD text scores NFC and NFD alike, with no OOV; the text it trained on is in NFC', async () => {
    const dir = tempDir();
    const corpus = writeCorpus(dir, Array.from({ length: 200 }, (_, i) => (i % 2 ? `un ${NFD} noir` : `le ${NFC} cr\u00e8me`)).join('\n'));
    await trainRecording(tinyRequest(corpus, join(dir, 'ck'), { maxSteps: 3 }));
    const ck = loadCheckpoint(join(dir, 'ck'));
    expect(ck.vocab.normalize).toBe('NFC');
    expect(ck.vocab.hasToken('\u0301')).toBe(false); // the combining accent never became a token
    const p = new Model(ck).predictor();
    const a = scoreSentence(p, ck.vocab, `un ${NFD}`);
    const b = scoreSentence(p, ck.vocab, `un ${NFC}`);
    expect(a.oov).toBe(0);
    expect(a.logprob).toBe(b.logprob);
  });

  it('a checkpoint from before (no normalize in its vocabulary) keeps its numbers for NFD input', () => {
    const ck = loadCheckpoint(join(import.meta.dirname, '..', 'testing', 'flat-checkpoint'));
    expect(ck.vocab.normalize).toBeNull();
    // Its text (a few English words) has c, a, f and e, no accents: NFD is read as five
    // characters, the accent unknown; NFC as four, é unknown — as before, not made one.
    const d = scoreSentence(new Model(ck).predictor(), ck.vocab, NFD);
    const c = scoreSentence(new Model(ck).predictor(), ck.vocab, NFC);
    expect([d.tokens, d.oov]).toEqual([6, 1]);
    expect([c.tokens, c.oov]).toEqual([5, 1]);
    expect(d.logprob).not.toBe(c.logprob);
  });
});
