// The n-gram as an ARPA file (the text format of SRILM, KenLM and most toolkits): for each
// order, every stored n-gram with log10 P(w | h) and, for the ones that are contexts, log10 of
// the back-off weight. rnnlm's interpolated Kneser–Ney is exact in this form: a stored n-gram
// gets its interpolated probability α(h, w) + γ(h)·P(w | h′), and an unstored one backs off
// with weight γ(h) — what P(w | h) = γ(h)·P(w | h′) is when α(h, w) = 0. Tokens: a character or
// word as itself, whitespace and control characters inside it as <U+XXXX>, <UNK> as <unk>,
// <EOS> as </s> when predicted and <s> in a context. A context at a sequence's start is
// padded with <s> up to the model's order − 1, as rnnlm reads it; the counting-as-it-reads
// of `eval` is not in the file (ARPA is static). No Node.

import type { NGramModel } from './model.js';
import { EOS_ID, UNK_ID } from '../text/tokenizer.js';

/** A token as an ARPA word: <unk>, </s> or <s> for the special ones, else the text with whitespace escaped. */
export function arpaWord(tokens: readonly string[], id: number, inContext: boolean): string {
  if (id === EOS_ID) return inContext ? '<s>' : '</s>';
  if (id === UNK_ID) return '<unk>';
  return tokens[id]!.replace(/[\s\p{Cc}]/gu, (c) => `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`);
}

/** ln P(w | context) for a context given newest first (as the model reads it), through the longest stored suffix. */
function probAfter(m: NGramModel, newestFirst: readonly number[], w: number): number {
  let prob = 1 / m.vocabSize;
  let node = 0;
  prob = m.levelProb(0, w, prob);
  for (const tok of newestFirst) {
    node = m.childOf(node, tok);
    if (node < 0) break;
    prob = m.levelProb(node, w, prob);
  }
  return prob;
}

const log10 = (p: number) => (p > 0 ? Math.log10(p) : -99);
const fmt = (x: number) => (x === -99 ? '-99' : x.toFixed(9));

/** The whole model as ARPA text. `tokens`: the vocabulary in id order. */
export function encodeArpa(m: NGramModel, tokens: readonly string[]): string {
  const a = m.a;
  const nodes = a.nodeParent.length;
  // Each context node's tokens, newest first (node n extends its parent by an older token).
  const ctx: number[][] = [[]];
  for (let n = 1; n < nodes; n++) ctx.push([...ctx[a.nodeParent[n]!]!, a.nodeToken[n]!]);
  // n-grams by order, by their words: log10 P of the last word after the others, log10 back-off weight when a context.
  const byOrder: Array<Map<string, { p: number; bow: number | null }>> = Array.from({ length: m.order + 1 }, () => new Map());
  // `asContext`: the n-gram spells a context (its last token read as context: <EOS> is <s>, which is never predicted).
  const add = (oldestFirst: number[], bow: number | null, asContext: boolean) => {
    const last = oldestFirst.length - 1;
    const words = oldestFirst.map((id, i) => arpaWord(tokens, id, i < last || asContext)).join(' ');
    const map = byOrder[oldestFirst.length]!;
    const have = map.get(words);
    if (have) {
      if (bow !== null) have.bow = bow;
      return;
    }
    const w = oldestFirst[last]!;
    const p = asContext && w === EOS_ID ? -99 : log10(probAfter(m, oldestFirst.slice(0, -1).reverse(), w));
    map.set(words, { p, bow });
  };
  for (let v = 0; v < m.vocabSize; v++) add([v], null, false); // every token is a unigram (<EOS> as </s>)
  for (let n = 0; n < nodes; n++) {
    const older = [...ctx[n]!].reverse(); // oldest first
    for (let e = a.nodeFirst[n]!; e < a.nodeFirst[n + 1]!; e++) add([...older, a.entToken[e]!], null, false);
  }
  // Back-off weights γ(h) on the n-gram that spells each context (added where pruning left it out).
  for (let n = 1; n < nodes; n++) {
    const gamma = m.levelProb(n, 0, 1) - m.levelProb(n, 0, 0); // α(h, w) + γ(h)·lower at lower = 1 and 0
    add([...ctx[n]!].reverse(), log10(gamma), true);
  }
  const lines = ['', '\\data\\'];
  for (let k = 1; k <= m.order; k++) if (byOrder[k]!.size > 0) lines.push(`ngram ${k}=${byOrder[k]!.size}`);
  for (let k = 1; k <= m.order; k++) {
    const map = byOrder[k]!;
    if (map.size === 0) continue;
    lines.push('', `\\${k}-grams:`);
    for (const [words, g] of map) lines.push(`${fmt(g.p)}\t${words}${g.bow !== null ? `\t${fmt(g.bow)}` : ''}`);
  }
  lines.push('', '\\end\\', '');
  return lines.join('\n');
}
