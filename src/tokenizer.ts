// Character vocabulary: Unicode code points plus two specials, <EOS> (id 0) and <UNK> (id 1).
// <EOS> ends every sequence and is the first input of every sequence; characters seen
// fewer than `minCount` times in training map to <UNK>, so <UNK> has probability mass.

import { inputError } from './errors.js';

export const EOS = '<EOS>';
export const UNK = '<UNK>';
export const EOS_ID = 0;
export const UNK_ID = 1;
export const VOCAB_FORMAT = 'rnnlm-vocab';
export const VOCAB_VERSION = 1;

export type Segmentation = 'line' | 'paragraph' | 'document';
export const SEGMENTATIONS: readonly Segmentation[] = ['line', 'paragraph', 'document'];

export interface VocabJSON {
  format: typeof VOCAB_FORMAT;
  version: number;
  /** Tokens in id order: `["<EOS>", "<UNK>", "\n", " ", "a", ...]`. */
  tokens: string[];
  eos: number;
  unk: number;
}

/**
 * Split a string into code points (never UTF-16 code units).
 * Example: `codePoints("a😀")` → `[0x61, 0x1F600]`. A lone surrogate is kept as itself.
 */
export function codePoints(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.codePointAt(i)!;
    out.push(c);
    if (c > 0xffff) i++;
  }
  return out;
}

export class Vocab {
  readonly tokens: readonly string[];
  private readonly ids: Map<number, number>;

  /** `chars` are code points of the ordinary tokens, ids 2.. in the given order. */
  constructor(chars: readonly number[]) {
    this.tokens = [EOS, UNK, ...chars.map((c) => String.fromCodePoint(c))];
    this.ids = new Map(chars.map((c, i) => [c, i + 2]));
  }

  get size(): number {
    return this.tokens.length;
  }

  /**
   * Build from character counts: characters with count ≥ minCount, sorted by code point
   * (deterministic whatever the corpus order). Example: counts {b:2, a:1}, minCount 1 →
   * tokens `[<EOS>, <UNK>, a, b]`; minCount 2 → `[<EOS>, <UNK>, b]`.
   */
  static fromCounts(counts: ReadonlyMap<number, number>, minCount = 1): Vocab {
    const chars = [...counts].filter(([, n]) => n >= minCount).map(([c]) => c);
    chars.sort((a, b) => a - b);
    return new Vocab(chars);
  }

  /** Build from text (code point counts). */
  static fromText(text: string, minCount = 1): Vocab {
    return Vocab.fromCounts(countCodePoints(text), minCount);
  }

  /** Id of one code point, or UNK_ID. */
  id(codePoint: number): number {
    return this.ids.get(codePoint) ?? UNK_ID;
  }

  has(codePoint: number): boolean {
    return this.ids.has(codePoint);
  }

  /** Ids of the characters of `text` (no <EOS> added); `oov` counts those mapped to <UNK>. */
  encode(text: string): { ids: Int32Array; oov: number } {
    const cps = codePoints(text);
    const ids = new Int32Array(cps.length);
    let oov = 0;
    for (let i = 0; i < cps.length; i++) {
      const id = this.ids.get(cps[i]!);
      if (id === undefined) oov++;
      ids[i] = id ?? UNK_ID;
    }
    return { ids, oov };
  }

