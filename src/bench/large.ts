// `npm run bench:large`: the factored output layer against the flat one where it matters
// (issue 32), through the real CLI with no flags but --output: a Chinese text with thousands
// of distinct characters (scripts/cjk-text.mjs: Tang poems from the npm package
// chinese-poetry) and a word model (--unit word, 10,000 words; tiny-shakespeare by path, or
// --words FILE). For each budget and layer: `rnnlm train train.txt --time B --output O`, then
// `rnnlm eval held.txt --json --no-adapt` (the last tenth, cut at a blank line: the mixture, the
// network alone and the n-gram alone, as trained) and `rnnlm sample`. Run it on an otherwise idle machine:
// budgets are wall time.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { bits, holdOut, log, machineLine, rnnlm, ROOT } from './cli-runs.js';
import { parseDuration } from '../display/units.js';

const argv = yargs(hideBin(process.argv))
  .scriptName('npm run bench:large --')
  .option('times', { type: 'string', default: '3m,15m', describe: 'Comma-separated budgets' })
  .option('only', { type: 'string', default: 'zh,words', describe: 'Comma-separated: zh (Chinese characters), words (a word model)' })
  .option('words', { type: 'string', default: join(ROOT, '..', 'shared', 'corpora', 'tinyshakespeare.txt'), describe: "The word model's text" })
  .option('keep', { type: 'string', default: join(ROOT, '..', 'cache', 'bench-large'), describe: 'Folder for the texts, splits and checkpoints' })
  .option('json', { type: 'boolean', describe: 'Print one JSON object' })
  .example('$0 --times 3m --only zh', 'the Chinese text, 3 minutes each way')
  .strict()
  .parseSync();

interface Row {
  text: string;
  budget: string;
  output: string;
  model: string;
  vocab: number;
  steps: number;
  tokensPerS: number;
  unit: string;
  mixture: number;
  network: number;
  ngram: number;
  textBpc: number | null;
  samples: string[];
}

const work = resolve(argv.keep);
mkdirSync(work, { recursive: true });
const zh = join(work, 'zh.txt');
if (!existsSync(zh)) {
  const made = spawnSync(process.execPath, [join(ROOT, 'scripts', 'cjk-text.mjs'), zh], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
  if (made.status !== 0) throw new Error('scripts/cjk-text.mjs failed');
}
const TEXTS = [
  { name: 'zh', file: zh, flags: [] as string[] },
  { name: 'words', file: argv.words, flags: ['--unit', 'word'] },
].filter((t) => argv.only.split(',').includes(t.name));

/** A run of this budget already finished in `out` (a bench interrupted and started again): its numbers from rnnlm.json. */
function finished(
  out: string,
  budget: string,
): { steps: number; tokens_per_s: number; unit: string; model: { layers: number; hidden: number; vocab: number } } | null {
  if (!existsSync(join(out, 'rnnlm.json'))) return null;
  const m = JSON.parse(readFileSync(join(out, 'rnnlm.json'), 'utf8'));
  if (m.progress.stopped !== 'time' || m.training.time !== parseDuration('--times', budget) || existsSync(join(out, '.lock'))) return null;
  log(`▸ ${out}: trained already (${m.progress.step} steps)`);
  const p = m.progress;
  return {
    steps: p.step,
    tokens_per_s: p.charsSeen / p.elapsedSeconds,
    unit: m.vocab.unit ?? 'char',
    model: { layers: m.model.layers, hidden: m.model.hidden, vocab: m.model.vocabSize },
  };
}

const rows: Row[] = [];
for (const t of TEXTS) {
  const [train, held] = holdOut(readFileSync(t.file, 'utf8'), 'prose');
  const tr = join(work, `${t.name}-train.txt`);
  const ho = join(work, `${t.name}-held.txt`);
  writeFileSync(tr, train);
  writeFileSync(ho, held);
  for (const budget of argv.times.split(',')) {
    for (const output of ['flat', 'factored']) {
      const out = join(work, `ck-${t.name}-${budget}-${output}`);
      const args = ['train', tr, '--out', out, '--force', '-q', '--json', '--time', budget, '--output', output, ...t.flags];
      const res = finished(out, budget) ?? (log(`▸ rnnlm ${args.join(' ')}`), JSON.parse(rnnlm(args)));
      // Held out as trained (--no-adapt): the mixture, the network and the n-gram on the same tokens.
      const ev = JSON.parse(rnnlm(['eval', ho, '--model', out, '--json', '--no-adapt']));
      const sample = rnnlm(['sample', '--model', out, '-n', '2', '--temp', '0.8', '--seed', '11', '--length', t.name === 'zh' ? '80' : '300']);
      rows.push({
        text: t.name,
        budget,
        output,
        model: `${res.model.layers} × ${res.model.hidden}`,
        vocab: res.model.vocab,
        steps: res.steps,
        tokensPerS: res.tokens_per_s,
        unit: res.unit,
        mixture: ev.parts?.mixture ?? ev.nats_per_char,
        network: ev.parts?.network ?? ev.nats_per_char,
        ngram: ev.parts?.ngram ?? NaN,
        textBpc: ev.text_bpc ?? null,
        samples: sample
          .trim()
          .split('\n')
          .filter((l: string) => l.trim() !== '')
          .slice(0, 6),
      });
      log(`  ${JSON.stringify(rows.at(-1))}`);
    }
  }
}

const machine = machineLine();
if (argv.json) {
  process.stdout.write(JSON.stringify({ machine, rows }, null, 1) + '\n');
} else {
  const per = (r: Row) => (r.unit === 'word' ? 'word' : 'char');
  const out = [
    `machine: ${machine}`,
    '',
    '| text | budget | output | model | tokens | steps | tokens/s | held-out bits/token, mixture (rnnlm) | network alone | n-gram alone |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.text} | ${r.budget} | ${r.output} | ${r.model} | ${r.vocab.toLocaleString('en-US')} | ${r.steps} | ${Math.round(r.tokensPerS).toLocaleString('en-US')} ${per(r)}s/s | **${bits(r.mixture)}** | ${bits(r.network)} | ${bits(r.ngram)} |`,
    ),
    '',
    ...rows.flatMap((r) => [`${r.text}, ${r.budget}, ${r.output}:`, ...r.samples.map((s) => `    ${s}`)]),
  ];
  process.stdout.write(out.join('\n') + '\n');
}
