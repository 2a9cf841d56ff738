// Checking a text corpus (decoded: textfile.ts reads files), the train/validation split, and the truncated-BPTT
// windows the trainer consumes. Rows of a batch are contiguous slices of the token stream
// that start at a sequence boundary wherever one exists, so state carried across windows
// is exact and the training loss of a sequence equals −log P(sequence).

import { inputError } from '../common/errors.js';
import { Rng } from '../common/rng.js';
import { runsOf, validationMask, type SplitMethod } from './split.js';
import { EOS_ID, Vocab, codePoints, countCodePoints, segment, streamOf, type Segmentation, type Tokens, type Unit } from './tokenizer.js';
import { countWords } from './words.js';

/**
 * Decode bytes as UTF-8 text: strip a BOM, normalise CRLF and lone CR to LF. Rejects a file
 * that is empty or blank, or binary: more than 1% of bytes NUL or in invalid UTF-8 sequences.
 * A few bad bytes in a big file become U+FFFD instead.
 */
export function decodeText(bytes: Uint8Array, path: string): string {
  if (bytes.length === 0) throw inputError(`${path}: is empty`);
  let text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(bytes);
  let nul = 0;
  let invalid = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) nul++;
    else if (c === 0xfffd) invalid++;
  }
  if (nul > 0.01 * bytes.length || (nul > 0 && nul + invalid > 0.01 * bytes.length)) {
    throw inputError(`${path}: looks binary (NUL bytes), not a text corpus`);
  }
  if (invalid > 0.01 * bytes.length) {
    // No NUL, but not UTF-8: most likely an 8-bit encoding (Latin-1, Windows-1252, …).
    const name = path === '-' ? 'FILE' : path;
    throw inputError(
      `${path}: is not UTF-8 (${invalid.toLocaleString('en-US')} bytes are not): probably Latin-1 or Windows-1252; convert it first, e.g. iconv -f windows-1252 -t utf-8 ${name} > ${name.replace(/(\.[^./]*)?$/, '.utf8$1')}`,
    );
  }
  text = text.replace(/\r\n?/g, '\n');
  if (text.trim() === '') throw inputError(`${path}: contains only whitespace`);
  return text;
}

export interface CorpusOptions {
  segmentation: Segmentation;
  minCount: number;
  /** Fraction held out for validation, 0 ≤ f < 1 (of the sequences; of the characters for one document). */
  valFraction: number;
  /** How the held-out part is chosen (see split.ts); default tail. */
  split?: SplitMethod;
  /** Seed of the random and block splits. */
  seed?: number;
  /** Characters (default) or words: the vocabulary of the `vocabSize` most frequent words of the training split, `lowercase` folding case first. */
  unit?: Unit;
  vocabSize?: number;
  lowercase?: boolean;
  /** Characters in the vocabulary whether or not the text has them (a character model's charset). */
  charset?: string;
  /**
   * The vocabulary of the model this run starts from: its tokens keep their ids, and the
   * text's tokens it lacks come after them (Vocab.extendedBy).
   */
  base?: Vocab;
  /** Put the text in NFC first, and make a vocabulary that does the same with what it reads (new runs; absent: as it comes). */
  normalize?: 'NFC' | null;
}

export interface Corpus {
  vocab: Vocab;
  /** Token streams (see tokenizer.streamOf): `[EOS, c1, …, EOS, d1, …, EOS]`. */
  train: Tokens;
  val: Tokens | null;
  sequences: { train: number; val: number };
  /** Characters mapped to <UNK> in training because they are rarer than minCount. */
  unkCount: number;
  split: SplitMethod;
}

/**
 * Segment, split (see split.ts), build the vocabulary from the training part, encode both
 * parts. One sequence (document mode, or a one-line file) is split by characters: its
 * training and validation pieces become sequences of their own.
 */
