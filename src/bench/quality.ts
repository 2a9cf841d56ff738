// `npm run bench:quality`: what `rnnlm train` gives a user in a fixed time, measured on text
// it never trained on. For each corpus: split off a held-out part, run the real CLI
// (`rnnlm train train.txt [--time …] [flags]`, then `rnnlm eval held.txt --json`), read what
// auto chose from rnnlm.json. `eval` reports the model rnnlm uses (the network mixed with
// its Kneser–Ney n-gram) and each part alone on the same tokens; an interpolated Witten–Bell
// character 4-gram of the training text is also scored on every character of the held-out
// text (document tokens), a fixed yardstick across modes. Tokens are printed beside every number.
// Running texts are also sampled (6,000 characters, --no-stop, temperature 0.8, seed 11)
// and their structure printed beside the held-out text's own: for plays, speaker lines
// followed by a speaker line, blank lines per 100 lines, speaker lines after a blank line;
// for record files, records that end in an attribution.
//   tiny-shakespeare (../shared/corpora): first 90% / last 10%, `--time 15m`;
//   sotu, code (corpora/): first 90% / last 10% cut at a line start, `--time 15m`;
//   names (corpora/): a seeded random 10% of the names held out, no flags at all.
// `--quick`: 2 minutes each. Run it on an otherwise idle machine: budgets are wall time.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { segment, streamOf, Vocab, type Segmentation, type VocabJSON } from '../text/tokenizer.js';
import { Rng } from '../common/rng.js';
import { playStructure, recordStructure } from '../text/structure.js';
import { NGram } from './ngram.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'rnnlm.js');
const CORPORA = ['shakespeare', 'sotu', 'code', 'names'] as const;
type CorpusName = (typeof CORPORA)[number];

const argv = yargs(hideBin(process.argv))
  .scriptName('npm run bench:quality --')
  .option('quick', { type: 'boolean', describe: 'Two minutes per corpus instead of the full budgets' })
  .option('time', { type: 'string', describe: 'Budget for the running texts (default 15m; names get no flag)' })
  .option('flags', { type: 'string', default: '', describe: 'More train flags for every corpus, e.g. "--mode line" to compare modes' })
  .option('shakespeare', { type: 'string', default: join(ROOT, '..', 'shared', 'corpora', 'tinyshakespeare.txt'), describe: 'tiny-shakespeare text' })
  .option('only', { type: 'string', describe: `Comma-separated corpora (${CORPORA.join(', ')})` })
  .option('seed', { type: 'number', default: 1, describe: 'Seed of the held-out choice of names' })
  .option('keep', { type: 'string', describe: 'Keep the split and checkpoints in this folder' })
  .option('json', { type: 'boolean', describe: 'Print one JSON object' })
  .example('$0 --only shakespeare --time 3m', 'one corpus, three minutes')
  .example('$0 --only shakespeare,sotu --time 3m --flags "--mode line"', 'the same in line mode, to compare')
  .strict()
  .parseSync();

const log = (s: string) => process.stderr.write(s + '\n');
const LN2 = Math.log(2);

interface Structure {
  play?: ReturnType<typeof playStructure>;
  records?: ReturnType<typeof recordStructure>;
}

interface Row {
  corpus: string;
  command: string;
  budget: string;
  mode: string;
  model: string;
  heldOutNats: number;
  heldOutBits: number;
  tokens: number;
  /** Tokens of the held-out text read as one document (every character + the final <EOS>). */
  documentTokens: number;
  everyChar: boolean;
  valNats: number | null;
  steps: number;
  charsPerSec: number;
  trainSeconds: number;
  /** The network alone, the checkpoint's n-gram alone (its order) and the mixture, on the same held-out tokens. */
  networkNats: number | null;
  ngramNats: number | null;
  /** The n-gram on its training counts alone, when the checkpoint's keeps counting what it reads (ngramNats). */
  ngramStaticNats: number | null;
  ngramOrder: number | null;
  mixNats: number | null;
  /** Witten–Bell 4-gram on every character. */
  ngramDocNats: number;
  /** Dynamic evaluation's rate chosen at the end of training (0: none), and rnnlm's number and the network's without it. */
  adaptLr: number | null;
  staticNats: number;
  networkStaticNats: number;
  evalSeconds: number;
  staticEvalSeconds: number;
  sample?: Structure;
  held?: Structure;
}

