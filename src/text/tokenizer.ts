// The vocabulary: Unicode code points (a character model) or word tokens (a word model,
// words.ts), plus two specials, <EOS> (id 0) and <UNK> (id 1). <EOS> ends every sequence and
// is the first input of every sequence; characters seen fewer than `minCount` times, or
// words outside the `vocabSize` most frequent, map to <UNK>, so <UNK> has probability mass.

import { inputError } from '../common/errors.js';
import { joinWords, wordJoiner, wordTokens } from './words.js';

export const EOS = '<EOS>';
export const UNK = '<UNK>';
export const EOS_ID = 0;
export const UNK_ID = 1;
export const VOCAB_FORMAT = 'rnnlm-vocab';
/** Character vocabularies are written as version 1 (as before words); word vocabularies as version 2, which adds `unit` and `lowercase`. */
export const VOCAB_VERSION = 1;
export const WORD_VOCAB_VERSION = 2;

/** What a token is: one character (code point) or one word token (words.ts). */
export type Unit = 'char' | 'word';
export const UNITS: readonly Unit[] = ['char', 'word'];

export type Segmentation = 'line' | 'paragraph' | 'document';
export const SEGMENTATIONS: readonly Segmentation[] = ['line', 'paragraph', 'document'];

export interface VocabJSON {
  format: typeof VOCAB_FORMAT;
  version: number;
  /** Tokens in id order: `["<EOS>", "<UNK>", "\n", " ", "a", ...]`. */
  tokens: string[];
  eos: number;
  unk: number;
  /** Version 2: "word" (version 1 vocabularies are characters). */
  unit?: Unit;
  /** Version 2: words were lowercased before counting and encoding. */
  lowercase?: boolean;
  /** Text is put in this Unicode normal form wherever it enters (absent: as it comes; vocabularies before it). */
  normalize?: 'NFC';
  /** Word vocabularies: runs of scripts without spaces are cut into words by Intl.Segmenter (absent: vocabularies before it). */
  segmenter?: 'intl';
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
  readonly unit: Unit;
  /** Word vocabularies: text is lowercased before it is cut into tokens. */
  readonly lowercase: boolean;
  /**
   * Text is put in NFC wherever it enters (`café` typed with a combining accent is the same
   * word); null for vocabularies made before it, which keep reading text as it comes.
   */
  readonly normalize: 'NFC' | null;
  /** Word vocabularies: Chinese, Japanese, Thai … runs cut into words by Intl.Segmenter (words.ts); false before it. */
  readonly intl: boolean;
  /** Characters: code point → id. */
  private readonly ids: Map<number, number>;
  /** Words: token → id. */
  private readonly wordIds: Map<string, number>;

  /** `chars` are code points of the ordinary tokens, ids 2.. in the given order; or `{ words }` for a word vocabulary. */
  constructor(chars: readonly number[] | { words: readonly string[]; lowercase: boolean; intl?: boolean }, normalize: 'NFC' | null = null) {
    this.normalize = normalize;
    this.intl = !Array.isArray(chars) && (chars as { intl?: boolean }).intl === true;
    if (Array.isArray(chars)) {
      const cps = chars as readonly number[];
      this.unit = 'char';
      this.lowercase = false;
      this.tokens = [EOS, UNK, ...cps.map((c) => String.fromCodePoint(c))];
      this.ids = new Map(cps.map((c, i) => [c, i + 2]));
      this.wordIds = new Map();
    } else {
      const w = chars as { words: readonly string[]; lowercase: boolean; intl?: boolean };
      this.unit = 'word';
      this.lowercase = w.lowercase;
      this.tokens = [EOS, UNK, ...w.words];
      this.ids = new Map();
      this.wordIds = new Map(w.words.map((t, i) => [t, i + 2]));
    }
  }

  get size(): number {
    return this.tokens.length;
  }

  /**
   * Build from character counts: characters with count ≥ minCount, sorted by code point
   * (deterministic whatever the corpus order). Example: counts {b:2, a:1}, minCount 1 →
   * tokens `[<EOS>, <UNK>, a, b]`; minCount 2 → `[<EOS>, <UNK>, b]`.
   */
  static fromCounts(counts: ReadonlyMap<number, number>, minCount = 1, normalize: 'NFC' | null = null): Vocab {
    const chars = [...counts].filter(([, n]) => n >= minCount).map(([c]) => c);
    chars.sort((a, b) => a - b);
    return new Vocab(chars, normalize);
  }