export function buildCorpus(text: string, path: string, opts: CorpusOptions): Corpus {
  const nf = opts.normalize ?? null;
  const seqs = segment(nf ? text.normalize(nf) : text, opts.segmentation);
  if (seqs.length === 0) throw inputError(`${path}: has no ${opts.segmentation} sequences`);
  // A random choice of single characters would be no split at all: one document takes blocks.
  const method = seqs.length === 1 && opts.split === 'random' ? 'blocks' : (opts.split ?? 'tail');
  let trainSeqs: string[];
  let valSeqs: string[];
  if (seqs.length === 1) {
    const cps = Array.from(seqs[0]!);
    const runs = runsOf(cps, wholeLines(cps, validationMask(cps.length, opts.valFraction, method, opts.seed ?? 1)));
    trainSeqs = runs.train.map((r) => r.join(''));
    valSeqs = runs.val.map((r) => r.join(''));
  } else {
    const mask = validationMask(seqs.length, opts.valFraction, method, opts.seed ?? 1);
    trainSeqs = seqs.filter((_, i) => !mask[i]);
    valSeqs = seqs.filter((_, i) => mask[i]);
  }
  const own = opts.unit === 'word' ? wordVocab(trainSeqs, path, opts) : charVocab(trainSeqs, path, opts.minCount, opts.charset, nf);
  const vocab = opts.base ? opts.base.extendedBy(own) : own;
  const train = streamOf(vocab, trainSeqs);
  const val = valSeqs.length > 0 ? streamOf(vocab, valSeqs).ids : null;
  return { vocab, train: train.ids, val, sequences: { train: trainSeqs.length, val: valSeqs.length }, unkCount: train.oov, split: method };
}

function charVocab(trainSeqs: readonly string[], path: string, minCount: number, charset = '', normalize: 'NFC' | null = null): Vocab {
  const counts = new Map<number, number>();
  for (const s of trainSeqs) countCodePoints(s, counts);
  if (counts.size < 2) {
    throw inputError(`${path}: has fewer than two distinct characters; nothing to learn`);
  }
  for (const c of codePoints(normalize ? charset.normalize(normalize) : charset)) counts.set(c, Math.max(minCount, counts.get(c) ?? 0));
  const vocab = Vocab.fromCounts(counts, minCount, normalize);
  if (vocab.size < 4) {
    throw inputError(`${path}: fewer than two characters occur at least --min-count=${minCount} times`);
  }
  return vocab;
}

function wordVocab(trainSeqs: readonly string[], path: string, o: CorpusOptions): Vocab {
  const intl = o.normalize != null; // new runs (which normalise) cut unspaced scripts into words too
  const counts = countWords(trainSeqs, o.lowercase, new Map(), intl);
  if (counts.size < 2) throw inputError(`${path}: has fewer than two distinct words; nothing to learn`);
  return Vocab.fromWordCounts(counts, o.vocabSize ?? 10_000, o.lowercase, o.normalize ?? null, intl);
}

/**
 * A character mask moved to line boundaries: each line takes the side of its first
 * character, so no line (and no record of lines) is cut between training and validation.
 * Left as it is where lines are too long for that (fewer than `perChange` line breaks per
 * change of side), so a file of a few long lines still splits by characters.
 * Example (perChange 1): "ab\ncd\nef\n" with "d\ne" held out → "ef\n" held out: the line
 * "cd\n" starts in training and stays there, "ef\n" starts in validation.
 */
export function wholeLines(cps: readonly string[], mask: Uint8Array, perChange = 20): Uint8Array {
  let breaks = 0;
  let changes = 0;
  for (let i = 0; i < cps.length; i++) {
    if (cps[i] === '\n') breaks++;
    if (i > 0 && mask[i] !== mask[i - 1]) changes++;
  }
  if (changes === 0 || breaks < perChange * changes) return mask;
  const out = new Uint8Array(mask.length);
  let side = mask[0]!;
  for (let i = 0; i < cps.length; i++) {
    if (i === 0 || cps[i - 1] === '\n') side = mask[i]!;
    out[i] = side;
  }
  return out;
}

