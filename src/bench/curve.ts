// `npm run bench:curve`: rnnlm's per-step learning curve with a fixed recipe, for comparison
// with a reference trainer's curve (README "Learning per step"). Trains on the first 90% of
// tiny-shakespeare with the reference recipe — document mode, 2 × 256 LSTM, batch 64 × 100,
// Adam 0.002 at a constant rate, clip 5, no dropout — and evaluates the last 10% (never
// trained on) exactly, as `rnnlm eval` does, after each listed step; several seeds.
// Per-step, so the machine's speed does not matter; resume is exact, so stopping at each
// checkpoint and going on changes nothing; with --dir the checkpoints and the numbers measured
// so far are kept there, and a later run with the same --dir goes on from them.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { initBackend } from '../node/backend.js';
import { scoreText } from '../inference/score.js';
import { CHUNK_WINDOWS } from '../training/trainer.js';
import { TRAINING_DEFAULTS } from '../training/defaults.js';
import { train, type TrainRequest } from '../node/training-run.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const argv = yargs(hideBin(process.argv))
  .scriptName('npm run bench:curve --')
  .option('corpus', { type: 'string', default: join(ROOT, '..', 'shared', 'corpora', 'tinyshakespeare.txt') })
  .option('seeds', { type: 'string', default: '1,2,3' })
  .option('at', { type: 'string', default: '142,284,426,568,710,848', describe: 'Steps at which to evaluate' })
  .option('workers', { type: 'number', default: 2 })
  .option('clip', { type: 'number', default: 5, describe: 'Gradient clip (global norm of the loss summed over time, mean over rows)' })
  .option('lr', { type: 'number', default: 0.002 })
  .option('warmup', { type: 'number', default: 20, describe: 'Steps of linear learning-rate warm-up' })
  .option('val-fraction', {
    type: 'number',
    default: 0,
    describe: 'Fraction of the training text held out for validation (the reference trained on all of it; the README table before 2026-11-26 08:30 used 0.1)',
  })
  .option('shuffle', {
    type: 'boolean',
    default: false,
    describe: 'Read the text in shuffled chunks of --chunk windows (as train does by default) instead of in file order',
  })
  .option('chunk', {
    type: 'number',
    default: CHUNK_WINDOWS,
    describe: 'With --shuffle: windows per chunk (1: independent windows, each from a zero state, as random-window trainers read)',
  })
  .option('shift', {
    type: 'boolean',
    default: false,
    describe: "With --shuffle: start each epoch's chunk grid at a seeded offset, so epochs cut different windows",
  })
  .option('reference', { type: 'string', default: '2.42,2.07,1.90,1.78,1.70,1.65', describe: 'Reference curve (nats/char) at the same steps, shown beside' })
  .option('dir', { type: 'string', describe: 'Keep checkpoints and measured points here, and go on from them (default: a temporary folder, removed)' })
  .option('json', { type: 'boolean' })
  .strict()
  .parseSync();

const log = (s: string) => process.stderr.write(s + '\n');
await initBackend();
const at = argv.at.split(',').map(Number);
const seeds = argv.seeds.split(',').map(Number);
const ref = argv.reference.split(',').map(Number);
const work = argv.dir ?? mkdtempSync(join(tmpdir(), 'rnnlm-curve-'));
mkdirSync(work, { recursive: true });
// Measured points, one file per seed (so runs of different seeds can share --dir): { step: nats/char }.
const pointsFile = (seed: number) => join(work, `points-seed-${seed}.json`);
const readPoints = (seed: number): Record<string, number> => (existsSync(pointsFile(seed)) ? JSON.parse(readFileSync(pointsFile(seed), 'utf8')) : {});
const cps = Array.from(readFileSync(argv.corpus, 'utf8'));
const cut = Math.round(cps.length * 0.9);
const trainFile = join(work, 'train.txt');
writeFileSync(trainFile, cps.slice(0, cut).join(''));
const held = cps.slice(cut).join('');

const curves: number[][] = [];
try {
  for (const seed of seeds) {
    const curve: number[] = [];
    const out = join(work, `seed-${seed}`);
    const done = readPoints(seed);
    for (const steps of at) {
      if (done[steps] !== undefined) {
        curve.push(done[steps]!);
        log(`seed ${seed} step ${steps}: held-out ${done[steps]!.toFixed(3)} nats/char (measured before, in ${work})`);
        continue;
      }
      const req: TrainRequest = {
        corpusPath: trainFile,
        out,
        resume: existsSync(join(out, 'rnnlm.json')),
        model: { cell: 'lstm', layers: 2, hidden: 256, dropout: 0 },
        training: {
          ...TRAINING_DEFAULTS,
          valFraction: argv.valFraction,
          seqLen: 100,
          batchSize: 64,
          lr: argv.lr,
          clip: argv.clip,
          warmup: argv.warmup,
          schedule: 'plateau',
          lrDecay: 1,
          epochs: 1000,
          patience: 0,
          evalEvery: 1_000_000,
          split: 'tail',
          shuffle: argv.shuffle,
          seed,
        },
        segmentation: 'document',
        maxSteps: steps,
        chunking: { windows: argv.chunk, shifted: argv.shift },
        workers: argv.workers,
        backend: 'bench',
        version: 'bench',
      };
      const r = await train(req);
      const s = await scoreText(r.params, r.vocab, held, 'document');
      curve.push(s.nats_per_char);
      done[steps] = s.nats_per_char;
      writeFileSync(pointsFile(seed), JSON.stringify(done, null, 1) + '\n');
      log(`seed ${seed} step ${steps}: held-out ${s.nats_per_char.toFixed(3)} nats/char (${Math.round(r.charsPerSec)} chars/s)`);
    }
    curves.push(curve);
  }
} finally {
  if (argv.dir === undefined) rmSync(work, { recursive: true, force: true });
}

const rows = at.map((step, i) => {
  const xs = curves.map((c) => c[i]!);
  const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
  return { step, mean, min: Math.min(...xs), max: Math.max(...xs), seeds: xs, reference: ref[i] ?? null };
});
if (argv.json) {
  process.stdout.write(JSON.stringify({ seeds, rows }, null, 1) + '\n');
} else {
  const f = (x: number | null) => (x === null ? '—' : x.toFixed(3));
  process.stdout.write(
    [
      `| step | rnnlm mean (${seeds.length} seeds) | min – max | per seed | reference |`,
      '| --- | --- | --- | --- | --- |',
      ...rows.map((r) => `| ${r.step} | ${f(r.mean)} | ${f(r.min)} – ${f(r.max)} | ${r.seeds.map(f).join(' / ')} | ${f(r.reference)} |`),
    ].join('\n') + '\n',
  );
}
