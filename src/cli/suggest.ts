// "Did you mean --temp?" for a mistyped flag: the known flag of the command (its own and the
// global ones) nearest to what was typed by edit distance, when it is near enough.

import yargs, { type Argv, type CommandModule } from 'yargs';

/** Levenshtein distance: insertions, deletions and substitutions. Example: tmp → temp: 1. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** The flag among `known` nearest to `typed` (within a third of its length, at least 2 edits), or null. */
export function nearestFlag(typed: string, known: readonly string[]): string | null {
  let best: { flag: string; d: number } | null = null;
  for (const k of known) {
    const d = editDistance(typed, k);
    if (!best || d < best.d) best = { flag: k, d };
  }
  return best && best.d <= Math.max(2, Math.floor(typed.length / 3)) ? best.flag : null;
}

/** The flags a command knows (its builder's options), kebab-case, with the global ones. */
export function flagsOf(command: CommandModule<object, never>, global: readonly string[]): string[] {
  const y = yargs([]);
  if (typeof command.builder === 'function') (command.builder as (y: Argv) => unknown)(y);
  const keys = Object.keys((y as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key);
  return [...new Set([...keys, ...global])].filter((k) => k.length > 1 && !/[A-Z]/.test(k));
}
