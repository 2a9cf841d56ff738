import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RnnlmError } from '../common/errors.js';
import {
  buildCorpus,
  chunkOrder,
  chunkWindowAt,
  chunkWindowCount,
  eosPositions,
  rowBounds,
  shuffledStream,
  wholeLines,
  windowAt,
  windowCount,
} from './corpus.js';
import { readText } from '../node/textfile.js';
import { EOS_ID, Vocab, streamOf, type Tokens } from './tokenizer.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnlm-corpus-'));
const file = (name: string, data: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};

function expectInputError(f: () => unknown, re: RegExp) {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RnnlmError);
    expect((e as RnnlmError).exitCode).toBe(2);
    expect((e as Error).message).toMatch(re);
    expect((e as Error).message).not.toContain('\n');
    return;
  }
  throw new Error('expected an error');
}

describe('reading a corpus', () => {
  it('rejects a missing path', () => expectInputError(() => readText(join(dir, 'nope.txt')), /nope\.txt: no such file/));
  it('rejects a directory', () => {
    mkdirSync(join(dir, 'sub'));
    expectInputError(() => readText(join(dir, 'sub')), /sub: is a directory/);
  });
  it('rejects an empty file', () => expectInputError(() => readText(file('empty.txt', '')), /empty\.txt: is empty/));
  it('rejects a whitespace-only file', () => expectInputError(() => readText(file('ws.txt', ' \n\n\t \r\n')), /ws\.txt: contains only whitespace/));
  it('rejects binary data', () => {
    const bin = new Uint8Array(4096).map((_, i) => (i * 7919) % 256);
    expectInputError(() => readText(file('bin.dat', bin)), /bin\.dat: looks binary/);
  });
  it('a Latin-1 file is not binary: it is named for what it is, with the command that converts it', () => {
    const latin1 = Uint8Array.from(Buffer.from('Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e\nna\u00efve r\u00e9sum\u00e9\n', 'latin1'));
    expectInputError(
      () => readText(file('fr.txt', latin1)),
      /fr\.txt: is not UTF-8 \(7 bytes are not\): probably Latin-1 or Windows-1252; convert it first, e\.g\. iconv -f windows-1252 -t utf-8 .*fr\.txt > .*fr\.utf8\.txt/,
    );
  });
  it('accepts a large text with one bad byte (becomes U+FFFD)', () => {
    const bytes = Buffer.concat([Buffer.from('a'.repeat(1000)), Buffer.from([0xff]), Buffer.from('b')]);
    expect(readText(file('mostly.txt', bytes))).toBe('a'.repeat(1000) + '\uFFFDb');
  });
  it('rejects fewer than two distinct characters', () => {
    expectInputError(
      () => buildCorpus('aaaa\naaa\n', 'one.txt', { segmentation: 'line', minCount: 1, valFraction: 0.1 }),
      /one\.txt: has fewer than two distinct characters/,
    );
  });
});

describe('building a corpus', () => {
  it('holds out the last sequences for validation, vocabulary from training only', () => {
    const c = buildCorpus('ab\nba\nab\nba\nab\nba\nab\nba\nab\nxyz\n', 'c.txt', { segmentation: 'line', minCount: 1, valFraction: 0.1 });
    expect(c.sequences).toEqual({ train: 9, val: 1 });
    expect(c.vocab.tokens.slice(2)).toEqual(['a', 'b']);
    expect(Array.from(c.val!)).toEqual([EOS_ID, 1, 1, 1, EOS_ID]); // xyz unseen → <UNK>
  });
  it('splits a single document by characters', () => {
    const c = buildCorpus('abcdefghij', 'd.txt', { segmentation: 'document', minCount: 1, valFraction: 0.2 });
    expect(c.sequences).toEqual({ train: 1, val: 1 });
    expect(c.train.length).toBe(1 + 8 + 1);
    expect(c.val!.length).toBe(1 + 2 + 1);
  });
  it('stores tokens in 16-bit arrays', () => {
    expect(buildCorpus('ab\nba\n', 'x', { segmentation: 'line', minCount: 1, valFraction: 0 }).train).toBeInstanceOf(Uint16Array);
  });
});

