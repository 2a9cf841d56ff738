// Finds the checkpoint a command should use: --model if given, else the most recently
// saved checkpoint folder under ./checkpoints/.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FILES } from '../checkpoint/codec.js';
import { inputError } from '../common/errors.js';

export function findCheckpoint(model: string | undefined, root = 'checkpoints'): string {
  if (model) return model;
  let best: { dir: string; mtime: number } | null = null;
  let entries: string[] = [];
  try {
    entries = readdirSync(root);
  } catch {
    /* no folder */
  }
  for (const name of entries) {
    const dir = join(root, name);
    try {
      const m = statSync(join(dir, FILES.meta)).mtimeMs;
      if (!best || m > best.mtime) best = { dir, mtime: m };
    } catch {
      /* not a checkpoint */
    }
  }
  if (!best) throw inputError(`no checkpoint found under ./${root}/ — train one first (rnnlm train corpus.txt) or pass --model <folder>`);
  return best.dir;
}
