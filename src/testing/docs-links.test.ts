// Every relative link in the README and docs/ points at a file that exists, and every
// #anchor at a heading of that file (GitHub's slugs), so moving a section cannot leave a
// dangling link behind.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a Markdown file's headings (repeats numbered -1, -2 … as GitHub does). */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of stripFences(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Markdown without fenced code blocks (their lines are not headings or links). */
function stripFences(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** The targets of [text](target) links that are not URLs. */
export function relativeLinks(markdown: string): string[] {
  const out: string[] = [];
  for (const m of stripFences(markdown)
    .replace(/`[^`\n]*`/g, '')
    .matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = m[1]!;
    if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) out.push(target);
  }
  return out;
}

function markdownFiles(): string[] {
  const files = [join(ROOT, 'README.md'), join(ROOT, 'corpora', 'README.md')].filter((f) => existsSync(f));
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.md')) files.push(p);
    }
  };
  walk(join(ROOT, 'docs'));
  return files;
}

describe('Markdown links', () => {
  it('slugs headings as GitHub does', () => {
    expect(slug('Starting from a model, and learning as it reads')).toBe('starting-from-a-model-and-learning-as-it-reads');
    expect(slug('`rnnlm train <corpus>`')).toBe('rnnlm-train-corpus');
    expect(slug('Using a GPU (`--backend webgpu`)')).toBe('using-a-gpu---backend-webgpu');
    expect([...anchors('# A\n## A\n```\n# not\n```\n')]).toEqual(['a', 'a-1']);
    expect(relativeLinks('[x](docs/a.md#b) [y](https://e.com) `[z](no.md)`')).toEqual(['docs/a.md#b']);
  });

  it('the README stays short enough to read in five minutes (≤ 250 lines; the rest is in docs/)', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(250);
  });

  it('every relative link in README.md and docs/ resolves, anchors included', () => {
    const broken: string[] = [];
    for (const file of markdownFiles()) {
      const text = readFileSync(file, 'utf8');
      for (const link of relativeLinks(text)) {
        const [path, anchor] = link.split('#') as [string, string | undefined];
        const target = path === '' ? file : resolve(dirname(file), decodeURI(path));
        const where = `${relative(ROOT, file)} → ${link}`;
        if (!existsSync(target)) broken.push(`${where} (no such file)`);
        else if (anchor !== undefined && target.endsWith('.md') && !anchors(readFileSync(target, 'utf8')).has(decodeURIComponent(anchor)))
          broken.push(`${where} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });
});
