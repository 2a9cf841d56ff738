import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../node/backend.js';
import { decodeText } from './corpus.js';
import { EOS, EOS_ID, UNK, UNK_ID, VOCAB_VERSION, Vocab, codePoints, oneHot, segment, streamOf } from './tokenizer.js';

const roundTrip = (text: string) => {
  const v = Vocab.fromText(text);
  return v.decode(v.encode(text).ids);
};

describe('code points', () => {
  it.each([
    ['empty', ''],
    ['one character', 'a'],
    ['emoji (surrogate pair)', 'hi 😀!'],
    ['flag and ZWJ family', '🇫🇷 👨‍👩‍👧'],
    ['combining marks', 'e\u0301 n\u0303'],
    ['CJK and RTL', '漢字 שלום'],
  ])('round trip: %s', (_, text) => {
    expect(roundTrip(text)).toBe(text);
  });

  it('never splits a surrogate pair', () => {
    expect(codePoints('a😀')).toEqual([0x61, 0x1f600]);
    const v = Vocab.fromText('😀😀');
    expect(v.size).toBe(3); // <EOS>, <UNK>, 😀
    expect(v.tokens[2]).toBe('😀');
    expect(Array.from(v.encode('😀😀').ids)).toEqual([2, 2]);
  });

  it('keeps a combining mark as its own character', () => {
    expect(Vocab.fromText('e\u0301').tokens.slice(2)).toEqual(['e', '\u0301']);
  });
});

describe('decodeText', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  it('normalises CRLF and lone CR', () => {
    expect(decodeText(bytes('a\r\nb\rc\n'), 'x')).toBe('a\nb\nc\n');
  });
  it('strips a UTF-8 BOM', () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x62]), 'x')).toBe('ab');
  });
});

describe('segmentation and <EOS>', () => {
  const text = 'ab\n\ncd\nef\n\n\ngh\n';
  it('line: each non-empty line', () => {
    expect(segment(text, 'line')).toEqual(['ab', 'cd', 'ef', 'gh']);
  });
  it('paragraph: blank-line separated, inner newlines kept', () => {
    expect(segment(text, 'paragraph')).toEqual(['ab', 'cd\nef', 'gh']);
  });
  it('document: the whole text, trailing newlines dropped', () => {
    expect(segment(text, 'document')).toEqual(['ab\n\ncd\nef\n\n\ngh']);
  });
  it('whitespace-only lines are blank', () => {
    expect(segment('a\n  \t\nb', 'paragraph')).toEqual(['a', 'b']);
  });
  it('stream: <EOS> first and after every sequence', () => {
    const v = Vocab.fromText('abc');
    const { ids } = streamOf(v, ['ab', 'c']);
    expect(Array.from(ids)).toEqual([EOS_ID, 2, 3, EOS_ID, 4, EOS_ID]);
    expect(v.decode(ids, '|')).toBe('|ab|c|');
  });
  it('stream of no sequences is one <EOS>', () => {
    expect(Array.from(streamOf(Vocab.fromText('ab'), []).ids)).toEqual([EOS_ID]);
  });
});

describe('<UNK>', () => {
  it('maps characters below min-count and counts them', () => {
    const v = Vocab.fromText('aaabbc', 2); // c seen once
    expect(v.tokens).toEqual([EOS, UNK, 'a', 'b']);
    const { ids, oov } = v.encode('abcxc');
    expect(Array.from(ids)).toEqual([2, 3, UNK_ID, UNK_ID, UNK_ID]);
    expect(oov).toBe(3);
  });
  it('exists with min-count 1 even when nothing maps to it', () => {
    const v = Vocab.fromText('ab');
    expect(v.tokens[UNK_ID]).toBe(UNK);
    expect(v.encode('ab').oov).toBe(0);
  });
  it('stream counts OOV', () => {
    expect(streamOf(Vocab.fromText('ab'), ['abz', 'zz']).oov).toBe(3);
  });
  it('decodes <UNK> as U+FFFD', () => {
    expect(Vocab.fromText('a').decode([2, UNK_ID])).toBe('a\uFFFD');
  });
});

describe('vocabulary order and JSON', () => {
  it('is sorted by code point whatever the corpus order', () => {
    expect(Vocab.fromText('cab😀 ').tokens.slice(2)).toEqual([' ', 'a', 'b', 'c', '😀']);
    expect(Vocab.fromText('bca').tokens).toEqual(Vocab.fromText('abc').tokens);
  });
  it('round trips through JSON', () => {
    const v = Vocab.fromText('hello 😀 wörld\n');
    const back = Vocab.fromJSON(JSON.parse(JSON.stringify(v.toJSON())));
    expect(back.tokens).toEqual(v.tokens);
    expect(Array.from(back.encode('wörld😀').ids)).toEqual(Array.from(v.encode('wörld😀').ids));
  });
  it('rejects another version, format, or bad specials', () => {
    const j = Vocab.fromText('ab').toJSON();
    expect(() => Vocab.fromJSON({ ...j, version: 3 })).toThrow(/version 3 is not supported/);
    // Version 2 is a word vocabulary: it must say so.
    expect(() => Vocab.fromJSON({ ...j, version: VOCAB_VERSION + 1 })).toThrow(/unit undefined is not "char" or "word"/);
    expect(() => Vocab.fromJSON({ ...j, format: 'x' })).toThrow(/not an rnnlm vocabulary/);
    expect(() => Vocab.fromJSON({ ...j, tokens: ['a', UNK, 'b'] })).toThrow(/must start with/);
    expect(() => Vocab.fromJSON({ ...j, tokens: [EOS, UNK, 'a', 'a'] })).toThrow(/single, unique/);
    expect(() => Vocab.fromJSON({ ...j, tokens: [EOS, UNK, 'ab'] })).toThrow(/single, unique/);
  });
});

describe('one-hot', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });
  it('hand-worked rows', () => {
    expect(Array.from(oneHot([2, 0], 4))).toEqual([0, 0, 1, 0, 1, 0, 0, 0]);
  });
  it('one-hot · W equals looking up rows of W', () => {
    const V = 6;
    const W = tf.randomNormal([V, 5], 0, 1, 'float32', 3);
    const ids = [3, 0, 5, 5, 1];
    const product = tf.matMul(tf.tensor2d(oneHot(ids, V), [ids.length, V]), W).arraySync() as number[][];
    const rows = W.arraySync() as number[][];
    ids.forEach((id, r) => product[r]!.forEach((x, j) => expect(x).toBeCloseTo(rows[id]![j]!, 6)));
  });
});
