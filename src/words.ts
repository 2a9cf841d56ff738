// Words as tokens, for word-level models (issue 23; not yet wired into training): a text is
// cut into words (letters, marks and digits, with apostrophes and hyphens inside), numbers
// (digits with . or , between them) and single punctuation or symbol characters; whitespace
// only separates. Decoding puts the spaces back as running text writes them, so samples read
// as text. The vocabulary keeps the most frequent tokens, ties broken by code-point order,
// after <EOS> and <UNK>, as the character vocabulary does.

import { EOS, EOS_ID, UNK, UNK_ID } from './tokenizer.js';

const TOKEN = /\p{N}+(?:[.,]\p{N}+)*(?![\p{L}\p{M}\p{N}])|[\p{L}\p{M}\p{N}]+(?:['’-][\p{L}\p{M}\p{N}]+)*|\S/gu;

/** Characters written without a space before them, and those written without one after. */
const CLOSERS = new Set([...'.,;:!?)]}%»”’…']);
const OPENERS = new Set([...'([{«“‘¿¡']);
/** Quotes that open and close with the same character: the first of a pair opens. */
const SAME_QUOTES = new Set(['"', "'"]);

/**
 * The word tokens of a text. Example: `He said "stop" (twice).` →
 * [He, said, ", stop, ", (, twice, ), .]; `3.14, isn't` → [3.14, ",", isn't].
 */
export function wordTokens(text: string, lowercase = false): string[] {
  const t = lowercase ? text.toLowerCase() : text;
  return t.match(TOKEN) ?? [];
}

/**
 * Tokens back to text: one space between tokens, none before a closing mark (. , ! ? ) …) or
 * after an opening one (( “ ¿ …); a straight quote opens, then closes. Example:
 * [He, said, ", stop, ", (, twice, ), .] → `He said "stop" (twice).`
 */
export function joinWords(tokens: readonly string[]): string {
  let out = '';
  let glue = true; // no space before the first token, nor after an opener
  const open = new Map<string, boolean>(); // straight quote → a pair is open
  for (const tok of tokens) {
    let closes = CLOSERS.has(tok);
    let opens = OPENERS.has(tok);
    if (SAME_QUOTES.has(tok)) {
      const isOpen = open.get(tok) ?? false;
      open.set(tok, !isOpen);
      closes = isOpen;
      opens = !isOpen;
    }
    if (!glue && !closes) out += ' ';
    out += tok;
    glue = opens;
  }
  return out;
}

/** A vocabulary of word tokens: <EOS> (0), <UNK> (1), then the kept tokens, most frequent first. */
export class WordVocab {
  readonly tokens: readonly string[];
  private readonly ids: Map<string, number>;

  constructor(words: readonly string[]) {
    this.tokens = [EOS, UNK, ...words];
    this.ids = new Map(words.map((w, i) => [w, i + 2]));
  }

  get size(): number {
    return this.tokens.length;
  }

  /**
   * The `size` most frequent tokens (the specials not counted), ties broken by code-point
   * order so the result does not depend on the text's order. Example: counts {b:2, a:2, c:1},
   * size 2 → [<EOS>, <UNK>, a, b].
   */
  static fromCounts(counts: ReadonlyMap<string, number>, size: number): WordVocab {
    const byCount = [...counts].filter(([w]) => w !== EOS && w !== UNK);
    byCount.sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
    return new WordVocab(byCount.slice(0, Math.max(0, size)).map(([w]) => w));
  }

  id(word: string): number {
    return this.ids.get(word) ?? UNK_ID;
  }

  /** Ids of tokens; `oov` counts those mapped to <UNK> (as KenLM counts OOVs). */
  encode(tokens: readonly string[]): { ids: Int32Array; oov: number } {
    const ids = new Int32Array(tokens.length);
    let oov = 0;
    tokens.forEach((t, i) => {
      const id = this.ids.get(t);
      if (id === undefined) oov++;
      ids[i] = id ?? UNK_ID;
    });
    return { ids, oov };
  }

  /** Tokens of ids (<EOS> and <UNK> by name). */
  decode(ids: ArrayLike<number>): string[] {
    return Array.from(ids, (id) => (id === EOS_ID ? EOS : this.tokens[id] ?? UNK));
  }
}

/** Token counts of texts (for WordVocab.fromCounts). */
export function countWords(texts: Iterable<string>, lowercase = false, counts = new Map<string, number>()): Map<string, number> {
  for (const t of texts) for (const w of wordTokens(t, lowercase)) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}