function run(args: string[]): string {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`rnnlm ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

function structureOf(text: string, kind: 'play' | 'records' | null): Structure | undefined {
  if (kind === 'play') return { play: playStructure(text) };
  if (kind === 'records') return { records: recordStructure(text) };
  return undefined;
}

function ngramScore(vocab: Vocab, train: string, held: string, seg: Segmentation): { nats: number; tokens: number } {
  const g = new NGram(4, vocab.size).train(streamOf(vocab, segment(train, seg)).ids);
  return g.score(streamOf(vocab, segment(held, seg)).ids);
}

/** Train with the given flags, evaluate on the held-out file, score it with the 4-gram, sample. */
function measure(corpus: string, trainFile: string, heldFile: string, flags: string[], budget: string, work: string, kind: 'play' | 'records' | null): Row {
  const out = join(work, `ck-${corpus}`);
  const args = ['train', trainFile, '--out', out, '--force', '-q', ...flags];
  log(`▸ rnnlm ${args.join(' ')}`);
  const t0 = Date.now();
  run(args);
  const trainSeconds = (Date.now() - t0) / 1000;
  log(`▸ rnnlm eval ${heldFile} --model ${out} --json`);
  const ev = JSON.parse(run(['eval', heldFile, '--model', out, '--json']));
  const meta = JSON.parse(readFileSync(join(out, 'rnnlm.json'), 'utf8'));
  // The same without the network learning as it reads, when training chose to (dynamic evaluation).
  let fixed: { nats_per_char: number; seconds: number; parts?: { network: number } } | null = null;
  if (meta.adapt?.lr > 0) {
    log(`▸ rnnlm eval ${heldFile} --model ${out} --json --no-adapt`);
    fixed = JSON.parse(run(['eval', heldFile, '--model', out, '--json', '--no-adapt']));
  }
  const vocab = Vocab.fromJSON(meta.vocab as VocabJSON, 'rnnlm.json');
  const seg = meta.segmentation as Segmentation;
  const train = readFileSync(trainFile, 'utf8');
  const held = readFileSync(heldFile, 'utf8');
  const ngDoc = ngramScore(vocab, train, held, 'document');
  let sample: Structure | undefined;
  if (kind) {
    log(`▸ rnnlm sample --model ${out} --no-stop --length 6000 --temp 0.8 --seed 11`);
    sample = structureOf(run(['sample', '--model', out, '--no-stop', '--length', '6000', '--temp', '0.8', '--seed', '11']), kind);
  }
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
    tokens: ev.tokens,
    documentTokens: ev.file_tokens,
    everyChar: ev.every_char,
    valNats: p.bestVal,
    steps: p.step,
    charsPerSec: p.charsSeen / Math.max(1e-9, p.elapsedSeconds),
    trainSeconds,
    networkNats: ev.parts?.network ?? ev.nats_per_char,
    ngramNats: ev.parts?.ngram ?? null,
    ngramStaticNats: ev.parts?.ngramStatic ?? null,
    ngramOrder: meta.ngram?.order ?? null,
    mixNats: ev.parts?.mixture ?? null,
    ngramDocNats: ngDoc.nats / ngDoc.tokens,
    adaptLr: meta.adapt?.lr ?? null,
    staticNats: fixed ? fixed.nats_per_char : ev.nats_per_char,
    networkStaticNats: fixed ? (fixed.parts?.network ?? fixed.nats_per_char) : (ev.parts?.network ?? ev.nats_per_char),
    evalSeconds: ev.seconds,
    staticEvalSeconds: fixed ? fixed.seconds : ev.seconds,
    sample,
    held: kind ? structureOf(held, kind) : undefined,
  };
}

/** Cut a text's code points at the first line start at or after `fraction` of them. */
function cutAtLine(text: string, fraction: number): [string, string] {
  const cps = Array.from(text);
  let cut = Math.round(cps.length * fraction);
  while (cut < cps.length && cps[cut - 1] !== '\n') cut++;
  return [cps.slice(0, cut).join(''), cps.slice(cut).join('')];
}

const work = argv.keep ?? mkdtempSync(join(tmpdir(), 'rnnlm-quality-'));
mkdirSync(work, { recursive: true });
const rows: Row[] = [];
const only = new Set((argv.only ?? CORPORA.join(',')).split(',').map((s) => s.trim()) as CorpusName[]);
for (const c of only) if (!CORPORA.includes(c)) throw new Error(`--only: unknown corpus ${c} (${CORPORA.join(', ')})`);
const budget = argv.time ?? (argv.quick ? '2m' : '15m');
const extra = argv.flags.split(/\s+/).filter(Boolean);
try {
  const running: Array<[CorpusName, string, 'play' | 'records' | null, boolean]> = [
    ['shakespeare', argv.shakespeare, 'play', false],
    ['sotu', join(ROOT, 'corpora', 'sotu.txt'), null, true],
    ['code', join(ROOT, 'corpora', 'code.txt'), null, true],
  ];
  for (const [name, path, kind, atLine] of running) {
    if (!only.has(name)) continue;
    if (!existsSync(path)) {
      log(`✗ ${path} not found: skipping ${name}`);
      continue;
    }
    const text = readFileSync(path, 'utf8');
    // tiny-shakespeare as every earlier table cut it (by code points); the others at a line start.
    const [trainText, heldText] = atLine
      ? cutAtLine(text, 0.9)
      : ((cps) => [cps.slice(0, Math.round(cps.length * 0.9)).join(''), cps.slice(Math.round(cps.length * 0.9)).join('')])(Array.from(text));
    const tr = join(work, `${name}-train.txt`);
    const ho = join(work, `${name}-held.txt`);
    writeFileSync(tr, trainText!);
    writeFileSync(ho, heldText!);
    rows.push(measure(name === 'shakespeare' ? 'tiny-shakespeare' : name, tr, ho, ['--time', budget, ...extra], budget, work, kind));
  }
  if (only.has('names')) {
    const lines = readFileSync(join(ROOT, 'corpora', 'names.txt'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const rng = new Rng(argv.seed);
    const held = new Set<number>();
    while (held.size < Math.round(lines.length * 0.1)) held.add(Math.floor(rng.next() * lines.length));
    const tr = join(work, 'names-train.txt');
    const ho = join(work, 'names-held.txt');
    writeFileSync(tr, lines.filter((_, i) => !held.has(i)).join('\n') + '\n');
    writeFileSync(ho, lines.filter((_, i) => held.has(i)).join('\n') + '\n');
    const b = argv.quick ? ['--time', '2m'] : [];
    rows.push(measure('names', tr, ho, [...b, ...extra], argv.quick ? '2m' : 'none (no flags)', work, null));
  }
} finally {
  if (!argv.keep) rmSync(work, { recursive: true, force: true });
}

const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, Node ${process.version}`;
const date = new Date().toISOString().slice(0, 10);
if (argv.json) {
  process.stdout.write(JSON.stringify({ machine, date, rows }, null, 1) + '\n');
} else {
  const f = (x: number | null | undefined, d = 3) => (x === null || x === undefined ? '—' : x.toFixed(d));
  const int = (x: number) => Math.round(x).toLocaleString('en-US');
  const pc = (x: number) => `${(100 * x).toFixed(1)}%`;
  const out = [
    `machine: ${machine}; ${date}`,
    '',
    '| corpus | command | mode | model | steps | held-out nats/char (rnnlm) | bits/char | tokens | network alone | n-gram alone (training counts) | n-gram alone, counting as it reads | mixture | validation (network) | WB 4-gram, every character | chars/s | wall |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.corpus} | \`${r.command}\` | ${r.mode} | ${r.model} | ${int(r.steps)} | **${f(r.heldOutNats)}** | ${f(r.heldOutBits)} | ${int(r.tokens)}${r.everyChar ? '' : ` of ${int(r.documentTokens)}`} | ${f(r.networkNats)} | ${r.ngramNats === null ? '—' : `${f(r.ngramStaticNats ?? r.ngramNats)} (${r.ngramOrder}-gram)`} | ${r.ngramStaticNats === null ? '—' : f(r.ngramNats)} | ${f(r.mixNats)} | ${f(r.valNats)} | ${f(r.ngramDocNats)} | ${int(r.charsPerSec)} | ${Math.round(r.trainSeconds)} s |`,
    ),
  ];
  out.push(
    '',
    '| corpus | adapting rate (chosen on validation) | held-out bits/char, static | adapting | network alone, static | adapting | eval chars/s, static | adapting |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.corpus} | ${r.adaptLr ?? '—'} | ${f(r.staticNats / LN2)} | ${r.adaptLr ? f(r.heldOutBits) : '—'} | ${f(r.networkStaticNats / LN2)} | ${r.adaptLr ? f((r.networkNats ?? 0) / LN2) : '—'} | ${int(r.tokens / r.staticEvalSeconds)} | ${r.adaptLr ? int(r.tokens / r.evalSeconds) : '—'} |`,
    ),
  );
  const plays = rows.filter((r) => r.sample?.play);
  if (plays.length) {
    out.push(
      '',
      '| corpus | text | speaker line followed by a speaker line | blank lines per 100 lines | speaker lines after a blank line |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const r of plays) {
      for (const [what, s] of [
        ['held-out text', r.held!.play!],
        [`sample of \`${r.command}\``, r.sample!.play!],
      ] as const) {
        out.push(`| ${r.corpus} | ${what} | ${pc(s.speakerThenSpeaker)} | ${f(s.blankPer100, 1)} | ${pc(s.speakerAfterBlank)} |`);
      }
    }
  }
  const recs = rows.filter((r) => r.sample?.records);
  if (recs.length) {
    out.push('', '| corpus | text | records | ending in an attribution | separator followed by a separator |', '| --- | --- | --- | --- | --- |');
    for (const r of recs) {
      for (const [what, s] of [
        ['held-out text', r.held!.records!],
        ['sample', r.sample!.records!],
      ] as const) {
        out.push(`| ${r.corpus} | ${what} | ${int(s.records)} | ${pc(s.endsWithAttribution)} | ${pc(s.separatorRuns)} |`);
      }
    }
  }
  process.stdout.write(out.join('\n') + '\n');
}
