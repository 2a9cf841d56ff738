// `rnnlm train <corpus>`: flags → TrainRequest, progress on stderr, and the end report
// (best validation loss, speed, loss chart, a short sample, what to run next).

import { availableParallelism } from 'node:os';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { loadCheckpoint } from '../../node/checkpoint-files.js';
import { type AdaptMeta } from '../../checkpoint/types.js';
import { OUTPUTS, type Auto, type OutputKind } from '../../training/auto.js';
import { SCHEDULES, type ScheduleKind } from '../../training/schedule.js';
import { SPLIT_METHODS, type SplitMethod } from '../../text/split.js';
import { RUNNING_MODE } from '../../text/kind.js';
import { isStdin } from '../../node/textfile.js';
import { CELLS, type CellKind } from '../../model/config.js';
import { Rng } from '../../common/rng.js';
import { sampleText } from '../../inference/sample.js';
import { SEGMENTATIONS, UNITS, type Segmentation, type Unit } from '../../text/tokenizer.js';
import { CHUNK_WINDOWS, type EvalInfo, type StartInfo, type StepInfo, type TrainResult } from '../../training/trainer.js';
import { DEFAULT_SEGMENTATION, MODEL_DEFAULTS, TRAINING_DEFAULTS, type TrainSettings } from '../../training/defaults.js';
import { EPOCH_CAP } from '../../training/resolve.js';
import { train, type NGramInfo, type TrainEvents } from '../../node/training-run.js';
import { makeContext, type Context, type GlobalArgs } from '../context.js';
import { Model } from '../../api/model.js';
import { ADAPT_RATES, ADAPT_Z, rateText } from '../../inference/dynamic.js';
import { duration, int, lossText } from '../../display/units.js';
import { lossChart } from '../format.js';
import { LN2 } from '../../inference/sentence.js';
import { numberOption } from '../options.js';
import { parseDuration } from '../../display/units.js';
import { makeProgress } from '../progress.js';
import { interruptible, type Interrupt } from '../interrupt.js';
import { VERSION } from '../../node/version.js';

interface Args extends GlobalArgs {
  corpus: string;
  json?: boolean;
  out?: string;
  resume?: boolean;
  force?: boolean;
  cell: CellKind;
  layers: Auto<number>;
  hidden: Auto<number>;
  dropout: Auto<number>;
  segmentation: Auto<Segmentation>;
  minCount: number;
  valFraction: number;
  valSplit: Auto<SplitMethod>;
  shuffle?: boolean;
  seqLen: Auto<number>;
  batchSize: Auto<number>;
  lr: Auto<number>;
  warmup: number;
  schedule: Auto<ScheduleKind>;
  lrDecay: number;
  clip: number | 'auto';
  epochs?: number;
  time?: number;
  evalEvery?: number;
  patience?: number;
  seed: number;
  steps?: number;
  workers: number | 'auto';
  ngram: boolean;
  unit: Unit;
  vocabSize: number;
  lowercase?: boolean;
  samples: number;
  ngramInput: boolean;
  ngramAdapt: boolean;
  from?: string;
  charset?: string;
  adapt: boolean;
}

const D = { ...MODEL_DEFAULTS, ...TRAINING_DEFAULTS, segmentation: DEFAULT_SEGMENTATION };