/** Positions of the <EOS> tokens of a stream: sequence i is stream(eos[i], eos[i+1]). */
export function eosPositions(stream: Tokens): Uint32Array {
  let n = 0;
  for (let p = 0; p < stream.length; p++) if (stream[p] === EOS_ID) n++;
  const out = new Uint32Array(n);
  let k = 0;
  for (let p = 0; p < stream.length; p++) if (stream[p] === EOS_ID) out[k++] = p;
  return out;
}

/** 0 … n−1 in a seeded random order (Fisher–Yates, from the last index down). */
function seededPermutation(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rng = new Rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

/**
 * The stream with its sequences in a seeded random order (Fisher–Yates). The same stream
 * and seed give the same order. Example: [E a b E c E d E] with the order (2, 0, 1) →
 * [E d E a b E c E].
 */
export function shuffledStream(stream: Tokens, eos: Uint32Array, seed: number): Tokens {
  const n = eos.length - 1; // sequences
  const order = seededPermutation(n, seed);
  const out = stream instanceof Uint16Array ? new Uint16Array(stream.length) : new Int32Array(stream.length);
  out[0] = EOS_ID;
  let k = 1;
  for (let i = 0; i < n; i++) {
    const s = order[i]!;
    const piece = stream.subarray(eos[s]! + 1, eos[s + 1]! + 1); // the sequence and its closing <EOS>
    out.set(piece, k);
    k += piece.length;
  }
  return out;
}

/** One truncated-BPTT window, `[batch, time]` row-major (index b*time + t). */
export interface Window {
  batch: number;
  time: number;
  inputs: Int32Array;
  targets: Int32Array;
  /** 1 where the position is real, 0 for padding at the end of a short row. */
  weights: Float32Array;
  /** The stream position of each input (−1 for padding), for the n-gram's input. */
  positions?: Int32Array;
  /**
   * ln P_ngram(· | context) at each position, [batch, time, vocab]: added to the network's
   * logits when the model takes the n-gram as input (ngram/input.ts).
   */
  prior?: Float32Array;
}

/**
 * Cut a token stream into at most `rows` contiguous rows; returns [start, end) input
 * positions per row (the target of input position p is stream[p+1]).
 * - exact: rows start only where the input is <EOS> (a sequence start), so every sequence
 *   is read whole from the zero state; there are at most as many rows as sequences.
 * - otherwise (training): row b starts at the first <EOS> at or after b·⌈N/rows⌉ if one
 *   comes within 1/16 of a row (at least 32 tokens), else exactly there: rows stay within
 *   ~6% of equal length, so a few long sequences cannot leave most of a batch padding.
 */
export function rowBounds(stream: Tokens, rows: number, exact = false): Array<[number, number]> {
  const n = stream.length - 1; // input positions
  const starts: number[] = [0];
  if (exact) {
    let seqs = 0;
    for (let p = 0; p < n; p++) if (stream[p] === EOS_ID) seqs++;
    const r = Math.max(1, Math.min(rows, seqs));
    const len = n / r;
    for (let p = 1; p < n && starts.length < r; p++) {
      if (stream[p] === EOS_ID && p >= starts.length * len) starts.push(p);
    }
  } else {
    const r = Math.max(1, Math.min(rows, n));
    const len = Math.ceil(n / r);
    for (let b = 1; b < r; b++) {
      const ideal = b * len;
      const limit = Math.min(n, ideal + Math.min(len, Math.max(32, Math.ceil(len / 16))));
      let s = ideal;
      while (s < limit && stream[s] !== EOS_ID) s++;
      starts.push(Math.max(s < limit ? s : ideal, starts[b - 1]!));
    }
  }
  return starts.map((s, b) => [Math.min(s, n), b + 1 < starts.length ? Math.min(starts[b + 1]!, n) : n]);
}

/** Windows over the stream: `batch` rows, `time` steps each; the last window is padded. */
export function windowCount(bounds: Array<[number, number]>, time: number): number {
  const longest = Math.max(...bounds.map(([s, e]) => e - s));
  return Math.ceil(longest / time);
}

/**
 * Window k of a stream cut into rows (see rowBounds). Hand-worked: stream
 * [E a b E c E] (5 inputs), 2 rows, time 2 → rows [0,3) and [3,5);
 * window 0: inputs [[E a] [E c]], targets [[a b] [c E]];
 * window 1: inputs [[b pad] [pad pad]], targets [[E pad] ...], weights [[1 0] [0 0]].
 */
export function windowAt(stream: Tokens, bounds: Array<[number, number]>, time: number, k: number): Window {
  return fillWindow(stream, bounds.length, time, (b) => [bounds[b]![0] + k * time, bounds[b]![1]]);
}

/**
 * A window of `batch` rows: row b reads `time` input positions from span(b)[0], those at or
 * past span(b)[1] being padding (input and target <EOS>, weight 0).
 */
function fillWindow(stream: Tokens, batch: number, time: number, span: (b: number) => [number, number]): Window {
  const inputs = new Int32Array(batch * time);
  const targets = new Int32Array(batch * time);
  const weights = new Float32Array(batch * time);
  const positions = new Int32Array(batch * time).fill(-1);
  for (let b = 0; b < batch; b++) {
    const [from, end] = span(b);
    for (let t = 0; t < time; t++) {
      const p = from + t;
      const i = b * time + t;
      if (p < end) {
        inputs[i] = stream[p]!;
        targets[i] = stream[p + 1]!;
        weights[i] = 1;
        positions[i] = p;
      } else {
        inputs[i] = EOS_ID;
        targets[i] = EOS_ID;
      }
    }
  }
  return { batch, time, inputs, targets, weights, positions };
}

/**
 * Chunked order for one long sequence (document mode): the input positions are cut into
 * chunks of `chunk` windows (chunk·time positions), the chunks dealt to the rows in a
 * seeded random order, and each row reads its chunks one after another. The recurrent
 * state is carried inside a chunk and reset to zero where the next one starts (every
 * `chunk` windows), so consecutive steps do not keep reading the same 64 places of the
 * text, as rows of a fixed cut do. Example: 2,000 positions, time 100, chunk 5, 2 rows →
 * 4 chunks of 500; row 0 reads chunks 3 then 0, row 1 chunks 1 then 2; 10 windows.
 */
export interface ChunkOrder {
  /** Chunk start positions, row by row: row b reads starts[b·perRow … (b+1)·perRow). */
  starts: Int32Array;
  perRow: number;
  rows: number;
  /** Windows per chunk. */
  chunk: number;
  time: number;
  /** Input positions in the stream (stream.length − 1). */
  n: number;
}

export function chunkOrder(stream: Tokens, rows: number, time: number, chunk: number, seed: number, shifted = false): ChunkOrder {
  const n = stream.length - 1;
  const len = chunk * time;
  // shifted: the grid starts at a seeded offset below len, so successive epochs cut other
  // windows; the positions before it are not read in this epoch.
  const shift = shifted && n > len ? (seed >>> 0) % len : 0;
  const k = Math.max(1, Math.ceil((n - shift) / len));
  const order = seededPermutation(k, seed);
  const r = Math.max(1, Math.min(rows, k));
  const perRow = Math.ceil(k / r);
  const starts = new Int32Array(r * perRow).fill(-1);
  order.forEach((c, i) => (starts[i] = shift + c * len));
  return { starts, perRow, rows: r, chunk, time, n };
}

/** Windows in an epoch of a chunked order. */
export function chunkWindowCount(o: ChunkOrder): number {
  return o.perRow * o.chunk;
}

/** Window k of a chunked order (see chunkOrder); the caller resets the state when k % chunk = 0. */
export function chunkWindowAt(stream: Tokens, o: ChunkOrder, k: number): Window {
  const j = Math.floor(k / o.chunk);
  const within = (k % o.chunk) * o.time;
  return fillWindow(stream, o.rows, o.time, (b) => {
    const s = o.starts[b * o.perRow + j]!;
    return s < 0 ? [0, 0] : [s + within, Math.min(o.n, s + o.chunk * o.time)]; // a row with no chunk left: padding
  });
}
