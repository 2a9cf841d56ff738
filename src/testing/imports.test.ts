// The architecture holds: no import cycles between rnnlm's files (type-only imports
// included); no name exported from a file that does not define it, except by the package's
// entry points; and the Node-free folders (the page's and the browser entry's code) reach no
// Node module — the page's tsconfig compiles exactly those folders without Node's types, and
// this walk says which import crossed the line. The checks find planted faults.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cycles, importsOf, reexports, sources, SRC } from './imports.js';

/** The package's entry points: they gather the public names, so they alone re-export. */
const ENTRIES = new Set(['index.ts', 'browser.ts']);
/** Folders with no Node: the web page and the browser entry are built from them alone. */
const NODE_FREE = ['api', 'checkpoint', 'common', 'display', 'inference', 'model', 'ngram', 'text', 'training', 'web'];
const NODE_MODULES = /^(node:|fs$|path$|os$|crypto$|worker_threads$|child_process$|url$)/;

/** Imports of a Node-free file that cross the line: Node modules, or files outside the Node-free folders. */
function crossings(files: Map<string, string>): string[] {
  const free = (p: string) => NODE_FREE.includes(p.split('/')[0]!) || p === 'browser.ts';
  const out: string[] = [];
  for (const [p, text] of files) {
    if (!free(p)) continue;
    for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+['"]([^'"]+)['"]/gm)) if (NODE_MODULES.test(m[1]!)) out.push(`${p} → ${m[1]}`);
    for (const q of importsOf(p, text)) if (!free(q)) out.push(`${p} → ${q}`);
  }
  return out;
}

describe('imports', () => {
  it('finds a planted cycle, type-only imports included, a planted re-export, a planted crossing', () => {
    const files = new Map([
      ['a.ts', "import { b } from './b.js';\nexport const a = 1;"],
      ['b.ts', "import type { C } from './sub/c.js';\nexport const b = 2;"],
      ['sub/c.ts', "import { a } from '../a.js';\nexport type C = number;"],
      ['d.ts', "import { a } from './a.js';\nexport const d = a;"],
    ]);
    expect(cycles(files)).toEqual([['a.ts', 'b.ts', 'sub/c.ts']]);
    files.set('sub/c.ts', 'export type C = number;');
    expect(cycles(files)).toEqual([]);
    expect(reexports("export { x, type Y } from './x.js';")).toEqual(['{ x, type Y }']);
    expect(reexports("import { x } from './x.js';\nexport { x };")).toEqual(['x']);
    expect(reexports('const x = 1;\nexport { x };')).toEqual([]);
    const planted = new Map([
      ['model/a.ts', "import { readFileSync } from 'node:fs';\nimport type { T } from '../node/t.js';\nimport { b } from './b.js';"],
      ['model/b.ts', 'export const b = 1;'],
    ]);
    expect(crossings(planted)).toEqual(['model/a.ts → node:fs', 'model/a.ts → node/t.ts']);
  });

  it('rnnlm has no import cycle', () => {
    expect(cycles(sources(SRC))).toEqual([]);
  });

  it('only the entry points re-export', () => {
    const found = [...sources(SRC)].filter(([p]) => !ENTRIES.has(p)).flatMap(([p, t]) => reexports(t).map((r) => `${p}: ${r}`));
    expect(found).toEqual([]);
  });

  it('the Node-free folders import nothing of Node, and the page’s tsconfig compiles exactly them', () => {
    expect(crossings(sources(SRC, (p) => p.startsWith('testing/') || p.startsWith('bench/')))).toEqual([]);
    const web = JSON.parse(readFileSync(join(SRC, '..', 'tsconfig.web.json'), 'utf8'));
    expect(web.include).toEqual([...NODE_FREE.map((d) => `src/${d}/**/*.ts`), 'src/browser.ts']);
    expect(web.compilerOptions.types).toEqual([]);
  });
});
