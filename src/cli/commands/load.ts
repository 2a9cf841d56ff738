// Shared start of the inference commands: pick the checkpoint (--model or the latest under
// ./checkpoints), say which on stderr, load and check it.

import { loadCheckpoint, type Loaded } from '../../checkpoint.js';
import type { Context } from '../context.js';
import { findCheckpoint } from '../find.js';

export function loadModel(ctx: Context, model: string | undefined): Loaded {
  const dir = findCheckpoint(model);
  const ck = loadCheckpoint(dir);
  const m = ck.meta.model;
  ctx.say(ctx.c.dim(`using ${dir} (${m.layers}-layer ${m.cell.toUpperCase()} ${m.hidden}, vocabulary ${ck.vocab.size}, step ${ck.meta.progress.bestStep || ck.meta.progress.step})`));
  return ck;
}

export const modelOption = { alias: 'm', type: 'string' as const, describe: 'Checkpoint folder [default: the most recently trained under ./checkpoints]' };