export const trainCommand: CommandModule<object, Args> = {
  command: 'train <corpus>',
  describe: 'Train a character-level language model on a text file (- for stdin)',
  builder: (y: Argv) =>
    y
      .positional('corpus', { type: 'string', describe: 'UTF-8 text file, or - for stdin', demandOption: true })
      .option('out', {
        alias: 'o',
        type: 'string',
        describe:
          'Checkpoint folder [default: checkpoints/<corpus-name>]; with --resume also a checkpoint .zip from the page (unpacked into the folder of its name)',
      })
      .option('resume', { type: 'boolean', describe: 'Continue the run saved in the checkpoint folder exactly where it stopped' })
      .option('from', {
        type: 'string',
        default: 'auto',
        describe:
          "Start from another model's weights: a checkpoint folder or zip (yours, or the page's), or the name of a model shipped with rnnlm; its tokens keep their ids, the text's new ones are added, its shape is kept (a larger --hidden grows it: the new units start silent), the n-gram is counted on this text. none: from random weights; auto: the shipped English base for a small text mostly in its characters",
      })
      .option('charset', {
        type: 'string',
        describe: 'Characters in the vocabulary even where the text has none of them (a model others will start from: accented letters, typographic quotes)',
      })
      .option('force', { type: 'boolean', describe: 'Start a new run even if the folder holds a checkpoint (replaces it)' })
      .option('cell', { choices: CELLS, default: D.cell, describe: 'Recurrent cell' })
      .option(
        'layers',
        numberOption('layers', { min: 1, max: 16, integer: true, auto: true }, 'Stacked recurrent layers (auto: from the corpus size and --time)', D.layers),
      )
      .option(
        'hidden',
        numberOption(
          'hidden',
          { min: 1, max: 8192, integer: true, auto: true },
          'Units per layer (auto: from the corpus size and, with --time, from a few training steps of each size timed here before training)',
          D.hidden,
        ),
      )
      .option(
        'dropout',
        numberOption(
          'dropout',
          { min: 0, max: 1, maxExclusive: true, auto: true },
          'Dropout on layer outputs while training (auto: 0.2 below 500K training characters, 0.1 below 5M, else 0)',
          D.dropout,
        ),
      )
      .option('output', {
        choices: ['auto', ...OUTPUTS],
        default: D.output,
        describe:
          'Output layer: one softmax over the vocabulary, or factored into classes by frequency (exact probabilities, cost √V instead of V per token; auto: factored for a large vocabulary when measured faster here)',
      })
      .option('segmentation', {
        alias: 'mode',
        choices: ['auto', ...SEGMENTATIONS],
        default: D.segmentation,
        describe: `What a sequence is: each line, each blank-line-separated paragraph, or the whole file (auto: line for lists of independent items; ${RUNNING_MODE} for running text — paragraphs, plays with speaker lines, records between separator lines such as %, verse and code — so the state and the blank lines carry what follows a line; the kind of text also picks the validation split)`,
      })
      .option('unit', {
        choices: UNITS,
        default: D.unit,
        describe: 'What a token is: a character, or a word (words, numbers and punctuation; the --vocab-size most frequent kept, the rest <UNK>)',
      })
      .option(
        'vocab-size',
        numberOption('vocab-size', { min: 1, max: 1_000_000, integer: true }, 'Word models: the most frequent words kept (with <EOS> and <UNK>)', D.vocabSize),
      )
      .option('lowercase', { type: 'boolean', describe: 'Word models: fold case before counting and reading words' })
      .option(
        'samples',
        numberOption(
          'samples',
          { min: 0, integer: true },
          "Train with a sampled softmax: over each batch's target words and this many others drawn at random (a word model's cheaper objective; scoring stays exact). 0: the full softmax",
          D.samples,
        ),
      )
      .option('min-count', numberOption('min-count', { min: 1, integer: true }, 'Characters seen fewer times become <UNK>', D.minCount))
      .option('val-fraction', numberOption('val-fraction', { min: 0, max: 0.9 }, 'Fraction held out for validation', D.valFraction))
      .option('val-split', {
        choices: ['auto', ...SPLIT_METHODS],
        default: D.split,
        describe: 'How validation is chosen: random items, blocks spread over the text, or the tail (auto: random for lists, blocks for running text)',
      })
      .option('shuffle', {
        type: 'boolean',
        describe: 'New random order every epoch: of the sequences, or in document mode of chunks of 10 windows [default: on]',
      })
      .option(
        'seq-len',
        numberOption('seq-len', { min: 1, max: 10000, integer: true, auto: true }, 'Time steps per truncated-BPTT window (auto: 64)', D.seqLen),
      )
      .option('batch-size', numberOption('batch-size', { min: 1, max: 4096, integer: true, auto: true }, 'Rows per window (auto: 32)', D.batchSize))
      .option('lr', numberOption('lr', { min: 0, minExclusive: true, max: 1, auto: true }, 'Adam (peak) learning rate (auto: 0.008)', D.lr))
      .option('warmup', numberOption('warmup', { min: 0, integer: true }, 'Steps of linear learning-rate warm-up', D.warmup))
      .option('schedule', {
        choices: ['auto', ...SCHEDULES],
        default: D.schedule,
        describe: 'Learning rate after warm-up: cosine down to 10% at the end of --time (or --epochs), or plateau decay (auto: cosine with --time)',
      })
      .option(
        'lr-decay',
        numberOption(
          'lr-decay',
          { min: 0, minExclusive: true, max: 1 },
          'Plateau schedule: learning-rate factor after an evaluation without improvement',
          D.lrDecay,
        ),
      )
      .option(
        'clip',
        numberOption(
          'clip',
          { min: 0, auto: true },
          'Clip gradients to this global norm of the loss summed over time, averaged over rows (0 = off; auto: 5 in line mode, else 5 / batch rows, which is 5 on the loss summed over the rows as PyTorch trainers usually clip it)',
          D.clip,
        ),
      )
      .option('epochs', {
        ...numberOption('epochs', { min: 1, integer: true }, 'Passes over the training split'),
        defaultDescription: `no cap with --time, else ${EPOCH_CAP} (on --resume: as saved)`,
      })
      .option('time', {
        type: 'string',
        describe: 'Time budget for the whole run, e.g. 90s, 10m, 2h: the schedule ends there; stops and saves when reached',
        coerce: (v: unknown) => (v === undefined ? undefined : parseDuration('--time', v)),
      })
      .option('eval-every', {
        ...numberOption('eval-every', { min: 0, integer: true }, 'Steps between validation runs and saves (0 = each epoch, at most 200 steps apart)'),
        defaultDescription: `${D.evalEvery} (on --resume: as saved)`,
      })
      .option('patience', {
        ...numberOption('patience', { min: 0, integer: true }, 'Stop after this many evaluations without improvement (0 = never)'),
        defaultDescription: `0 with --time, else 3 (on --resume: as saved)`,
      })
      .option('seed', numberOption('seed', { min: 0, max: 2 ** 32 - 1, integer: true }, 'Random seed (same seed and backend → same run)', D.seed))
      .option('steps', numberOption('steps', { min: 1, integer: true }, 'Stop after this many steps in total (a quick look)'))
      .option(
        'workers',
        numberOption(
          'workers',
          { min: 1, max: 64, integer: true, auto: true },
          `Data-parallel threads, each with its own backend (results equal up to float rounding); auto: one per core (${availableParallelism()} here), at least 16 batch rows each`,
          'auto',
        ),
      )
      .option('ngram', {
        type: 'boolean',
        default: true,
        describe:
          'Count a Kneser–Ney n-gram of the training text first: the baseline the network has to beat, mixed with it for score, eval and sample (--no-ngram: the network alone)',
      })
      .option('ngram-adapt', {
        type: 'boolean',
        default: D.ngramAdapt,
        describe:
          'Within a document, the n-gram keeps counting what it reads, as if it had been in the training text: names and phrases a text repeats grow likelier (--no-ngram-adapt: the training counts only)',
      })
      .option('ngram-input', {
        type: 'boolean',
        default: D.ngramInput,
        describe:
          "The network takes the n-gram's log-probabilities as input, added to its own before the softmax: it starts as the n-gram and learns what the n-gram does not know",
      })
      .option('adapt', {
        type: 'boolean',
        default: true,
        describe:
          'At the end, choose on validation the rate at which the network keeps learning from a text as eval and score read it (dynamic evaluation; kept only where it helps) (--no-adapt: skip)',
      })
      .option('json', {
        type: 'boolean',
        describe: 'At the end, print the result as one JSON object on stdout (the report stays on stderr; with -q only the JSON)',
      })
      .example('$0 train names.txt', 'one name per line (line mode)')
      .example('$0 train speeches.txt --time 10m', 'prose: the best model ten minutes allow')
      .example('$0 train lyrics.txt --from en', 'start from the English base model that ships with rnnlm (what auto does for a small English text)')
      .example('$0 train poems.txt --from checkpoints/names', 'start from a model of your own; new characters are added')
      .example('$0 train names.txt --cell gru --layers 1 --hidden 128', 'a smaller GRU')
      .example('$0 train names.txt --resume --epochs 20', 'continue a run to 20 epochs')
      .example('$0 train my-names.txt --from checkpoints/names --time 1m', "start from another model's weights")
      .example('$0 train speeches.txt --unit word --time 10m', 'a word model: the 10,000 most frequent words, the rest <UNK>') as unknown as Argv<Args>,
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    const ctx = makeContext(argv);
    const backend = await ctx.startBackend();
    const training: TrainSettings = {
      seqLen: argv.seqLen,
      batchSize: argv.batchSize,
      lr: argv.lr,
      warmup: argv.warmup,
      schedule: argv.schedule,
      lrDecay: argv.lrDecay,
      clip: argv.clip,
      epochs: argv.epochs ?? D.epochs,
      time: argv.time ?? null,
      evalEvery: argv.evalEvery ?? D.evalEvery,
      patience: argv.patience ?? D.patience,
      seed: argv.seed,
      minCount: argv.minCount,
      valFraction: argv.valFraction,
      split: argv.valSplit,
      shuffle: argv.shuffle ?? 'auto',
      unit: argv.unit,
      vocabSize: argv.vocabSize,
      lowercase: argv.lowercase ?? false,
      samples: argv.samples,
      ngramInput: argv.ngramInput,
      ngramAdapt: argv.ngramAdapt,
      ...(argv.charset ? { charset: argv.charset.normalize('NFC') } : {}),
    };
    const interrupt = interruptible(['SIGINT', 'SIGTERM']);
    const progress = makeProgress(ctx, argv.quiet);
    let result: TrainResult;
    try {
      result = await train(
        {
          corpusPath: argv.corpus,
          out: argv.out,
          resume: Boolean(argv.resume),
          force: Boolean(argv.force),
          from: argv.from,
          adapt: argv.adapt,
          model: { cell: argv.cell, layers: argv.layers, hidden: argv.hidden, dropout: argv.dropout, output: argv.output as Auto<OutputKind> },
          training,
          segmentation: argv.segmentation,
          resumeOverrides: { epochs: argv.epochs, time: argv.time, patience: argv.patience, evalEvery: argv.evalEvery },
          maxSteps: argv.steps,
          ngram: argv.ngram,
          workers: argv.workers,
          backend,
          version: VERSION,
          signal: interrupt.signal,
        },
        events(ctx, progress, backend, argv.quiet),
      );
    } finally {
      progress.stop();
      interrupt.release();
    }
    report(ctx, argv, result, interrupt);
    if (argv.json) process.stdout.write(JSON.stringify(resultJSON(result)) + '\n');
  },
};

