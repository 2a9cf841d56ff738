// Words as tokens, for word-level models (`--unit word`): a text is cut into words (letters,
// marks and digits, with apostrophes and hyphens inside), numbers (digits with . or , between them) and single punctuation or symbol characters; whitespace
// only separates. Decoding puts the spaces back as running text writes them, so samples read
// as text. The vocabulary of words is tokenizer.ts's Vocab (Vocab.fromWordCounts).

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
 * Tokens back to text, one at a time: each token with the space before it that running text
 * has — one space between tokens, none before a closing mark (. , ! ? ) …) or after an opening
 * one (( “ ¿ …); a straight quote opens, then closes. A new joiner per sequence.
 */
export function wordJoiner(): (token: string) => string {
  let glue = true; // no space before the first token, nor after an opener
  const open = new Map<string, boolean>(); // straight quote → a pair is open
  return (tok) => {
    let closes = CLOSERS.has(tok);
    let opens = OPENERS.has(tok);
    if (SAME_QUOTES.has(tok)) {
      const isOpen = open.get(tok) ?? false;
      open.set(tok, !isOpen);
      closes = isOpen;
      opens = !isOpen;
    }
    const piece = (!glue && !closes ? ' ' : '') + tok;
    glue = opens;
    return piece;
  };
}

/** Tokens back to text (wordJoiner's pieces). Example: [He, said, ", stop, ", (, twice, ), .] → `He said "stop" (twice).` */
export function joinWords(tokens: readonly string[]): string {
  const join = wordJoiner();
  return tokens.map(join).join('');
}

/** Token counts of texts (for Vocab.fromWordCounts). */
export function countWords(texts: Iterable<string>, lowercase = false, counts = new Map<string, number>()): Map<string, number> {
  for (const t of texts) for (const w of wordTokens(t, lowercase)) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}
