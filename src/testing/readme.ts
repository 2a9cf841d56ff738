// The README's code examples, for the tests that run them: the fenced blocks of one language
// under a heading, in order, so the examples a reader copies are the ones that were run.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const README = join(import.meta.dirname, '..', '..', 'README.md');

/** The `n`th ```lang block under the heading `heading` (up to the next heading of its level or above). */
export function readmeBlock(heading: string, lang: string, n = 0): string {
  const text = readFileSync(README, 'utf8');
  const at = text.search(new RegExp(`^#+ ${heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'm'));
  if (at < 0) throw new Error(`README.md has no heading "${heading}"`);
  const level = /^#+/.exec(text.slice(at))![0].length;
  const rest = text.slice(text.indexOf('\n', at) + 1); // after the heading's line
  const end = rest.search(new RegExp(`^#{1,${level}} `, 'm'));
  const section = end < 0 ? rest : rest.slice(0, end);
  const blocks = [...section.matchAll(new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```', 'gm'))].map((m) => m[1]!);
  if (blocks[n] === undefined) throw new Error(`README.md "${heading}" has no ${lang} block ${n}`);
  return blocks[n];
}
