// A new run's `auto` settings resolved from its text (auto.ts): the mode and split from the
// kind of text, the model size from a speed meter the caller provides (timing candidate sizes
// on the workers that will train), dropout from the epochs the budget allows, the window,
// rate, clip, schedule, epochs and patience. No Node: the CLI and a page resolve the same way.

import { autoClip, autoDropout, autoWindow, chooseOutput, chooseSize, FACTORED_MIN_VOCAB, outputClassCount, resolveText, SIZES } from './auto.js';
import { buildCorpus, rowBounds, windowAt, type Corpus } from '../text/corpus.js';
import { inputError } from '../common/errors.js';
import { runWindow, zeroState, type RunOptions, type WindowRunner } from '../model/lm.js';
import { sampleCandidates } from '../model/softmax.js';
import { Params } from '../model/params.js';
import { Rng } from '../common/rng.js';
import type { Meta, Origin, TrainConfig } from '../checkpoint/types.js';
import type { Vocab } from '../text/tokenizer.js';
import { widenVocab } from '../model/widen.js';
import { growHidden } from '../model/grow.js';
import { streamClasses } from '../model/factored.js';
import type { ModelConfig } from '../model/config.js';
import type { ScheduleKind } from './schedule.js';
import type { Auto, ModelRequest } from './auto.js';
import type { TrainSettings } from './defaults.js';
import type { Segmentation } from '../text/tokenizer.js';
import type { Fresh } from './trainer.js';

/** Epoch cap without a time budget (patience usually stops first). */
export const EPOCH_CAP = 50;

/** A model a new run starts from (`--from`): its checkpoint as loaded, and the name the user gave it. */
export interface StartFrom {
  name: string;
  meta: Meta;
  vocab: Vocab;
  params: Params;
}

/**
 * Adam's peak learning rate when a run starts from another model (auto): half the rate from
 * zero. Measured (docs/starting-from-a-model.md): fine-tuning the base 240 steps (a minute
 * here) on quotes, fiction and names at 0.001, 0.002, 0.004 and 0.008, held-out bits/char of
 * the network averaged 2.494, 2.420, 2.381, 2.384 and of the mixture 2.316, 2.308, 2.304, 2.306.
 */
export const FROM_LR = 0.004;

/** What a new run asks for, as the CLI's flags and the page's fields give it: the corpus's name, and `auto` where they say auto. */
export interface RunRequest {
  corpusPath: string;
  segmentation: Auto<Segmentation>;
  model: ModelRequest;
  training: TrainSettings;
}

