// Shared start of the inference commands: pick the checkpoint (--model or the latest under
// ./checkpoints), say which on stderr, load and check it.

import { loadCheckpoint, type Loaded } from '../../checkpoint.js';
import { MixedPredictor, type Predictor } from '../../mixture.js';
import { Stepper } from '../../model/stepper.js';
import { inputError } from '../../errors.js';
import type { NGramModel } from '../../ngram/model.js';
import { NGramInputPredictor } from '../../ngram/prior.js';
import type { Mix } from '../../score.js';
import type { Adaptation } from '../../dynamic.js';
import type { Context } from '../context.js';
import { findCheckpoint } from '../find.js';

export function loadModel(model: string | undefined): Loaded {
  return loadCheckpoint(findCheckpoint(model));
}

/**
 * The checkpoint's n-gram and mixture weights, unless `mix` is off or it has none (older
 * checkpoints); with the network adapting as it reads, the weights fit for that (rnnlm.json adapt).
 */
export function mixOf(ck: Loaded, mix = true, adapting = false): Mix | null {
  if (!mix || !ck.ngram || !ck.meta.mixture) return null;
  const lambdas = adapting ? ck.meta.adapt?.lambdas : undefined;
  return { ngram: ck.ngram, weights: lambdas ? { lambdas } : ck.meta.mixture, adapts: ck.meta.training.ngramAdapt === true };
}

/** Dynamic evaluation as the checkpoint chose it, when `adapt` is on and it was measured to help (rate > 0). */
export function adaptationOf(ck: Loaded, adapt = true): Adaptation | null {
  const a = ck.meta.adapt;
  return adapt && a && a.lr > 0 ? { lr: a.lr, segment: a.segment, clip: a.clip } : null;
}

export const adaptOption = {
  type: 'boolean' as const,
  default: true,
  describe: 'The network keeps learning from the text as it reads it (dynamic evaluation: each segment scored first, then learned from), at the rate training chose on validation, where it helped there (--no-adapt: the network as trained)',
};

/** What scores and samples: the network, mixed with the n-gram when the checkpoint has one and `mix` is on. */
export function predictorOf(ck: Loaded, mix = true): Predictor {
  const m = mixOf(ck, mix);
  const stepper = new Stepper(ck.params);
  const input = ngramInputOf(ck);
  const net = input ? new NGramInputPredictor(stepper, input) : stepper;
  return m ? new MixedPredictor(net, m.ngram, m.weights, m.adapts) : net;
}

/** The n-gram the network takes as input, when it was trained so (training.ngramInput). */
export function ngramInputOf(ck: Loaded): NGramModel | null {
  if (!ck.meta.training.ngramInput) return null;
  if (!ck.ngram) throw inputError(`${ck.dir}: the model takes the n-gram as input, and ngram.bin is missing`);
  return ck.ngram;
}

/** How the model in use reads: "network + 6-gram mixture" or "network alone", and whether the network adapts. */
export function modelWords(ck: Loaded, mix = true, adapt = false): string {
  const m = mixOf(ck, mix);
  const a = adapt && adaptationOf(ck) ? `, the network learning as it reads (rate ${ck.meta.adapt!.lr})` : '';
  if (m) return `network + ${ck.ngram!.order}-gram mixture${m.adapts ? ', the n-gram counting what it reads' : ''}${a}`;
  return (ck.ngram && !mix ? 'network alone (--no-mix)' : 'network alone') + a;
}

export const mixOption = { type: 'boolean' as const, default: true, describe: 'Mix the network with the checkpoint’s n-gram, with weights fit on validation (--no-mix: the network alone)' };

/** Say which checkpoint is in use (after the inputs were checked, so errors stay one line). */
export function announce(ctx: Context, ck: Loaded, backend: string, mix = true, words = modelWords(ck, mix)): void {
  const m = ck.meta.model;
  ctx.note(ctx.c.dim(`using ${ck.dir} (${m.layers}-layer ${m.cell.toUpperCase()} ${m.hidden}, vocabulary ${ck.vocab.size}, step ${ck.meta.progress.bestStep || ck.meta.progress.step}; ${words}) on ${backend}`));
}

export const modelOption = { alias: 'm', type: 'string' as const, describe: 'Checkpoint folder, or a checkpoint .zip downloaded from the page [default: the most recently trained under ./checkpoints]' };
