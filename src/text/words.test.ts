import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EOS, EOS_ID, streamOf, UNK, UNK_ID, Vocab } from './tokenizer.js';
import { countWords, joinWords, wordTokens } from './words.js';
import { buildCorpus } from './corpus.js';

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

describe('the word vocabulary (Vocab.fromWordCounts)', () => {
  it('keeps the N most frequent, ties by code-point order, after <EOS> and <UNK>', () => {
    const counts = countWords(['b a b a c', 'd c']);
    expect([...counts]).toEqual([
      ['b', 2],
      ['a', 2],
      ['c', 2],
      ['d', 1],
    ]);
    expect(Vocab.fromWordCounts(counts, 2).tokens).toEqual([EOS, UNK, 'a', 'b']);
    expect(Vocab.fromWordCounts(counts, 3).tokens).toEqual([EOS, UNK, 'a', 'b', 'c']);
    expect(Vocab.fromWordCounts(counts, 10).tokens).toEqual([EOS, UNK, 'a', 'b', 'c', 'd']);
    // The order of the text does not matter.
    expect(Vocab.fromWordCounts(countWords(['c d', 'a c b a b']), 3).tokens).toEqual([EOS, UNK, 'a', 'b', 'c']);
  });

  it('an unseen word is <UNK> and counted; decoding spaces the words as text', () => {
    const v = Vocab.fromWordCounts(countWords(['the cat sat.']), 10);
    const { ids, oov } = v.encode('the dog sat.');
    expect(Array.from(ids)).toEqual([v.tokenId('the'), UNK_ID, v.tokenId('sat'), v.tokenId('.')]);
    expect(oov).toBe(1);
    expect(v.decode(ids, '\n', '<UNK>')).toBe('the <UNK> sat.');
    expect(v.decode([...ids, EOS_ID, v.tokenId('cat')])).toBe('the \uFFFD sat.\ncat');
  });

  it('--lowercase: text is folded before it is cut and looked up', () => {
    const v = Vocab.fromWordCounts(countWords(['The Cat'], true), 10, true);
    expect(v.tokens).toEqual([EOS, UNK, 'cat', 'the']);
    expect(v.encode('THE cat').oov).toBe(0);
  });

  it('round-trips through rnnlm.json as version 2 (unit, lowercase); character vocabularies stay version 1', () => {
    const v = Vocab.fromWordCounts(countWords(['a b b c']), 10, true);
    const j = JSON.parse(JSON.stringify(v.toJSON()));
    expect(j).toMatchObject({ version: 2, unit: 'word', lowercase: true });
    const back = Vocab.fromJSON(j);
    expect(back.unit).toBe('word');
    expect(back.tokens).toEqual(v.tokens);
    expect(back.lowercase).toBe(true);
    const c = Vocab.fromText('abc');
    expect(c.toJSON()).toEqual({ format: 'rnnlm-vocab', version: 1, tokens: [EOS, UNK, 'a', 'b', 'c'], eos: 0, unk: 1 });
    expect(Vocab.fromJSON(c.toJSON()).unit).toBe('char');
    expect(() => Vocab.fromJSON({ ...j, tokens: [EOS, UNK, 'a', 'a'] })).toThrow(/unique, non-empty/);
  });

  it('streamOf gives each sequence’s word ids then <EOS>', () => {
    const v = Vocab.fromWordCounts(countWords(['a b', 'c']), 10);
    const { ids, oov } = streamOf(v, ['a b', 'c z']);
    expect(Array.from(ids)).toEqual([EOS_ID, v.tokenId('a'), v.tokenId('b'), EOS_ID, v.tokenId('c'), UNK_ID, EOS_ID]);
    expect(oov).toBe(1);
  });
});

describe('scripts without spaces (Intl.Segmenter, new word models)', () => {
  const JA = '東京都に住んでいます。今日は晴れ';

  it('a run of Japanese or Chinese is cut into words; without intl it stays one token, as models from before read it', () => {
    expect(wordTokens(JA, false, true)).toEqual(['東京', '都', 'に', '住', 'んで', 'い', 'ます', '。', '今日', 'は', '晴れ']);
    expect(wordTokens(JA)).toEqual(['東京都に住んでいます', '。', '今日は晴れ']);
    expect(wordTokens('He said "stop".', false, true)).toEqual(wordTokens('He said "stop".')); // spaced text unchanged
  });

  it('joined back without spaces between them, full-width punctuation closing', () => {
    expect(joinWords(wordTokens(JA, false, true), true)).toBe(JA);
    expect(joinWords(wordTokens('床前明月光，疑是地上霜。', false, true), true)).toBe('床前明月光，疑是地上霜。');
    expect(joinWords(['Tokyo', 'is', '東京', '.'], true)).toBe('Tokyo is 東京.');
  });

  it('a new word model cuts Japanese into words and says so in its vocabulary; one from before keeps its giant words', () => {
    const text = Array.from({ length: 30 }, () => JA).join('\n');
    const c = buildCorpus(text, 'ja.txt', { segmentation: 'line', minCount: 1, valFraction: 0, unit: 'word', normalize: 'NFC' });
    expect(c.vocab.intl).toBe(true);
    expect(c.vocab.toJSON().segmenter).toBe('intl');
    expect(c.vocab.encode(JA).ids).toHaveLength(11);
    expect(c.vocab.decode(c.vocab.encode(JA).ids)).toBe(JA);
    const old = Vocab.fromJSON({ ...c.vocab.toJSON(), segmenter: undefined, normalize: undefined });
    expect(old.split(JA)).toHaveLength(3);
  });
});