/** `train --json`: what the run did and where its model is, in the units of eval --json (bits per token). */
function resultJSON(r: TrainResult): object {
  const m = r.meta;
  const bits = (nats: number | null | undefined) => (nats == null ? null : nats / LN2);
  return {
    dir: r.dir,
    stopped: r.stopped,
    steps: m.progress.step,
    seconds: r.seconds,
    unit: r.vocab.unit,
    tokens_per_s: r.charsPerSec,
    model: {
      cell: m.model.cell,
      layers: m.model.layers,
      hidden: m.model.hidden,
      dropout: m.model.dropout,
      vocab: m.model.vocabSize,
      output: m.model.classOf ? 'factored' : 'flat',
    },
    from: m.from?.name ?? null,
    best_step: m.progress.bestStep,
    validation_bpc: bits(m.progress.bestVal),
    mixture_bpc: bits(m.mixture?.val),
    ngram_bpc: bits(m.ngram?.val),
    adapt_lr: m.adapt?.lr ?? null,
  };
}

function events(ctx: Context, progress: ReturnType<typeof makeProgress>, backend: string, quiet?: boolean): TrainEvents {
  const { c } = ctx;
  let lastVal: number | null = null;
  let epochs: number | null = null;
  let per: Unit = 'char'; // what a token is: the losses are bits per character or per word
  return {
    onUnpack: (zip, dir, files) => {
      if (!quiet) progress.log(`  unpacked ${zip} into ${dir} (${files.join(', ')}); the run goes on there`);
    },
    onStart: (s: StartInfo) => {
      epochs = s.training.epochs;
      per = s.vocab.unit;
      if (quiet) return;
      const m = s.model;
      const t = s.training;
      progress.log(c.bold(`rnnlm train ${s.resumedAt !== null ? `(resuming at step ${s.resumedAt}) ` : ''}→ ${s.dir}`));
      progress.log(
        `  corpus    ${int(s.corpus.train.length - 1)} training tokens in ${int(s.corpus.sequences.train)} sequences, ${int(s.corpus.val ? s.corpus.val.length - 1 : 0)} validation tokens in ${int(s.corpus.sequences.val)}`,
      );
      const what = per === 'word' ? ['words', `words outside the ${int(s.vocab.size - 2)} most frequent`] : ['characters', 'rare characters'];
      progress.log(
        `  vocab     ${s.vocab.size} tokens (${s.vocab.size - 2} ${what[0]} + <EOS>, <UNK>)${s.corpus.unkCount ? `, ${int(s.corpus.unkCount)} ${what[1]} mapped to <UNK>${per === 'word' ? ` (${((100 * s.corpus.unkCount) / Math.max(1, s.corpus.train.length - 1 - s.corpus.sequences.train)).toFixed(1)}% of the training words)` : ''}` : ''}`,
      );
      progress.log(
        `  model     ${m.layers}-layer ${m.cell.toUpperCase()}, hidden ${m.hidden}, ${int(s.parameters)} parameters${m.dropout ? `, dropout ${m.dropout}` : ''}`,
      );
      const steps = s.totalSteps === null ? '' : `, ${s.totalSteps} steps`;
      const sched = t.schedule === 'cosine' ? `cosine to ${t.time ? 'the deadline' : 'the last epoch'}` : `×${t.lrDecay} on a plateau`;
      progress.log(
        `  training  batch ${t.batchSize} × ${t.seqLen} steps, ${s.windowsPerEpoch} window${s.windowsPerEpoch === 1 ? '' : 's'}/epoch${steps}, Adam lr ${t.lr} (${sched})${t.time ? `, budget ${duration(t.time)}` : ''}`,
      );
      const order = !t.shuffle
        ? 'in file order'
        : s.segmentation === 'document'
          ? `in chunks of ${CHUNK_WINDOWS * t.seqLen} characters, reshuffled every epoch`
          : 'sequences reshuffled every epoch';
      progress.log(`  data      ${order}; validation ${SPLIT_TEXT[t.split]}`);
      for (const ch of s.choices) progress.log(c.dim(`  auto      ${ch.what} ${ch.value}: ${ch.reason}`));
      progress.log(`  backend   ${backend}${s.workers > 1 ? ` × ${s.workers} threads` : ''}`);
    },
    onNGram: (n: NGramInfo) => {
      if (quiet) return;
      const size = `${n.seconds.toFixed(1)} s, ${int(n.entries)} entries, ${(n.bytes / 1e6).toFixed(1)} MB`;
      const beat =
        n.val === null ? ' (no validation split to measure it on)' : `: ${(n.val / LN2).toFixed(3)} bits/${per} on validation; the network has to beat that`;
      progress.log(`  baseline  a ${n.order}-gram of this text (${size})${beat}`);
    },
    onStep: (s: StepInfo) => {
      const val = lastVal === null ? '' : ` · val ${(lastVal / LN2).toFixed(3)}`;
      progress.update(
        `epoch ${s.epoch.toFixed(2)}${epochs === null ? '' : `/${epochs}`} · step ${s.step}${s.totalSteps === null ? '' : `/${s.totalSteps}`} · train ${(s.loss / LN2).toFixed(3)} bits/${per}${val} · ${int(s.charsPerSec)} ${per}s/s · ETA ${duration(s.etaSeconds)}`,
      );
    },
    onAdapt: (a: AdaptMeta, seconds: number) => {
      if (quiet) return;
      const b = (x: number) => (x / LN2).toFixed(3);
      const what = a.by === 'mixture' ? 'mixture' : 'network';
      progress.log(
        a.lr > 0
          ? `  adapting ${rateText(a)} chosen on ${int(a.tokens)} validation tokens (${seconds.toFixed(0)} s${a.tried.length - 1 < ADAPT_RATES.length ? `, ${a.tried.length - 1} of ${ADAPT_RATES.length} rates in the time` : ''}): ${what} ${b(a.static)} → ${b(a.adapted)} bits/${per} (network ${b(a.network.static)} → ${b(a.network.adapted)}); eval learns as it reads, at ${int(a.tokensPerSec)} ${per}s/s (--no-adapt: not)`
          : `  adapting none: learning as it reads did not help on ${int(a.tokens)} validation tokens (${what} ${b(a.static)}; best rate tried ${a.tried.slice(1).reduce((x, y) => (y.nats < x.nats ? y : x)).lr} → ${b(Math.min(...a.tried.slice(1).map((t) => t.nats)))}${a.se === undefined ? '' : `, within noise: ±${b(ADAPT_Z * a.se)}`})`,
      );
    },
    onEval: (e: EvalInfo) => {
      if (e.val !== null) lastVal = e.val;
      const reading = e.ngramReading === null ? '' : ` (reading ${(e.ngramReading / LN2).toFixed(3)})`;
      const mix = e.mix === null || e.ngram === null ? '' : `  n-gram ${(e.ngram / LN2).toFixed(3)}${reading}  mixed ${(e.mix / LN2).toFixed(3)}`;
      const val = e.val === null ? '' : `  val ${(e.val / LN2).toFixed(3)}${mix}`;
      progress.log(
        `  step ${String(e.step).padStart(6)}  train ${(e.train / LN2).toFixed(3)}${val} bits/${per}${e.improved ? c.green('  ✓ best, saved') : ''}`,
      );
    },
  };
}