describe('truncated-BPTT windows', () => {
  // Stream of ["ab", "c"]: E a b E c E — ids 0 2 3 0 4 0; 5 input positions.
  const v = Vocab.fromText('abc');
  const stream = streamOf(v, ['ab', 'c']).ids;

  it('rows start at sequence boundaries', () => {
    expect(rowBounds(stream, 2)).toEqual([
      [0, 3],
      [3, 5],
    ]);
    expect(rowBounds(stream, 2, true)).toEqual([
      [0, 3],
      [3, 5],
    ]);
  });

  it('hand-worked windows with padding and reset positions', () => {
    const b = rowBounds(stream, 2);
    expect(windowCount(b, 2)).toBe(2);
    const w0 = windowAt(stream, b, 2, 0);
    expect(Array.from(w0.inputs)).toEqual([0, 2, 0, 4]); // [[E a] [E c]]: state resets at both E inputs
    expect(Array.from(w0.targets)).toEqual([2, 3, 4, 0]); // [[a b] [c E]]
    expect(Array.from(w0.weights)).toEqual([1, 1, 1, 1]);
    const w1 = windowAt(stream, b, 2, 1);
    expect(Array.from(w1.inputs)).toEqual([3, 0, 0, 0]); // [[b pad] [pad pad]]
    expect(Array.from(w1.targets)).toEqual([0, 0, 0, 0]);
    expect(Array.from(w1.weights)).toEqual([1, 0, 0, 0]);
  });

  it('exact rows never start mid-sequence; at most one row per sequence', () => {
    const s = streamOf(v, ['abcabc', 'a', 'bb']).ids; // 12 inputs, 3 sequences
    const b = rowBounds(s, 8, true);
    expect(b.length).toBe(3);
    for (const [start] of b) expect(s[start]).toBe(EOS_ID);
    expect(b[b.length - 1]![1]).toBe(s.length - 1);
  });

  it('covers every input position exactly once', () => {
    const s = streamOf(v, ['abcabcabc', 'ab', 'c', 'cab', 'a', 'bbbbbbb', 'c']).ids;
    for (const exact of [false, true]) {
      for (const rows of [1, 2, 3, 5, 40]) {
        const b = rowBounds(s, rows, exact);
        const seen = new Array(s.length - 1).fill(0);
        for (const [st, en] of b) for (let p = st; p < en; p++) seen[p]++;
        expect(seen.every((x) => x === 1)).toBe(true);
      }
    }
  });
});

describe('shuffling sequences between epochs', () => {
  const v = Vocab.fromText('abcd');
  const stream = streamOf(v, ['ab', 'c', 'd', 'abc']).ids; // E a b E c E d E a b c E
  const seqs = (s: ArrayLike<number>) =>
    v
      .decode(Array.from(s), '|')
      .split('|')
      .filter((x) => x !== '');
  it('finds the sequence boundaries', () => {
    expect(Array.from(eosPositions(stream))).toEqual([0, 3, 5, 7, 11]);
  });
  it('permutes whole sequences, seeded: same seed same order, other seeds other orders', () => {
    const a = shuffledStream(stream, eosPositions(stream), 5);
    expect(a.length).toBe(stream.length);
    expect(a[0]).toBe(EOS_ID);
    expect(a[a.length - 1]).toBe(EOS_ID);
    expect(seqs(a).sort()).toEqual(['ab', 'abc', 'c', 'd']);
    expect(shuffledStream(stream, eosPositions(stream), 5)).toEqual(a);
    const orders = new Set(Array.from({ length: 40 }, (_, s) => seqs(shuffledStream(stream, eosPositions(stream), s)).join('|')));
    expect(orders.size).toBeGreaterThan(10); // of 24 possible
    expect(shuffledStream(stream, eosPositions(stream), 5)).toBeInstanceOf(Uint16Array);
  });
});

