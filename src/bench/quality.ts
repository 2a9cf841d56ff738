// `npm run bench:quality`: what `rnnlm train` gives a user in a fixed time, measured on text
// it never trained on. For each corpus: split off a held-out part, run the real CLI
// (`rnnlm train train.txt [--time …]`, then `rnnlm eval held.txt --json`), read what auto
// chose from rnnlm.json, and score the same held-out tokens with an interpolated Witten–Bell
// character 4-gram trained on the same training text, for scale.
//   (a) tiny-shakespeare (../shared/corpora), first 90% / last 10%, `--time 15m`;
//   (b) corpora/names.txt, a seeded random 10% of the names held out, no flags at all.
// `--quick`: 2 minutes each. Run it on an otherwise idle machine: budgets are wall time.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { segment, streamOf, Vocab, type Segmentation, type VocabJSON } from '../tokenizer.js';
import { Rng } from '../rng.js';
import { NGram } from './ngram.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'rnnlm.js');

const argv = yargs(hideBin(process.argv))
  .scriptName('npm run bench:quality --')
  .option('quick', { type: 'boolean', describe: 'Two minutes per corpus instead of the full budgets' })
  .option('shakespeare', { type: 'string', default: join(ROOT, '..', 'shared', 'corpora', 'tinyshakespeare.txt'), describe: 'tiny-shakespeare text' })
  .option('names', { type: 'string', default: join(ROOT, 'corpora', 'names.txt') })
  .option('only', { choices: ['shakespeare', 'names'] as const, describe: 'Run one corpus' })
  .option('seed', { type: 'number', default: 1, describe: 'Seed of the held-out choice of names' })
  .option('keep', { type: 'string', describe: 'Keep the split and checkpoints in this folder' })
  .option('json', { type: 'boolean', describe: 'Print one JSON object' })
  .strict()
  .parseSync();

const log = (s: string) => process.stderr.write(s + '\n');
const LN2 = Math.log(2);

interface Row {
  corpus: string;
  command: string;
  budget: string;
  mode: string;
  model: string;
  heldOutNats: number;
  heldOutBits: number;
  valNats: number | null;
  charsPerSec: number;
  trainSeconds: number;
  ngramNats: number;
  ngramBits: number;
  tokens: number;
}

function run(args: string[]): string {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`rnnlm ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

/** Train with the given flags, evaluate on the held-out file, and score it with the 4-gram. */
function measure(corpus: string, trainFile: string, heldFile: string, flags: string[], budget: string, work: string): Row {
  const out = join(work, `ck-${corpus}`);
  const args = ['train', trainFile, '--out', out, '--force', '-q', ...flags];
  log(`▸ rnnlm ${args.join(' ')}`);
  const t0 = Date.now();
  run(args);
  const trainSeconds = (Date.now() - t0) / 1000;
  log(`▸ rnnlm eval ${heldFile} --model ${out} --json`);
  const ev = JSON.parse(run(['eval', heldFile, '--model', out, '--json']));
  const meta = JSON.parse(readFileSync(join(out, 'rnnlm.json'), 'utf8'));
  const vocab = Vocab.fromJSON(meta.vocab as VocabJSON, 'rnnlm.json');
  const seg = meta.segmentation as Segmentation;
  const g = new NGram(4, vocab.size).train(streamOf(vocab, segment(readFileSync(trainFile, 'utf8'), seg)).ids);
  const ng = g.score(streamOf(vocab, segment(readFileSync(heldFile, 'utf8'), seg)).ids);
  const m = meta.model;
  const p = meta.progress;
  return {
    corpus,
    command: `rnnlm train ${flags.join(' ')}`.trim(),
    budget,
    mode: seg,
    model: `${m.layers} × ${m.hidden} ${m.cell}${m.dropout ? `, dropout ${m.dropout}` : ''}`,
    heldOutNats: ev.nats_per_char,
    heldOutBits: ev.bpc,
    valNats: p.bestVal,
    charsPerSec: p.charsSeen / Math.max(1e-9, p.elapsedSeconds),
    trainSeconds,
    ngramNats: ng.nats / ng.tokens,
    ngramBits: ng.nats / ng.tokens / LN2,
    tokens: ev.tokens,
  };
}

const work = argv.keep ?? mkdtempSync(join(tmpdir(), 'rnnlm-quality-'));
mkdirSync(work, { recursive: true });
const rows: Row[] = [];
const budget = argv.quick ? '2m' : null;
try {
  if (argv.only !== 'names') {
    if (!existsSync(argv.shakespeare)) {
      log(`✗ ${argv.shakespeare} not found: skipping tiny-shakespeare (pass --shakespeare PATH)`);
    } else {
      const cps = Array.from(readFileSync(argv.shakespeare, 'utf8'));
      const cut = Math.round(cps.length * 0.9);
      const tr = join(work, 'shakespeare-train.txt');
      const ho = join(work, 'shakespeare-held.txt');
      writeFileSync(tr, cps.slice(0, cut).join(''));
      writeFileSync(ho, cps.slice(cut).join(''));
      const b = budget ?? '15m';
      rows.push(measure('tiny-shakespeare', tr, ho, ['--time', b], b, work));
    }
  }
  if (argv.only !== 'shakespeare') {
    const lines = readFileSync(argv.names, 'utf8').split('\n').filter((l) => l.trim() !== '');
    const rng = new Rng(argv.seed);
    const held = new Set<number>();
    while (held.size < Math.round(lines.length * 0.1)) held.add(Math.floor(rng.next() * lines.length));
    const tr = join(work, 'names-train.txt');
    const ho = join(work, 'names-held.txt');
    writeFileSync(tr, lines.filter((_, i) => !held.has(i)).join('\n') + '\n');
    writeFileSync(ho, lines.filter((_, i) => held.has(i)).join('\n') + '\n');
    rows.push(measure('names', tr, ho, budget ? ['--time', budget] : [], budget ?? 'none (no flags)', work));
  }
} finally {
  if (!argv.keep) rmSync(work, { recursive: true, force: true });
}

const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, Node ${process.version}`;
const date = new Date().toISOString().slice(0, 10);
if (argv.json) {
  process.stdout.write(JSON.stringify({ machine, date, rows }, null, 1) + '\n');
} else {
  const f = (x: number | null, d = 3) => (x === null ? '—' : x.toFixed(d));
  const out = [
    `machine: ${machine}; ${date}`,
    '',
    '| corpus | command | mode | model | held-out nats/char | bits/char | validation nats/char | 4-gram nats/char (bits) | chars/s | wall |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.corpus} | \`${r.command}\` | ${r.mode} | ${r.model} | **${f(r.heldOutNats)}** | ${f(r.heldOutBits)} | ${f(r.valNats)} | ${f(r.ngramNats)} (${f(r.ngramBits)}) | ${Math.round(r.charsPerSec).toLocaleString('en-US')} | ${Math.round(r.trainSeconds)} s |`,
    ),
  ];
  process.stdout.write(out.join('\n') + '\n');
}
