// Shared start of the inference commands: pick the checkpoint (--model or the latest under
// ./checkpoints), say which on stderr, load and check it.

import { loadCheckpoint, type Loaded } from '../../checkpoint.js';
import type { Context } from '../context.js';
import { findCheckpoint } from '../find.js';

export function loadModel(model: string | undefined): Loaded {
  return loadCheckpoint(findCheckpoint(model));
}

/** Say which checkpoint is in use (after the inputs were checked, so errors stay one line). */
export function announce(ctx: Context, ck: Loaded, backend: string): void {
  const m = ck.meta.model;
  ctx.say(ctx.c.dim(`using ${ck.dir} (${m.layers}-layer ${m.cell.toUpperCase()} ${m.hidden}, vocabulary ${ck.vocab.size}, step ${ck.meta.progress.bestStep || ck.meta.progress.step}) on ${backend}`));
}

export const modelOption = { alias: 'm', type: 'string' as const, describe: 'Checkpoint folder [default: the most recently trained under ./checkpoints]' };
