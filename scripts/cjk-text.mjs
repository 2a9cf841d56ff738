// A Chinese text with thousands of distinct characters, for measuring large vocabularies
// (issue 32: the factored output layer, --min-count for rare characters): Tang poems from the
// npm package chinese-poetry (MIT, © 2016 JackeyGao), each poem as its title, its author and
// its lines, poems separated by a blank line, in a seeded order, cut at a poem's end. The
// package (85 MB) is fetched from the npm registry into CACHE_DIR on first use; it is not a
// dependency of rnnlm and nothing of it is kept in the repo.
// Usage: node scripts/cjk-text.mjs OUT_FILE [CHARS=1100000] [CACHE_DIR=../cache]

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shuffle } from './rng.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [out, chars = '1100000', cacheArg] = process.argv.slice(2);
if (!out) {
  console.error('usage: node scripts/cjk-text.mjs OUT_FILE [CHARS] [CACHE_DIR]');
  process.exit(2);
}
const VERSION = '2.0.1';
const cache = resolve(cacheArg ?? join(root, '..', 'cache'));
const pkg = join(cache, 'node_modules', 'chinese-poetry');
if (!existsSync(join(pkg, 'package.json'))) {
  mkdirSync(cache, { recursive: true });
  console.error(`cjk-text: fetching chinese-poetry@${VERSION} from the npm registry into ${cache} …`);
  execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--ignore-scripts', '--prefix', cache, `chinese-poetry@${VERSION}`], { stdio: 'inherit' });
}
const dir = join(pkg, 'dist', 'quantangshi');
const poems = [];
for (const f of readdirSync(dir)
  .filter((f) => /^poet\.tang\.\d+\.json$/.test(f))
  .sort()) {
  for (const p of JSON.parse(readFileSync(join(dir, f), 'utf8'))) {
    const lines = (p.paragraphs ?? []).map((l) => String(l).trim()).filter(Boolean);
    if (lines.length === 0 || !p.title) continue;
    poems.push([String(p.title).trim(), String(p.author ?? '').trim(), ...lines].join('\n'));
  }
}
const want = Number(chars);
let text = '';
for (const p of shuffle(poems, 1)) {
  if (text.length + p.length + 2 > want) break;
  text += p + '\n\n';
}
writeFileSync(out, text);
const distinct = new Set(text.replace(/\s/g, '')).size;
console.error(
  `cjk-text: ${out}: ${text.length.toLocaleString('en-US')} characters, ${distinct.toLocaleString('en-US')} distinct (line breaks and spaces aside), from ${poems.length.toLocaleString('en-US')} Tang poems`,
);
