// Words as tokens, for word-level models (`--unit word`): a text is cut into words (letters,
// marks and digits, with apostrophes and hyphens inside), numbers (digits with . or , between them) and single punctuation or symbol characters; whitespace
// only separates. Decoding puts the spaces back as running text writes them, so samples read
// as text. The vocabulary of words is tokenizer.ts's Vocab (Vocab.fromWordCounts).
// Scripts written without spaces (Chinese, Japanese, Thai, …) have no spaces to cut at: with
// `intl` (new models), their runs are cut into words by Intl.Segmenter, and joined back
// without spaces; without it (models from before), such a run stays one "word".

const TOKEN = /\p{N}+(?:[.,]\p{N}+)*(?![\p{L}\p{M}\p{N}])|[\p{L}\p{M}\p{N}]+(?:['’-][\p{L}\p{M}\p{N}]+)*|\S/gu;

/** Characters written without a space before them, and those written without one after. */
const CLOSERS = new Set([...'.,;:!?)]}%»”’…']);
const OPENERS = new Set([...'([{«“‘¿¡']);
/** … and their full-width forms in text without spaces (with `intl`). */
const CJK_CLOSERS = new Set([...'。，、；：！？）」』】〉》〕…']);
const CJK_OPENERS = new Set([...'（「『【〈《〔']);

/** A character of a script written without spaces between words. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
let segmenter: Intl.Segmenter | undefined;

/** A run of such characters cut into words (Intl.Segmenter). Example: 東京都に住んでいます → 東京, 都, に, 住, んで, い, ます. */
function segmentWords(run: string): string[] {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' });
  return Array.from(segmenter.segment(run), (s) => s.segment).filter((s) => s.trim() !== '');
}
/** Quotes that open and close with the same character: the first of a pair opens. */
const SAME_QUOTES = new Set(['"', "'"]);

/**
 * The word tokens of a text. Example: `He said "stop" (twice).` →
 * [He, said, ", stop, ", (, twice, ), .]; `3.14, isn't` → [3.14, ",", isn't].
 */
export function wordTokens(text: string, lowercase = false, intl = false): string[] {
  const t = lowercase ? text.toLowerCase() : text;
  const tokens = t.match(TOKEN) ?? [];
  return intl ? tokens.flatMap((tok) => (UNSPACED.test(tok) ? segmentWords(tok) : [tok])) : tokens;
}

/**
 * Tokens back to text, one at a time: each token with the space before it that running text
 * has — one space between tokens, none before a closing mark (. , ! ? ) …) or after an opening
 * one (( “ ¿ …); a straight quote opens, then closes. A new joiner per sequence.
 */
export function wordJoiner(intl = false): (token: string) => string {
  let glue = true; // no space before the first token, nor after an opener
  let unspaced = false; // the last token was in a script without spaces
  const open = new Map<string, boolean>(); // straight quote → a pair is open
  return (tok) => {
    const cjk = intl && (UNSPACED.test(tok) || CJK_CLOSERS.has(tok) || CJK_OPENERS.has(tok));
    let closes = CLOSERS.has(tok) || (intl && CJK_CLOSERS.has(tok)) || (cjk && unspaced);
    let opens = OPENERS.has(tok) || (intl && CJK_OPENERS.has(tok));
    unspaced = cjk;
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
export function joinWords(tokens: readonly string[], intl = false): string {
  const join = wordJoiner(intl);
  return tokens.map(join).join('');
}

/** Token counts of texts (for Vocab.fromWordCounts). */
export function countWords(texts: Iterable<string>, lowercase = false, counts = new Map<string, number>(), intl = false): Map<string, number> {
  for (const t of texts) for (const w of wordTokens(t, lowercase, intl)) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}