const SPLIT_TEXT: Record<SplitMethod, string> = {
  random: 'a seeded random choice of sequences',
  blocks: 'blocks spread over the text',
  tail: 'the last part of the text',
};

function report(ctx: Context, argv: Args, r: TrainResult, interrupt: Interrupt): void {
  const { c } = ctx;
  const best = r.meta.progress.bestVal;
  const per = r.vocab.unit;
  const reasons = {
    epochs: `finished ${r.meta.training.epochs} epochs`,
    steps: `reached --steps`,
    time: `time budget reached`,
    patience: `stopped early: no improvement in ${r.meta.training.patience} evaluations`,
    interrupted: `interrupted by ${interrupt.received() || 'a signal'}; progress saved`,
  };
  if (r.stopped === 'interrupted') process.exitCode = interrupt.exitCode();
  const resumeCmd = `rnnlm train ${isStdin(argv.corpus) ? '-' : argv.corpus} --resume${argv.out ? ` --out ${r.dir}` : ''}`;
  if (argv.quiet) {
    ctx.say(`${c.green('✓')} ${r.dir}: ${reasons[r.stopped]}; best ${best === null ? 'n/a' : `${(best / LN2).toFixed(3)} bits/${per}`}`);
    if (r.stopped === 'interrupted') ctx.say(`  resume with: ${resumeCmd}`);
    return;
  }
  ctx.say('');
  ctx.say(`${c.green('✓')} ${reasons[r.stopped]} after ${r.meta.progress.step} steps (${duration(r.seconds)} this run, ${int(r.charsPerSec)} ${per}s/s)`);
  if (best !== null)
    ctx.say(
      `  best ${r.meta.history.some((h) => h.val !== undefined) ? 'validation' : 'training'} loss ${lossText(best, per)} at step ${r.meta.progress.bestStep}`,
    );
  const mx = r.meta.mixture;
  if (mx && r.meta.ngram?.val != null) {
    const reading = mx.ngramReading === undefined ? '' : `, ${(mx.ngramReading / LN2).toFixed(3)} counting what it reads`;
    ctx.say(
      `  mixed with the ${r.meta.ngram.order}-gram (${(r.meta.ngram.val / LN2).toFixed(3)} bits/${per} alone${reading}): ${(mx.val / LN2).toFixed(3)} bits/${per} on validation; score, eval and sample use the mixture (--no-mix: the network alone)`,
    );
  }
  const chart = lossChart(r.meta.history, c, 10, r.meta.ngram?.val ?? null, per);
  if (chart) ctx.say('\n' + chart);
  if (r.stopped === 'interrupted') {
    ctx.say(`\n  resume with: ${c.bold(resumeCmd)}`);
    return;
  }
  try {
    const ck = new Model(loadCheckpoint(r.dir));
    const stepper = ck.predictor();
    const rng = new Rng(argv.seed);
    ctx.say(`\n  samples (temperature 0.8):`);
    const lines = ck.meta.segmentation === 'line' ? 5 : 1;
    for (let i = 0; i < lines; i++) {
      const s = sampleText(stepper, ck.vocab, { temperature: 0.8, length: ck.meta.segmentation === 'line' ? 80 : 300, stopAtEos: true, rng });
      ctx.say(c.cyan(`    ${s.text.replace(/\n/g, '\n    ')}`));
    }
  } catch {
    /* the report is best-effort; the checkpoint itself was saved */
  }
  const model = argv.out ? ` --model ${argv.out}` : '';
  ctx.say(`\n  next:  ${c.bold(`rnnlm sample --temp 0.8 -n 5${model}`)}`);
  ctx.say(`         ${c.bold(`rnnlm score${model} "Some text"`)}`);
  ctx.say(`         ${c.bold(`rnnlm info ${r.dir}`)}`);
}