/** Resolve the `auto` settings of a new run from its text (auto.ts); explicit values stay. */
export async function resolveRun(
  req: RunRequest,
  text: string,
  meter: (corpus: Corpus, rows: number) => Promise<(model: ModelConfig, batch: number, seqLen: number) => Promise<number>>,
  start?: StartFrom | { auto: StartFrom | null },
): Promise<Fresh> {
  const t = req.training;
  if (t.ngramInput && t.samples > 0)
    throw inputError('--ngram-input does not go with --samples: the n-gram gives the whole vocabulary at every position, which the sampled softmax avoids');
  const r = resolveText(text, req.segmentation, t.split);
  const choices = [...r.choices];
  let from: StartFrom | undefined;
  let why = ''; // why auto started from the base
  if (start && 'auto' in start) {
    // `--from auto`: the shipped base where it is measured to help.
    const c = chooseStart(text, t.unit, start.auto);
    if (c.use) {
      from = start.auto!;
      why = `${c.reason}: `;
    } else choices.push({ what: 'start', value: 'random weights', reason: c.reason });
  } else from = start;
  if (from && t.unit === 'word' && from.vocab.unit !== 'word')
    throw inputError(
      `${from.name} is a character model, and a run started from it reads characters: leave out --unit word, or start from random weights with --from none`,
    );
  // A run from another model reads tokens as that model does (its unit and case), its tokens first.
  const unit = from ? from.vocab.unit : t.unit;
  const lowercase = from ? from.vocab.lowercase : t.lowercase;
  // A new run reads text in NFC (tokenizer.ts, Vocab.normalize), started from another model or not.
  const corpus = buildCorpus(text, req.corpusPath, {
    segmentation: r.segmentation,
    minCount: t.minCount,
    valFraction: t.valFraction,
    split: r.split,
    seed: t.seed,
    unit,
    vocabSize: t.vocabSize,
    lowercase,
    charset: t.charset,
    base: from?.vocab,
    normalize: 'NFC',
  });
  const trainChars = corpus.train.length - corpus.sequences.train - 1;
  const m = req.model;
  let { layers, hidden, dropout } = m;
  let cell = m.cell;
  const win = autoWindow(r.segmentation);
  const batchSize = t.batchSize === 'auto' ? win.batchSize : t.batchSize;
  const seqLen = t.seqLen === 'auto' ? win.seqLen : t.seqLen;
  let speed: number | null = null; // measured chars/s of the chosen size
  let measurer: ((model: ModelConfig, batch: number, seqLen: number) => Promise<number>) | undefined;
  const measure = async (model: ModelConfig) => (measurer ??= await meter(corpus, batchSize))(model, batchSize, seqLen);
  const V = corpus.vocab.size;
  const output = m.output ?? 'auto';
  if (output === 'factored' && t.samples > 0)
    throw inputError('--output factored does not go with --samples: both make a large vocabulary cheaper to train; choose one');
  if (output === 'factored' && t.ngramInput) throw inputError('--output factored does not go with --ngram-input: the n-gram is added to a flat softmax');
  let classOf: number[] | undefined; // a factored output layer's classes
  const widened = from ? widenVocab(from.params, V) : null;
  if (from) {
    const f = from.meta.model;
    if ((layers !== 'auto' && layers !== f.layers) || (hidden !== 'auto' && hidden < f.hidden)) {
      throw inputError(
        `the model's shape comes from ${from.name} (${f.layers} × ${f.hidden}): leave out --layers, ask for at least ${f.hidden} units with --hidden (more grows it), or start from random weights with --from none`,
      );
    }
    if (output !== 'auto' && output !== (f.classOf ? 'factored' : 'flat'))
      throw inputError(
        `the output layer comes from ${from.name} (${f.classOf ? 'factored' : 'flat'}): leave out --output, or start from random weights with --from none`,
      );
    const grownTo = hidden !== 'auto' && hidden > f.hidden ? hidden : null;
    ({ layers, hidden, cell } = f);
    if (grownTo !== null) {
      choices.push({
        what: 'model',
        value: `${layers} × ${grownTo}`,
        reason: `grown from ${from.name}'s ${f.layers} × ${f.hidden} as asked: the ${grownTo - f.hidden} new units per layer start silent (the model predicts as ${from.name} did) and learn`,
      });
      hidden = grownTo;
    }
    classOf = widened!.config.classOf;
    const added = V - from.vocab.size;
    choices.push({
      what: 'start',
      value: from.name,
      reason: `${why}its weights (${f.cell.toUpperCase()} ${f.layers} × ${f.hidden}, step ${from.meta.progress.bestStep}); ${added === 0 ? 'the text has no token it lacks' : `${added} new token${added === 1 ? '' : 's'} added, read at first as it read <UNK>`}`,
    });
    if (dropout === 'auto' && t.time !== null) speed = await measure({ cell, layers, hidden, dropout: 0, vocabSize: V, ...(classOf ? { classOf } : {}) });
  } else if (output === 'factored') {
    classOf = streamClasses(corpus.train, V, outputClassCount(V));
  } else if (output === 'auto' && t.samples === 0 && !t.ngramInput && V >= FACTORED_MIN_VOCAB) {
    // Measured at the first size auto would try (or the one asked for).
    const k = streamClasses(corpus.train, V, outputClassCount(V));
    const size = {
      cell,
      layers: layers === 'auto' ? SIZES[0]!.layers : layers,
      hidden: hidden === 'auto' ? SIZES[0]!.hidden : hidden,
      dropout: 0,
      vocabSize: V,
    };
    const o = await chooseOutput(V, (kind) => measure(kind === 'factored' ? { ...size, classOf: k } : size), corpus.vocab.unit);
    if (o.kind === 'factored') classOf = k;
    choices.push({ what: 'output', value: o.kind, reason: o.reason });
  }
  if (layers === 'auto' || hidden === 'auto') {
    // (A run from another model has its shape already.)
    const size = await chooseSize(
      trainChars,
      t.time,
      (l, h) =>
        measure({
          cell: m.cell,
          layers: layers === 'auto' ? l : layers,
          hidden: hidden === 'auto' ? h : hidden,
          dropout: 0,
          vocabSize: V,
          ...(classOf ? { classOf } : {}),
        }),
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
  const lr = t.lr !== 'auto' ? t.lr : from ? FROM_LR : win.lr;
  if (from && t.lr === 'auto')
    choices.push({
      what: 'learning rate',
      value: String(lr),
      reason: `starting from ${from.name}: half the rate from zero (${win.lr}), measured best for fine-tuning on small texts`,
    });
  const training: TrainConfig = {
    ...t,
    unit,
    lowercase,
    split: corpus.split,
    shuffle: t.shuffle === 'auto' ? true : t.shuffle,
    schedule,
    seqLen,
    batchSize,
    lr,
    clip: t.clip === 'auto' ? autoClip(r.segmentation, batchSize) : t.clip,
    epochs: t.epochs === 'auto' ? (t.time !== null ? null : EPOCH_CAP) : t.epochs,
    patience: t.patience === 'auto' ? (t.time !== null ? 0 : 3) : t.patience,
  };
  const model: ModelConfig = { cell, layers, hidden, dropout, vocabSize: V, ...(classOf ? { classOf } : {}) };
  // The starting model's weights for the union vocabulary, grown to `hidden` units where asked.
  const weights = from ? { params: new Params(model, growHidden(widened!, hidden, new Rng(t.seed)).data), origin: originOf(from) } : undefined;
  return { kind: 'fresh', corpus, segmentation: r.segmentation, model, training, choices, ...(weights ? { start: weights } : {}) };
}

/**
 * `--from auto` (the default) starts from the shipped base model when the text is small (under
 * AUTO_FROM_MAX_CHARS characters) and written mostly in the base's characters (at least
 * AUTO_FROM_COVERAGE of its characters, counted with repeats, line breaks aside), for character
 * models. Measured (docs/starting-from-a-model.md, npm run bench:small, 2026-12-05): from the
 * base at 1 minute quotes −0.33 bits/char, fiction −0.20, names +0.002, haiku +0.06; prose of
 * 0.27M and 0.91M training characters −0.17 and −0.11 at 1 minute, −0.14 and −0.10 at 3.
 * Not measured beyond 0.91M: above 1M characters, from zero.
 * Example: 40 KB of English → the base; 40 KB of Chinese (few characters in the base) → zero.
 */
export const AUTO_FROM_MAX_CHARS = 1_000_000;
export const AUTO_FROM_COVERAGE = 0.95;

export function chooseStart(text: string, unit: 'char' | 'word', base: StartFrom | null): { use: boolean; reason: string } {
  if (!base) return { use: false, reason: 'no base model ships with this install' };
  if (unit !== 'char' || base.vocab.unit !== 'char') return { use: false, reason: 'the base model is a character model; this is a word model' };
  let n = 0;
  let known = 0;
  for (const ch of text) {
    if (ch === '\n' || ch === '\r') continue; // line breaks: structure (<EOS> in line mode), not script
    n++;
    if (base.vocab.hasToken(ch)) known++;
  }
  const coverage = known / Math.max(1, n);
  const pc = `${(100 * coverage).toFixed(coverage < 0.995 ? 1 : 0)}% of its characters are the base's`;
  if (coverage < AUTO_FROM_COVERAGE) return { use: false, reason: `only ${pc} (${base.name} knows English text; this one is mostly in other characters)` };
  if (n > AUTO_FROM_MAX_CHARS) return { use: false, reason: `${(n / 1e6).toFixed(1)}M characters: enough text to learn from itself` };
  const size = n < 1000 ? `${n} characters` : `${Math.round(n / 1000)}K characters`;
  return { use: true, reason: `a small text (${size}), ${pc}` };
}

/** What rnnlm.json records of the model a run started from. */
function originOf(from: StartFrom): Origin {
  const m = from.meta;
  return {
    name: from.name,
    sha256: m.weights.sha256,
    step: m.progress.bestStep,
    vocabSize: from.vocab.size,
    corpus: m.corpus.path.split(/[\\/]/).pop() ?? m.corpus.path,
  };
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
