// `npm run bench:small`: what starting from a base model gives small texts of the kinds people
// bring (issue 31). The texts come from npm data packages that are not among the base's
// sources (scripts/small-texts.mjs: names, quotes, haiku, fiction, 37–121 KB; and by --only
// larger prose, stories-300k and stories-1m). For each, 10%
// is held out (a seeded random choice of lines for lists; the tail, cut at a blank line, for
// verse and prose), then the real CLI runs for each budget: `rnnlm train train.txt --time B
// --from none` (random weights) and `--from BASE`, each followed by `rnnlm eval held.txt
// --json` (the mixture rnnlm uses, the network alone and the n-gram alone on the same
// tokens) and `rnnlm sample`, whose words are checked against the text's own words (a
// sample's share of real words: the text itself has ~100%).
// Run it on an otherwise idle machine: budgets are wall time.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { bits, holdOut, log, machineLine, rnnlm as run, ROOT, words } from './cli-runs.js';

const TEXTS = [
  { name: 'names', kind: 'list' },
  { name: 'quotes', kind: 'list' },
  { name: 'haiku', kind: 'verse' },
  { name: 'fiction', kind: 'prose' },
  // Larger prose, run when named in --only: where starting from the base stops helping.
  { name: 'stories-300k', kind: 'prose' },
  { name: 'stories-1m', kind: 'prose' },
] as const;
const DEFAULT_TEXTS = 'names,quotes,haiku,fiction';

const argv = yargs(hideBin(process.argv))
  .scriptName('npm run bench:small --')
  .option('base', { type: 'string', default: 'en', describe: 'The model to start from: a shipped name or a checkpoint path' })
  .option('times', { type: 'string', default: '1m,3m', describe: 'Comma-separated budgets' })
  .option('only', { type: 'string', default: DEFAULT_TEXTS, describe: `Comma-separated texts (${TEXTS.map((t) => t.name).join(', ')})` })
  .option('keep', { type: 'string', describe: 'Keep the texts, splits and checkpoints in this folder' })
  .option('json', { type: 'boolean', describe: 'Print one JSON object' })
  .example('$0 --times 1m --only names,haiku', 'two texts, one minute each way')
  .example('$0 --times 1m,3m --only fiction,stories-300k,stories-1m', 'the same kind of prose at 121K, 300K and 1M characters')
  .strict()
  .parseSync();

interface Row {
  text: string;
  kind: string;
  bytes: number;
  budget: string;
  start: string;
  model: string;
  steps: number;
  mixture: number;
  network: number;
  ngram: number;
  realWords: number;
  samples: string[];
}

const work = argv.keep ?? mkdtempSync(join(tmpdir(), 'rnnlm-small-'));
const rows: Row[] = [];
try {
  const made = spawnSync(process.execPath, [join(ROOT, 'scripts', 'small-texts.mjs'), work], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`scripts/small-texts.mjs failed:\n${made.stderr}`);
  const only = new Set(argv.only.split(','));
  const unknown = [...only].filter((n) => !TEXTS.some((t) => t.name === n));
  if (unknown.length) throw new Error(`--only: no text ${unknown.join(', ')} (${TEXTS.map((t) => t.name).join(', ')})`);
  for (const t of TEXTS.filter((t) => only.has(t.name))) {
    const text = readFileSync(join(work, `${t.name}.txt`), 'utf8');
    const [train, held] = holdOut(text, t.kind);
    const tr = join(work, `${t.name}-train.txt`);
    const ho = join(work, `${t.name}-held.txt`);
    writeFileSync(tr, train);
    writeFileSync(ho, held);
    const known = new Set(words(text));
    for (const budget of argv.times.split(',')) {
      for (const start of ['none', argv.base]) {
        const out = join(work, `ck-${t.name}-${budget}-${start === 'none' ? 'zero' : 'base'}`);
        const args = ['train', tr, '--out', out, '--force', '-q', '--time', budget, '--from', start];
        log(`▸ rnnlm ${args.join(' ')}`);
        run(args);
        const ev = JSON.parse(run(['eval', ho, '--model', out, '--json']));
        const meta = JSON.parse(readFileSync(join(out, 'rnnlm.json'), 'utf8'));
        const n = t.kind === 'list' ? 8 : 2;
        const sample = run(['sample', '--model', out, '-n', String(n), '--temp', '0.8', '--seed', '11', ...(t.kind === 'list' ? [] : ['--length', '300'])]);
        const ws = words(sample);
        const m = meta.model;
        rows.push({
          text: t.name,
          kind: t.kind,
          bytes: Buffer.byteLength(text),
          budget,
          start: start === 'none' ? 'zero' : start,
          model: `${m.layers} × ${m.hidden}`,
          steps: meta.progress.step,
          mixture: ev.parts?.mixture ?? ev.nats_per_char,
          network: ev.parts?.network ?? ev.nats_per_char,
          ngram: ev.parts?.ngram ?? NaN,
          realWords: ws.length ? ws.filter((w) => known.has(w)).length / ws.length : NaN,
          samples: sample.trim().split('\n').slice(0, n),
        });
      }
    }
  }
} finally {
  if (!argv.keep) rmSync(work, { recursive: true, force: true });
}

const machine = machineLine();
if (argv.json) {
  process.stdout.write(JSON.stringify({ machine, base: argv.base, rows }, null, 1) + '\n');
} else {
  const b = bits;
  const out = [
    `machine: ${machine}; base: ${argv.base}`,
    '',
    '| text | kind | KB | budget | start | model | steps | held-out bits/char (rnnlm: mixture) | network alone | n-gram alone | real words in samples |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.text} | ${r.kind} | ${Math.round(r.bytes / 1000)} | ${r.budget} | ${r.start} | ${r.model} | ${r.steps} | **${b(r.mixture)}** | ${b(r.network)} | ${b(r.ngram)} | ${(100 * r.realWords).toFixed(0)}% |`,
    ),
    '',
    ...rows.flatMap((r) => [`${r.text}, ${r.budget}, from ${r.start}:`, ...r.samples.map((s) => `    ${s}`)]),
  ];
  process.stdout.write(out.join('\n') + '\n');
}
