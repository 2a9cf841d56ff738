// What the benchmarks that drive the real CLI share (bench:small, bench:large): running
// `rnnlm`, holding out a text's last tenth or a seeded tenth of its lines, counting real
// words in samples, and the machine line every table opens with.

import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../common/rng.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'rnnlm.js');
export const LN2 = Math.log(2);

export const log = (s: string) => process.stderr.write(s + '\n');

/** Runs `rnnlm ARGS` to the end; its stdout, or an error with its stderr. */
export function rnnlm(args: string[]): string {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`rnnlm ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

/** Lowercased runs of letters (and inner apostrophes). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/\p{L}+(?:['’]\p{L}+)*/gu) ?? [];
}

/** 10% held out: random lines of a list; the tail of verse or prose, cut at a blank line. */
export function holdOut(text: string, kind: string): [string, string] {
  if (kind === 'list') {
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const rng = new Rng(1);
    const held = new Set<number>();
    while (held.size < Math.round(lines.length * 0.1)) held.add(Math.floor(rng.next() * lines.length));
    return [lines.filter((_, i) => !held.has(i)).join('\n') + '\n', lines.filter((_, i) => held.has(i)).join('\n') + '\n'];
  }
  const cut = text.indexOf('\n\n', Math.floor(text.length * 0.9));
  return [text.slice(0, cut + 2), text.slice(cut + 2)];
}

/** "2 × AMD EPYC …, Node v20…; 2026-12-05": where and when a table was measured. */
export function machineLine(): string {
  return `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, Node ${process.version}; ${new Date().toISOString().slice(0, 10)}`;
}

/** Bits from nats, 3 decimals, or a dash. */
export const bits = (nats: number | null | undefined) => (nats != null && Number.isFinite(nats) ? (nats / LN2).toFixed(3) : '—');
