// Finds the checkpoint a command should use: --model if given (a folder, a zip, or a shipped
// model's name: `--model en`), else the most recently saved checkpoint folder under ./checkpoints/.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FILES } from '../checkpoint/codec.js';
import { inputError } from '../common/errors.js';
import { BASE_MODEL, modelPath, shippedModel } from '../node/models.js';

export function findCheckpoint(model: string | undefined, root = 'checkpoints'): string {
  if (model) return modelPath(model);
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
  const base = shippedModel(BASE_MODEL) ? ` (or --model ${BASE_MODEL}, the English base model)` : '';
  if (!best) throw inputError(`no checkpoint found under ./${root}/ — train one first (rnnlm train corpus.txt) or pass --model <folder>${base}`);
  return best.dir;
}