  /** A text as this vocabulary reads it: in NFC where it normalises, else unchanged. */
  normalized(text: string): string {
    return this.normalize ? text.normalize(this.normalize) : text;
  }

  /**
   * This vocabulary with the tokens of `other` that it lacks appended after its own, in
   * `other`'s order: every token of this one keeps its id (a model started from another).
   * Example: [<EOS>, <UNK>, a, c] extended by [<EOS>, <UNK>, b, c] → [<EOS>, <UNK>, a, c, b].
   */
  extendedBy(other: Vocab): Vocab {
    if (other.unit !== this.unit) throw inputError(`a ${this.unit} vocabulary cannot take the tokens of a ${other.unit} vocabulary`);
    const own = new Set(this.tokens);
    const added = other.tokens.slice(2).filter((t) => !own.has(t));
    // Text is read as the new vocabulary reads it (a new run normalises even from an older model).
    if (this.unit === 'word') return new Vocab({ words: [...this.tokens.slice(2), ...added], lowercase: this.lowercase, intl: other.intl }, other.normalize);
    return new Vocab(
      [...this.tokens.slice(2), ...added].map((t) => t.codePointAt(0)!),
      other.normalize,
    );
  }

  /** Build from text (code point counts). */
  static fromText(text: string, minCount = 1): Vocab {
    return Vocab.fromCounts(countCodePoints(text), minCount);
  }

  /**
   * A word vocabulary of the `size` most frequent tokens (the specials not counted), most
   * frequent first, ties broken by code-point order so the result does not depend on the
   * text's order. Example: counts {b:2, a:2, c:1}, size 2 → [<EOS>, <UNK>, a, b].
   */
  static fromWordCounts(counts: ReadonlyMap<string, number>, size: number, lowercase = false, normalize: 'NFC' | null = null, intl = false): Vocab {
    const byCount = [...counts].filter(([w]) => w !== EOS && w !== UNK);
    byCount.sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
    return new Vocab({ words: byCount.slice(0, Math.max(0, size)).map(([w]) => w), lowercase, intl }, normalize);
  }

  /** Id of one code point, or UNK_ID (a character vocabulary). */
  id(codePoint: number): number {
    return this.ids.get(codePoint) ?? UNK_ID;
  }

  has(codePoint: number): boolean {
    return this.ids.has(codePoint);
  }

  /** The tokens of a text as this vocabulary cuts it: its characters, or its word tokens. */
  split(text: string): string[] {
    const t = this.normalized(text);
    return this.unit === 'word' ? wordTokens(t, this.lowercase, this.intl) : Array.from(t);
  }

  /** Id of one token (a character or a word) as `split` gives it, or UNK_ID. */
  tokenId(token: string): number {
    return this.unit === 'word' ? (this.wordIds.get(token) ?? UNK_ID) : this.id(token.codePointAt(0) ?? -1);
  }

  hasToken(token: string): boolean {
    return this.tokenId(token) !== UNK_ID;
  }