describe('the split as recorded', () => {
  const lines = Array.from({ length: 200 }, (_, i) => `w${String(i).padStart(3, '0')}`).join('\n');
  it('random: seeded, disjoint, 10% of the items, spread over a sorted list', () => {
    const seq = (s: ArrayLike<number>, v: Vocab) =>
      v
        .decode(Array.from(s), '|')
        .split('|')
        .filter((x) => x !== '');
    const a = buildCorpus(lines, 'l.txt', { segmentation: 'line', minCount: 1, valFraction: 0.1, split: 'random', seed: 9 });
    const b = buildCorpus(lines, 'l.txt', { segmentation: 'line', minCount: 1, valFraction: 0.1, split: 'random', seed: 9 });
    const val = seq(a.val!, a.vocab);
    const trn = seq(a.train, a.vocab);
    expect(a.split).toBe('random');
    expect(val.length).toBe(20);
    expect(trn.length).toBe(180);
    expect(val.filter((x) => trn.includes(x))).toEqual([]);
    expect(seq(b.val!, b.vocab)).toEqual(val);
    expect(val.some((x) => x < 'w100')).toBe(true); // not the sorted tail
  });
  it('one document in blocks: pieces become sequences, characters all accounted for', () => {
    const doc = 'abcdefghij'.repeat(100);
    const c = buildCorpus(doc, 'd.txt', { segmentation: 'document', minCount: 1, valFraction: 0.1, split: 'blocks', seed: 1 });
    expect(c.split).toBe('blocks');
    expect(c.sequences.val).toBe(10);
    expect(c.val!.length - 1 - c.sequences.val).toBe(100);
    expect(c.train.length - 1 - c.sequences.train).toBe(900);
    // A random split of one document would scatter single characters: it uses blocks.
    expect(buildCorpus(doc, 'd.txt', { segmentation: 'document', minCount: 1, valFraction: 0.1, split: 'random', seed: 1 }).split).toBe('blocks');
  });
});

describe('training rows over a few long sequences', () => {
  it('stay nearly equal: no row waits on a distant sequence start (no batch of padding)', () => {
    const v = Vocab.fromText('ab');
    const doc = (n: number) => 'ab'.repeat(n / 2);
    // 11 pieces of very different lengths, like a document split into validation blocks.
    const s = streamOf(v, [
      doc(90_000),
      doc(2_000),
      doc(80_000),
      doc(100_000),
      doc(4_000),
      doc(70_000),
      doc(90_000),
      doc(60_000),
      doc(100_000),
      doc(50_000),
      doc(54_000),
    ]).ids;
    const b = rowBounds(s, 64);
    const ideal = (s.length - 1) / 64;
    expect(b.length).toBe(64);
    expect(Math.max(...b.map(([st, en]) => en - st))).toBeLessThan(1.07 * ideal);
    expect(windowCount(b, 100)).toBeLessThanOrEqual(Math.ceil((1.07 * ideal) / 100));
  });
});

