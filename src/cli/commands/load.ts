// Shared start of the inference commands: pick the checkpoint (--model or the latest under
// ./checkpoints), say which on stderr, load and check it (the API's Model: src/api/model.ts).

import { Model } from '../../api/model.js';
import { loadCheckpoint } from '../../node/checkpoint-files.js';
import type { Context } from '../context.js';
import { findCheckpoint } from '../find.js';

/** The checkpoint --model names (or the latest under ./checkpoints), loaded and checked, as the API's Model. */
export function loadModel(model: string | undefined): Model {
  return new Model(loadCheckpoint(findCheckpoint(model)));
}

export const adaptOption = {
  type: 'boolean' as const,
  default: true,
  describe:
    'The network keeps learning from the text as it reads it (dynamic evaluation: each segment scored first, then learned from), at the rate training chose on validation, where it helped there (--no-adapt: the network as trained)',
};

export const mixOption = {
  type: 'boolean' as const,
  default: true,
  describe: 'Mix the network with the checkpoint’s n-gram, with weights fit on validation (--no-mix: the network alone)',
};

/** Say which checkpoint is in use (after the inputs were checked, so errors stay one line). */
export function announce(ctx: Context, ck: Model, backend: string, mix = true, words = ck.describe(mix)): void {
  const m = ck.meta.model;
  ctx.note(
    ctx.c.dim(
      `using ${ck.dir} (${m.layers}-layer ${m.cell.toUpperCase()} ${m.hidden}, vocabulary ${ck.vocab.size}, step ${ck.meta.progress.bestStep || ck.meta.progress.step}; ${words}) on ${backend}`,
    ),
  );
}

export const modelOption = {
  alias: 'm',
  type: 'string' as const,
  describe: 'Checkpoint folder, a checkpoint .zip downloaded from the page, or a shipped model (en) [default: the most recently trained under ./checkpoints]',
};