  /** Text of ids; <EOS> becomes `eos` (default "\n"), <UNK> becomes `unk` (default U+FFFD). */
  decode(ids: ArrayLike<number>, eos = '\n', unk = '\uFFFD'): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      s += id === EOS_ID ? eos : id === UNK_ID ? unk : this.tokens[id] ?? unk;
    }
    return s;
  }

  toJSON(): VocabJSON {
    return { format: VOCAB_FORMAT, version: VOCAB_VERSION, tokens: [...this.tokens], eos: EOS_ID, unk: UNK_ID };
  }

  /** Inverse of toJSON; checks format, version and the specials strictly. */
  static fromJSON(json: unknown, where = 'vocabulary'): Vocab {
    const j = json as Partial<VocabJSON> | null;
    if (!j || typeof j !== 'object' || j.format !== VOCAB_FORMAT) {
      throw inputError(`${where}: not an rnnlm vocabulary (format should be "${VOCAB_FORMAT}")`);
    }
    if (j.version !== VOCAB_VERSION) {
      throw inputError(`${where}: vocabulary version ${String(j.version)} is not supported (this rnnlm reads version ${VOCAB_VERSION})`);
    }
    const tokens = j.tokens;
    if (!Array.isArray(tokens) || tokens[EOS_ID] !== EOS || tokens[UNK_ID] !== UNK || j.eos !== EOS_ID || j.unk !== UNK_ID) {
      throw inputError(`${where}: vocabulary must start with "${EOS}" (id 0) and "${UNK}" (id 1)`);
    }
    const chars: number[] = [];
    const seen = new Set<number>();
    for (const t of tokens.slice(2)) {
      const cps = typeof t === 'string' ? codePoints(t) : [];
      if (cps.length !== 1 || seen.has(cps[0]!)) {
        throw inputError(`${where}: vocabulary entry ${JSON.stringify(t)} is not a single, unique character`);
      }
      seen.add(cps[0]!);
      chars.push(cps[0]!);
    }
    return new Vocab(chars);
  }
}

/**
 * One-hot rows for ids: `[n, size]` floats, row r has a 1 at column ids[r].
 * Example (size 4): ids [2, 0] → [[0,0,1,0],[1,0,0,0]].
 */
export function oneHot(ids: ArrayLike<number>, size: number): Float32Array {
  const out = new Float32Array(ids.length * size);
  for (let r = 0; r < ids.length; r++) out[r * size + ids[r]!] = 1;
  return out;
}

export function countCodePoints(text: string, counts = new Map<number, number>()): Map<number, number> {
  for (let i = 0; i < text.length; i++) {
    const c = text.codePointAt(i)!;
    counts.set(c, (counts.get(c) ?? 0) + 1);
    if (c > 0xffff) i++;
  }
  return counts;
}

/**
 * Split text into sequences by mode. CRLF is expected to be normalised already.
 * - line: each non-empty line (`"a\n\nb\n"` → `["a", "b"]`)
 * - paragraph: blocks separated by blank lines; inner newlines kept (`"a\nb\n\nc"` → `["a\nb", "c"]`)
 * - document: the whole text, trailing newlines dropped (`"a\n\nb\n"` → `["a\n\nb"]`)
 * Lines consisting only of spaces/tabs count as blank.
 */
export function segment(text: string, mode: Segmentation): string[] {
  switch (mode) {
    case 'line':
      return text.split('\n').filter((l) => l.trim() !== '');
    case 'paragraph':
      return text
        .split(/\n[ \t]*\n/)
        .map((p) => p.replace(/^\n+|\n+$/g, ''))
        .filter((p) => p.trim() !== '');
    case 'document': {
      const d = text.replace(/\n+$/, '');
      return d.trim() === '' ? [] : [d];
    }
  }
}

/** Token arrays: 16-bit ids when the vocabulary allows (half the memory), else 32-bit. */
export type Tokens = Uint16Array | Int32Array;

export function tokenArray(length: number, vocabSize: number): Tokens {
  return vocabSize <= 0xffff ? new Uint16Array(length) : new Int32Array(length);
}

/**
 * The token stream of a list of sequences: `<EOS>` first, then each sequence followed by
 * `<EOS>`. Example: ["ab", "c"] → [EOS, a, b, EOS, c, EOS]. Input at t is stream[t], target
 * stream[t+1]; the recurrent state is reset wherever the input is <EOS>. Encodes in place
 * (no per-sequence arrays), so a 100 MB corpus costs 2 bytes per character here.
 */
export function streamOf(vocab: Vocab, sequences: readonly string[]): { ids: Tokens; oov: number } {
  let n = 1;
  for (const s of sequences) {
    for (let i = 0; i < s.length; i++) {
      if (s.codePointAt(i)! > 0xffff) i++;
      n++;
    }
    n++;
  }
  const ids = tokenArray(n, vocab.size);
  let k = 0;
  let oov = 0;
  ids[k++] = EOS_ID;
  for (const s of sequences) {
    for (let i = 0; i < s.length; i++) {
      const c = s.codePointAt(i)!;
      if (c > 0xffff) i++;
      const id = vocab.id(c);
      if (id === UNK_ID) oov++;
      ids[k++] = id;
    }
    ids[k++] = EOS_ID;
  }
  return { ids, oov };
}
