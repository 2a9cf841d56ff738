// Hostile text, property-based (fast-check): arbitrary Unicode, lone surrogates, NUL and
// control characters, very long lines. Nothing crashes; round trips hold; scores are
// finite log-probabilities ≤ 0; unknown prime characters are a clear error or <UNK>.
import fc from 'fast-check';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node/backend.js';
import { loadCheckpoint } from '../node/checkpoint-files.js';
import { type Loaded } from '../checkpoint/types.js';
import { decodeText } from '../text/corpus.js';
import { RnnlmError } from '../common/errors.js';
import { Stepper } from '../model/stepper.js';
import { Rng } from '../common/rng.js';
import { sampleText } from './sample.js';
import { scoreSentence } from './sentence.js';
import { syllableText, tempDir, tinyRequest, writeCorpus } from '../testing/fixtures.js';
import { Vocab, codePoints } from '../text/tokenizer.js';
import { train } from '../node/training-run.js';

/** One unit of hostile text: any code point, a lone surrogate, NUL/control, or ASCII. */
const unit = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
  fc.constantFrom('\u0000', '\r\n', '\n', '\u200d', '\u0301', '😀', '\uFEFF'),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 3 }),
);
const hostile = fc.string({ unit, maxLength: 60 });

/** 1 MB of text without a newline. */
const longLine = () =>
  syllableText(200_000)
    .replace(/\n/g, ' ')
    .slice(0, 2 ** 20);

let ck: Loaded;
let stepper: Stepper;

beforeAll(async () => {
  await initBackend('wasm');
  const root = tempDir();
  const corpus = writeCorpus(root, syllableText(200));
  await train(tinyRequest(corpus, join(root, 'ck'), {}, { epochs: 1 }, { hidden: 8 }));
  ck = loadCheckpoint(join(root, 'ck'));
  stepper = new Stepper(ck.params);
});

describe('tokenizer', () => {
  it('round trips any string, lone surrogates included', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const v = Vocab.fromText(s);
        expect(v.decode(v.encode(s).ids)).toBe(s);
        expect(
          codePoints(s)
            .map((c) => String.fromCodePoint(c))
            .join(''),
        ).toBe(s);
      }),
      { numRuns: 300 },
    );
  });

  it('vocabulary JSON round trip holds for any characters', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const v = Vocab.fromText(s);
        expect(Vocab.fromJSON(JSON.parse(JSON.stringify(v.toJSON()))).tokens).toEqual(v.tokens);
      }),
      { numRuns: 200 },
    );
  });

  it('a 1 MB line without a newline round trips', () => {
    const line = longLine();
    const v = Vocab.fromText(line);
    expect(v.decode(v.encode(line).ids)).toBe(line);
  });

  it('decoding arbitrary bytes gives text or a clear error, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          const t = decodeText(bytes, 'x.txt');
          expect(t).not.toContain('\r');
        } catch (e) {
          expect(e).toBeInstanceOf(RnnlmError);
          expect((e as RnnlmError).exitCode).toBe(2);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('score and sample on hostile text', () => {
  it('score is a finite log-probability ≤ 0, OOV counted', () => {
    fc.assert(
      fc.property(hostile, fc.boolean(), (s, noEos) => {
        const r = scoreSentence(stepper, ck.vocab, s, { noEos });
        expect(Number.isFinite(r.logprob)).toBe(true);
        expect(r.logprob).toBeLessThanOrEqual(0);
        const read = codePoints(ck.vocab.normalized(s)); // what the model reads: NFC where its vocabulary normalises
        expect(r.oov).toBeLessThanOrEqual(read.length);
        expect(r.tokens).toBe(read.length + (noEos ? 0 : 1));
      }),
      { numRuns: 300 },
    );
  });

  it('a 1 MB sentence scores to a finite log-probability', () => {
    const line = longLine();
    const r = scoreSentence(stepper, ck.vocab, line);
    expect(Number.isFinite(r.logprob)).toBe(true);
    expect(r.tokens).toBe(2 ** 20 + 1);
  });

  it('sample --prime never crashes: a clear error, or <UNK> with unkOk', () => {
    fc.assert(
      fc.property(hostile, fc.integer({ min: 0, max: 2 ** 31 }), (prime, seed) => {
        try {
          sampleText(stepper, ck.vocab, { temperature: 1, prime, length: 10, stopAtEos: true, rng: new Rng(seed) });
        } catch (e) {
          expect(e).toBeInstanceOf(RnnlmError);
          expect((e as Error).message).toMatch(/--prime has \d+ character\(s\) not in the model's vocabulary/);
        }
        const ok = sampleText(stepper, ck.vocab, { temperature: 1, prime, unkOk: true, length: 10, stopAtEos: true, rng: new Rng(seed) });
        expect(ok.logprob).toBeLessThanOrEqual(0);
      }),
      { numRuns: 200 },
    );
  });
});
