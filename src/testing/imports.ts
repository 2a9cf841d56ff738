// The import graph of rnnlm's sources, for the architecture test: each file's relative
// imports (type-only ones included, since a cycle of types still ties two files together),
// the cycles among them (Tarjan's strongly connected components), and the names a file
// exports without defining them (re-export shims: one name, two import paths).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Every .ts file under `root` except tests, by path relative to `root`, with its text. */
export function sources(root: string, skip: (path: string) => boolean = () => false): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts') && !skip(relative(root, p)))
        out.set(relative(root, p), readFileSync(p, 'utf8'));
    }
  };
  walk(root);
  return out;
}

/** The files `path` imports or re-exports from (relative specifiers only), as paths like the keys of `files`. */
export function importsOf(path: string, text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+['"](\.[^'"]+)['"]|^\s*import\s+['"](\.[^'"]+)['"]/gm)) {
    const spec = (m[1] ?? m[2])!;
    out.add(join(dirname(path), spec).replace(/\.js$/, '.ts'));
  }
  return [...out];
}

/** The cycles of the import graph: each strongly connected component of more than one file (or a file importing itself), sorted. */
export function cycles(files: Map<string, string>): string[][] {
  const edges = new Map([...files].map(([p, t]) => [p, importsOf(p, t).filter((q) => files.has(q))]));
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v)!) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || edges.get(v)!.includes(v)) out.push(scc.sort());
    }
  };
  for (const v of edges.keys()) if (!idx.has(v)) visit(v);
  return out.sort();
}

/** Names `text` exports that another module defines: `export … from`, or `export { x }` of an imported x. */
export function reexports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*export\s+(?:type\s+)?(\*|\{[^}]*\})\s+from\s+['"][^'"]+['"]/gm)) out.push(m[1]!.replace(/\s+/g, ' '));
  const imported = new Set<string>();
  for (const m of text.matchAll(/^\s*import\s+(?:type\s+)?\{([^}]*)\}\s+from/gm))
    for (const n of m[1]!.split(','))
      imported.add(
        n
          .trim()
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)
          .pop()!,
      );
  for (const m of text.matchAll(/^\s*export\s+(?:type\s+)?\{([^}]*)\}\s*;/gm)) {
    for (const n of m[1]!.split(',')) {
      const name = n
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)[0]!;
      if (imported.has(name)) out.push(name);
    }
  }
  return out;
}

export const SRC = resolve(import.meta.dirname, '..');
