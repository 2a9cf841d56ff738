// A new run's `auto` settings resolved from its text (auto.ts): the mode and split from the
// kind of text, the model size from a speed meter the caller provides (timing candidate sizes
// on the workers that will train), dropout from the epochs the budget allows, the window,
// rate, clip, schedule, epochs and patience. No Node: the CLI and a page resolve the same way.

import { autoClip, autoDropout, autoWindow, chooseSize, resolveText } from './auto.js';
import { buildCorpus, rowBounds, windowAt, type Corpus } from './corpus.js';
import { inputError } from './errors.js';
import { runWindow, zeroState, type RunOptions, type WindowRunner } from './model/lm.js';
import { sampleCandidates } from './model/softmax.js';
import { Params } from './model/params.js';
import { Rng } from './rng.js';
import type { TrainConfig } from './checkpoint.js';
import type { ModelConfig } from './model/config.js';
import type { ScheduleKind } from './schedule.js';
import type { TrainRequest } from './train.js';
import type { Fresh } from './trainer.js';

/** Epoch cap without a time budget (patience usually stops first). */
export const EPOCH_CAP = 50;

/** Resolve the `auto` settings of a new run from its text (auto.ts); explicit values stay. */
export async function resolveRun(
  req: Pick<TrainRequest, 'corpusPath' | 'segmentation' | 'model' | 'training'>,
  text: string,
  meter: (corpus: Corpus, rows: number) => Promise<(model: ModelConfig, batch: number, seqLen: number) => Promise<number>>,
): Promise<Fresh> {
  const t = req.training;
  if (t.ngramInput && t.samples > 0) throw inputError('--ngram-input does not go with --samples: the n-gram gives the whole vocabulary at every position, which the sampled softmax avoids');
  const r = resolveText(text, req.segmentation, t.split);
  const choices = [...r.choices];
  const corpus = buildCorpus(text, req.corpusPath, { segmentation: r.segmentation, minCount: t.minCount, valFraction: t.valFraction, split: r.split, seed: t.seed, unit: t.unit, vocabSize: t.vocabSize, lowercase: t.lowercase });
  const trainChars = corpus.train.length - corpus.sequences.train - 1;
  const m = req.model;
  let { layers, hidden, dropout } = m;
  const win = autoWindow(r.segmentation);
  const batchSize = t.batchSize === 'auto' ? win.batchSize : t.batchSize;
  const seqLen = t.seqLen === 'auto' ? win.seqLen : t.seqLen;
  let speed: number | null = null; // measured chars/s of the chosen size
  if (layers === 'auto' || hidden === 'auto') {
    const measure = await meter(corpus, batchSize);
    const size = await chooseSize(
      trainChars,
      t.time,
      (l, h) => measure({ cell: m.cell, layers: layers === 'auto' ? l : layers, hidden: hidden === 'auto' ? h : hidden, dropout: 0, vocabSize: corpus.vocab.size }, batchSize, seqLen),
      corpus.vocab.unit,
    );
    if (layers === 'auto') layers = size.layers;
    if (hidden === 'auto') hidden = size.hidden;
    speed = size.charsPerSec;
    choices.push({ what: 'model', value: `${layers} × ${hidden}`, reason: size.reason });
  }
  if (dropout === 'auto') {
    const d = autoDropout(trainChars, speed !== null && t.time !== null ? (speed * t.time) / Math.max(1, trainChars) : null);
    dropout = d.dropout;
    choices.push({ what: 'dropout', value: String(dropout), reason: d.reason });
  }
  const schedule: ScheduleKind = t.schedule !== 'auto' ? t.schedule : t.time !== null ? 'cosine' : 'plateau';
  const training: TrainConfig = {
    ...t,
    split: corpus.split,
    shuffle: t.shuffle === 'auto' ? true : t.shuffle,
    schedule,
    seqLen,
    batchSize,
    lr: t.lr === 'auto' ? win.lr : t.lr,
    clip: t.clip === 'auto' ? autoClip(r.segmentation, batchSize) : t.clip,
    epochs: t.epochs === 'auto' ? (t.time !== null ? null : EPOCH_CAP) : t.epochs,
    patience: t.patience === 'auto' ? (t.time !== null ? 0 : 3) : t.patience,
  };
  return { kind: 'fresh', corpus, segmentation: r.segmentation, model: { cell: m.cell, layers, hidden, dropout, vocabSize: corpus.vocab.size }, training, choices };
}

/**
 * Training speed of a model here (chars/s): windows of the corpus forward and backward on
 * the workers that will train, one to warm up (three more on the first call: a fresh
 * process runs its first windows 2–7× slower) and the faster of two timed. Weights are
 * random: the time does not depend on them.
 */
export function speedMeter(corpus: Corpus, pool: WindowRunner | null, samples = 0): (model: ModelConfig, batch: number, seqLen: number) => Promise<number> {
  let warm = false;
  return async (model, batch, seqLen) => {
    const params = Params.init(model, new Rng(1));
    const win = windowAt(corpus.train, rowBounds(corpus.train, batch), seqLen, 0);
    const state = zeroState(model, win.batch);
    const opts: RunOptions = { train: true, lossScale: 1 / win.batch, dropoutSeed: 1 };
    if (samples > 0) {
      // Timed as it will train: with a sampled softmax.
      const c = sampleCandidates(win, model.vocabSize, samples, new Rng(1));
      opts.candidates = c.ids;
      opts.candidateLogWeights = c.logWeights;
    }
    const once = async () => {
      const t0 = performance.now();
      const r = await (pool ? pool.run(params, win, state, opts) : runWindow(params, win, state, opts));
      return r.count / Math.max(1e-6, (performance.now() - t0) / 1000);
    };
    for (let i = warm ? 1 : 4; i > 0; i--) await once();
    warm = true;
    return Math.max(await once(), await once());
  };
}
