import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EOS, UNK, UNK_ID } from './tokenizer.js';
import { countWords, joinWords, wordTokens, WordVocab } from './words.js';

// The word tokenizer on made-up text, with hand-worked token lists, and the round trip
// tokenize → join on text spaced as running text is written.

describe('wordTokens', () => {
  it.each([
    ['Cats average 15 hours of sleep a day.', ['Cats', 'average', '15', 'hours', 'of', 'sleep', 'a', 'day', '.']],
    ['The Egyptian Mau is a breed of cat.', ['The', 'Egyptian', 'Mau', 'is', 'a', 'breed', 'of', 'cat', '.']],
    ['He said "stop" (twice), then left!', ['He', 'said', '"', 'stop', '"', '(', 'twice', ')', ',', 'then', 'left', '!']],
    ["It's 50% off — isn't it?", ["It's", '50', '%', 'off', '—', "isn't", 'it', '?']],
    ['Pi is 3.14, not 3,14.', ['Pi', 'is', '3.14', ',', 'not', '3,14', '.']],
    ['the 15th well-known case', ['the', '15th', 'well-known', 'case']],
    ['Ёжик в тумане — 1975 год.', ['Ёжик', 'в', 'тумане', '—', '1975', 'год', '.']],
    ['café naïve 🙂 x', ['café', 'naïve', '🙂', 'x']],
    ['', []],
    ['  \n\t ', []],
  ])('%j', (text, want) => {
    expect(wordTokens(text)).toEqual(want);
  });

  it('--lowercase folds case', () => {
    expect(wordTokens('The Cat', true)).toEqual(['the', 'cat']);
  });
});

describe('joinWords: the spaces put back', () => {
  it.each([
    'Cats average 15 hours of sleep a day.',
    'He said "stop" (twice), then left!',
    "It's 50% off — isn't it?",
    'Pi is 3.14, not 3,14.',
    '“Quoted,” she wrote [sic]; ¿qué? ¡Sí!',
    'Ёжик в тумане — 1975 год.',
    'A list: one, two; three…',
  ])('round trip %j', (text) => {
    expect(joinWords(wordTokens(text))).toBe(text);
  });

  it('straight quotes pair up: open, then close', () => {
    expect(joinWords(['a', '"', 'b', '"', 'c', '"', 'd', '"'])).toBe('a "b" c "d"');
  });

  it('any text spaced by single spaces between words round-trips (property)', () => {
    const word = fc.stringMatching(/^[A-Za-zА-я]{1,8}$/);
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 12 }), fc.constantFrom('.', '!', '?', ''), (ws, end) => {
        const text = ws.join(' ') + end;
        expect(joinWords(wordTokens(text))).toBe(text);
      }),
    );
  });
});

describe('WordVocab', () => {
  it('keeps the N most frequent, ties by code-point order, after <EOS> and <UNK>', () => {
    const counts = countWords(['b a b a c', 'd c']);
    expect([...counts]).toEqual([['b', 2], ['a', 2], ['c', 2], ['d', 1]]);
    expect(WordVocab.fromCounts(counts, 2).tokens).toEqual([EOS, UNK, 'a', 'b']);
    expect(WordVocab.fromCounts(counts, 3).tokens).toEqual([EOS, UNK, 'a', 'b', 'c']);
    expect(WordVocab.fromCounts(counts, 10).tokens).toEqual([EOS, UNK, 'a', 'b', 'c', 'd']);
    // The order of the text does not matter.
    expect(WordVocab.fromCounts(countWords(['c d', 'a c b a b']), 3).tokens).toEqual([EOS, UNK, 'a', 'b', 'c']);
  });

  it('an unseen word is <UNK> and counted', () => {
    const v = WordVocab.fromCounts(countWords(['the cat sat']), 10);
    const { ids, oov } = v.encode(wordTokens('the dog sat'));
    expect(Array.from(ids)).toEqual([v.id('the'), UNK_ID, v.id('sat')]);
    expect(oov).toBe(1);
    expect(v.decode(ids)).toEqual(['the', UNK, 'sat']);
  });
});