  /** Ids of the tokens of `text` (no <EOS> added); `oov` counts those mapped to <UNK> (as KenLM counts OOVs). */
  encode(text: string): { ids: Int32Array; oov: number } {
    text = this.normalized(text);
    if (this.unit === 'word') {
      const toks = this.split(text);
      const ids = new Int32Array(toks.length);
      let oov = 0;
      toks.forEach((t, i) => {
        const id = this.wordIds.get(t);
        if (id === undefined) oov++;
        ids[i] = id ?? UNK_ID;
      });
      return { ids, oov };
    }
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

  /** Text of ids; <EOS> becomes `eos` (default "\n"), <UNK> becomes `unk` (default U+FFFD); words are spaced as text writes them. */
  decode(ids: ArrayLike<number>, eos = '\n', unk = '\uFFFD'): string {
    if (this.unit === 'word') {
      let s = '';
      let run: string[] = [];
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        if (id === EOS_ID) {
          s += joinWords(run, this.intl) + eos;
          run = [];
        } else run.push(id === UNK_ID ? unk : (this.tokens[id] ?? unk));
      }
      return s + joinWords(run, this.intl);
    }
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      s += id === EOS_ID ? eos : id === UNK_ID ? unk : (this.tokens[id] ?? unk);
    }
    return s;
  }

  /** Text for tokens as they come one at a time (a sample): each token with the space before it that text would have; a new joiner per sequence. */
  joiner(): (token: string) => string {
    return this.unit === 'word' ? wordJoiner(this.intl) : (t) => t;
  }

  toJSON(): VocabJSON {
    const base = { format: VOCAB_FORMAT, tokens: [...this.tokens], eos: EOS_ID, unk: UNK_ID } satisfies Omit<VocabJSON, 'version'>;
    const nf = this.normalize ? { normalize: this.normalize } : {};
    return this.unit === 'word'
      ? { ...base, version: WORD_VOCAB_VERSION, unit: 'word', lowercase: this.lowercase, ...nf, ...(this.intl ? { segmenter: 'intl' as const } : {}) }
      : { ...base, version: VOCAB_VERSION, ...nf };
  }

  /** Inverse of toJSON; checks format, version and the specials strictly. */
  static fromJSON(json: unknown, where = 'vocabulary'): Vocab {
    const j = json as Partial<VocabJSON> | null;
    if (!j || typeof j !== 'object' || j.format !== VOCAB_FORMAT) {
      throw inputError(`${where}: not an rnnlm vocabulary (format should be "${VOCAB_FORMAT}")`);
    }
    if (j.version !== VOCAB_VERSION && j.version !== WORD_VOCAB_VERSION) {
      throw inputError(
        `${where}: vocabulary version ${String(j.version)} is not supported (this rnnlm reads versions ${VOCAB_VERSION} and ${WORD_VOCAB_VERSION})`,
      );
    }
    const tokens = j.tokens;
    if (!Array.isArray(tokens) || tokens[EOS_ID] !== EOS || tokens[UNK_ID] !== UNK || j.eos !== EOS_ID || j.unk !== UNK_ID) {
      throw inputError(`${where}: vocabulary must start with "${EOS}" (id 0) and "${UNK}" (id 1)`);
    }
    const unit = j.version === VOCAB_VERSION ? 'char' : j.unit;
    if (j.normalize !== undefined && j.normalize !== 'NFC') throw inputError(`${where}: normalize ${JSON.stringify(j.normalize)} is not "NFC"`);
    const normalize = j.normalize ?? null;
    if (unit === 'word') {
      const words = tokens.slice(2);
      if (words.some((t) => typeof t !== 'string' || t === '') || new Set(words).size !== words.length) {
        throw inputError(`${where}: word vocabulary entries must be unique, non-empty strings`);
      }
      if (j.segmenter !== undefined && j.segmenter !== 'intl') throw inputError(`${where}: segmenter ${JSON.stringify(j.segmenter)} is not "intl"`);
      return new Vocab({ words: words as string[], lowercase: j.lowercase === true, intl: j.segmenter === 'intl' }, normalize);
    }
    if (unit !== 'char') throw inputError(`${where}: unit ${JSON.stringify(unit)} is not "char" or "word"`);
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
    return new Vocab(chars, normalize);
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
  if (vocab.unit === 'word') return wordStreamOf(vocab, sequences);
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

/** streamOf for a word vocabulary: each sequence's word tokens, then <EOS>. */
function wordStreamOf(vocab: Vocab, sequences: readonly string[]): { ids: Tokens; oov: number } {
  const encoded = sequences.map((s) => vocab.encode(s));
  const ids = tokenArray(1 + encoded.reduce((a, e) => a + e.ids.length + 1, 0), vocab.size);
  let k = 0;
  let oov = 0;
  ids[k++] = EOS_ID;
  for (const e of encoded) {
    ids.set(e.ids, k);
    k += e.ids.length;
    ids[k++] = EOS_ID;
    oov += e.oov;
  }
  return { ids, oov };
}