describe('chunked order of one document', () => {
  const v = Vocab.fromText('abcdefgh');
  const doc = streamOf(v, ['abcdefgh'.repeat(260)]).ids; // 2,081 input positions
  it('reads every input position exactly once per epoch, a chunk in consecutive windows', () => {
    const o = chunkOrder(doc, 4, 10, 5, 7); // chunks of 50 positions
    const W = chunkWindowCount(o);
    expect(o.rows).toBe(4);
    expect(W).toBe(Math.ceil(Math.ceil(2081 / 50) / 4) * 5);
    const seen = new Uint8Array(doc.length - 1);
    for (let k = 0; k < W; k++) {
      const w = chunkWindowAt(doc, o, k);
      for (let b = 0; b < 4; b++) {
        for (let t = 0; t < 10; t++) {
          const i = b * 10 + t;
          if (!w.weights[i]) continue;
          // find the position: the target follows the input in the stream
          const s = o.starts[b * o.perRow + Math.floor(k / 5)]!;
          const p = s + (k % 5) * 10 + t;
          expect(w.inputs[i]).toBe(doc[p]);
          expect(w.targets[i]).toBe(doc[p + 1]);
          seen[p]!++;
        }
      }
    }
    expect(seen.every((x) => x === 1)).toBe(true);
  });
  it('is seeded: the same seed the same order, another seed another', () => {
    const a = chunkOrder(doc, 4, 10, 5, 1).starts;
    expect(chunkOrder(doc, 4, 10, 5, 1).starts).toEqual(a);
    expect(chunkOrder(doc, 4, 10, 5, 2).starts).not.toEqual(a);
    expect([...a].filter((x) => x >= 0).sort((x, y) => x - y)).toEqual(Array.from({ length: 42 }, (_, i) => i * 50));
  });
  it('shifted: the grid starts at the seeded offset and reads every position after it once', () => {
    const offsets = [3, 4, 5, 6].map((seed) => {
      const o = chunkOrder(doc, 4, 10, 1, seed, true); // independent windows of 10 positions
      const shift = seed % 10;
      expect([...o.starts].filter((x) => x >= 0).sort((x, y) => x - y)).toEqual(
        Array.from({ length: Math.ceil((2081 - shift) / 10) }, (_, i) => shift + i * 10),
      );
      const seen = new Uint8Array(doc.length - 1);
      for (let k = 0; k < chunkWindowCount(o); k++) {
        const w = chunkWindowAt(doc, o, k);
        for (let b = 0; b < 4; b++) {
          const s = o.starts[b * o.perRow + k]!;
          for (let t = 0; t < 10; t++) {
            if (!w.weights[b * 10 + t]) continue;
            expect(w.inputs[b * 10 + t]).toBe(doc[s + t]);
            seen[s + t]!++;
          }
        }
      }
      expect(seen.slice(0, shift).every((x) => x === 0) && seen.slice(shift).every((x) => x === 1)).toBe(true);
      return o.starts[0]! % 10;
    });
    expect(offsets).toEqual([3, 4, 5, 6]);
    expect(chunkOrder(doc, 4, 10, 1, 13, false).starts.every((x) => x % 10 === 0 || x === -1)).toBe(true);
  });
});

describe('document split at line starts', () => {
  it('hand-worked: each line takes the side of its first character', () => {
    const cps = Array.from('ab\ncd\nef\n');
    const mask = Uint8Array.from([0, 0, 0, 0, 1, 1, 1, 0, 0]); // "d\ne" held out
    expect(Array.from(wholeLines(cps, mask, 1))).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1]);
  });
  it('a few long lines keep the character split', () => {
    const cps = Array.from('abcdefgh\nijklmnop\n');
    const mask = Uint8Array.from(Array.from({ length: 18 }, (_, i) => (i >= 3 && i < 6 ? 1 : 0)));
    expect(wholeLines(cps, mask)).toBe(mask);
  });
  it('document mode: no line is cut between training and validation', () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `line ${i} of the play, spoken`);
    const c = buildCorpus(lines.join('\n') + '\n', 'x.txt', { segmentation: 'document', minCount: 1, valFraction: 0.1, split: 'blocks', seed: 3 });
    const decode = (ids: Tokens) => Array.from(ids, (i) => c.vocab.tokens[i]!).join('');
    const val = decode(c.val!).split('<EOS>').filter(Boolean);
    expect(val.length).toBe(10);
    for (const block of val) {
      expect(block.endsWith('\n')).toBe(true);
      for (const l of block.slice(0, -1).split('\n')) expect(l).toMatch(/^line \d+ of the play, spoken$/);
    }
  });
});
