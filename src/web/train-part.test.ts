// The Train part in a real browser (Debian's Chromium through playwright-core) against the
// CLI: the page served alone by `rnnlm serve` trains on wasm with the losses of `rnnlm
// train` step for step; Stop then Resume continues them exactly; the downloaded zip is a
// checkpoint the CLI scores like the page and resumes like its own; a CLI checkpoint opened
// from disk scores the same in the page; WebGPU (SwiftShader) equals wasm where Chromium gives
// an adapter; and nothing is asked of another host. Skipped, with a message, without Chromium.

import { spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node/backend.js';
import { FILES } from '../checkpoint/codec.js';
import { exportSite } from '../server/export.js';
import { HAVE_CHROMIUM, launch, pageScore, startServe, startStatic, warnNoChromium } from '../testing/browser.js';
import { BIN } from '../testing/fixtures.js';
import { syllableText, tempDir, writeCorpus } from '../testing/fixtures.js';
import { MODEL_DEFAULTS, TRAINING_DEFAULTS } from '../training/defaults.js';
import { train, type TrainRequest } from '../node/training-run.js';

warnNoChromium();

const root = tempDir('rnnlm-train-page-');
const shots = process.env.RNNLM_SCREENSHOTS ?? join(root, 'screenshots');
const corpus = writeCorpus(root, syllableText(400, 5));
const STEPS = 20;
const SEED = 7;
const SENTENCE = 'Kelmoun stra';

let browser: Browser;
let serveProcess: ChildProcess;
let url: string;
let origin: string;
const requests: string[] = [];
/** The CLI's per-step losses for STEPS steps with the settings the test types into the page. */
let cliLosses: number[];

/** The run the page is asked for, as `rnnlm train corpus.txt --layers 1 --hidden 32 --steps 20 --seed 7` (no time budget). */
function request(out: string, over: Partial<TrainRequest> = {}): TrainRequest {
  return {
    corpusPath: corpus,
    out,
    resume: false,
    model: { ...MODEL_DEFAULTS, layers: 1, hidden: 32 },
    training: { ...TRAINING_DEFAULTS, seed: SEED },
    segmentation: 'auto',
    maxSteps: STEPS,
    workers: 1,
    backend: 'wasm',
    version: 'test',
    ...over,
  };
}

async function cliRun(req: TrainRequest): Promise<number[]> {
  const losses: number[] = [];
  await train(req, { onStep: (s) => losses.push(s.loss) });
  return losses;
}

function cli(args: string[]): string {
  const r = spawnSync(process.execPath, [BIN, ...args, '--backend', 'wasm'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`rnnlm ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function open(path = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(url + path);
  await page.waitForSelector('#status[data-state="ready"], #status[data-state="error"]', { timeout: 60_000 });
  expect(await page.getAttribute('#status', 'data-state'), (await page.textContent('#status')) ?? '').toBe('ready');
  return page;
}

/** Fill the Train part as the CLI flags above say, and press Train. */
async function startTraining(page: Page, o: { steps?: number; time?: string; layers?: string; hidden?: string } = {}): Promise<void> {
  await page.click('#tab-train');
  await page.setInputFiles('#train-file', corpus);
  await page.waitForFunction(() => document.querySelector('#train-text-info')!.textContent!.includes('corpus.txt'));
  await page.fill('#train-layers', o.layers ?? '1');
  await page.fill('#train-hidden', o.hidden ?? '32');
  await page.fill('#train-steps', o.steps === undefined ? String(STEPS) : o.steps === 0 ? '' : String(o.steps));
  await page.fill('#train-seed', String(SEED));
  await page.fill('#train-time', o.time ?? '');
  await page.click('#train-run');
}

async function finished(page: Page, states = ['done', 'stopped']): Promise<number[]> {
  await page.waitForSelector(states.map((s) => `#train[data-state="${s}"]`).join(', ') + ', #train[data-state="error"]', { timeout: 240_000 });
  expect(await page.getAttribute('#train', 'data-state'), (await page.textContent('#train-status')) ?? '').not.toBe('error');
  return JSON.parse((await page.getAttribute('#train', 'data-losses')) ?? '[]') as number[];
}

function expectSameLosses(got: number[], want: number[], tol: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((l, i) => expect(Math.abs(l - want[i]!) / want[i]!, `step ${i + 1}: ${l} vs ${want[i]}`).toBeLessThan(tol));
}

describe.skipIf(!HAVE_CHROMIUM)('training in the page', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    cliLosses = await cliRun(request(join(root, 'ck-cli')));
    expect(cliLosses).toHaveLength(STEPS);
    // No ./checkpoints where it runs: serve hands out the page alone.
    const r = await startServe([], root);
    serveProcess = r.process;
    url = r.url;
    origin = new URL(url).origin;
    browser = await launch();
    mkdirSync(shots, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    serveProcess?.kill('SIGINT');
  });

  it('served alone, the page has no model and offers Train; training on wasm gives rnnlm train’s losses step for step (1e-5)', async () => {
    const page = await open();
    expect(await page.textContent('#status')).toMatch(/^No model yet/);
    expect(await page.isVisible('#train')).toBe(true);
    expect(await page.getAttribute('#status', 'data-backend')).toBe('wasm');
    await page.click('#tab-score');
    expect(await page.isVisible('#score .nomodel')).toBe(true); // the parts that need a model say so
    await startTraining(page);
    expectSameLosses(await finished(page), cliLosses, 1e-5);
    // The auto choices as the CLI prints them, and the model at once in Generate and Score.
    expect(await page.textContent('#train-choices')).toMatch(/auto +mode line: a list/);
    expect(await page.textContent('#train-choices')).toMatch(/backend +wasm, in a worker thread/);
    expect(await page.textContent('#status')).toMatch(/^1-layer LSTM 32 trained on corpus\.txt \(trained here/);
    expect(Number.isFinite(await pageScore(page, SENTENCE))).toBe(true);
    expect(await page.isVisible('#score .nomodel')).toBe(false);
    await page.close();
  }, 240_000);

  it('Stop, then Resume, continues the same losses as a run never stopped', async () => {
    const page = await open();
    // Press Stop the moment step 8 is shown: the trainer thread stops before its next step (9, or
    // one later if it was already under way when the message came) and saves.
    await page.evaluate(() => {
      const section = document.getElementById('train')!;
      new MutationObserver(() => {
        if (section.dataset.step === '8') document.getElementById('train-stop')!.click();
      }).observe(section, { attributes: true, attributeFilter: ['data-step'] });
    });
    await startTraining(page);
    const first = await finished(page, ['stopped']);
    expect(first.length).toBeGreaterThanOrEqual(8);
    expect(first.length).toBeLessThan(STEPS);
    await page.click('#train-resume');
    await page.waitForSelector('#train[data-state="training"]');
    expectSameLosses(await finished(page, ['done']), cliLosses, 1e-5);

    // Its checkpoint downloads as a zip that the CLI reads as it is …
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#train-download')]);
    expect(dl.suggestedFilename()).toBe('corpus.zip');
    const zip = join(root, 'corpus.zip');
    await dl.saveAs(zip);
    const fromCli = JSON.parse(cli(['score', '--json', '--model', zip, SENTENCE])) as { logprob: number };
    const inPage = await pageScore(page, SENTENCE);
    expect(Math.abs(inPage - fromCli.logprob) / Math.abs(fromCli.logprob)).toBeLessThan(1e-4);
    // The run survives a reload (IndexedDB): its text and model come back, ready to Resume.
    await page.reload();
    await page.waitForSelector('#train[data-state="restored"]', { state: 'attached', timeout: 60_000 });
    expect(await page.isEnabled('#train-resume')).toBe(true);
    expect(await page.textContent('#train-text-info')).toMatch(/^corpus\.txt: /);
    expect(Math.abs((await pageScore(page, SENTENCE)) - inPage)).toBeLessThan(1e-9);
    // … with no path of this machine in it: the corpus is named by its file name.
    expect(cli(['info', zip])).toMatch(/progress +step 20,/);
    const meta = JSON.parse(new TextDecoder().decode(unzipSync(readFileSync(zip))[`corpus/${FILES.meta}`]));
    expect(meta.corpus.path).toBe('corpus.txt');
    await page.close();

    // … and `rnnlm train --resume` goes on from it exactly as from its own checkpoint.
    const more = await cliRun(request(zip, { resume: true, maxSteps: STEPS + 4 }));
    const unstopped = await cliRun(request(join(root, 'ck-24'), { maxSteps: STEPS + 4 }));
    expectSameLosses(more, unstopped.slice(STEPS), 1e-5);
    expect(JSON.parse(readFileSync(join(root, 'corpus', FILES.meta), 'utf8')).progress.step).toBe(STEPS + 4);
  }, 300_000);

  it('a checkpoint of the CLI opened from disk scores in the page as rnnlm score does', async () => {
    const page = await open();
    const dir = join(root, 'ck-cli');
    await page.setInputFiles(
      '#train-open',
      [FILES.meta, FILES.model, FILES.weights, FILES.ngram, FILES.resume].map((f) => join(dir, f)),
    );
    await page.waitForSelector('#train[data-state="opened"], #train[data-state="error"]');
    expect(await page.textContent('#train-status')).toMatch(/^opened/);
    const want = JSON.parse(cli(['score', '--json', '--model', dir, SENTENCE])) as { logprob: number };
    const got = await pageScore(page, SENTENCE);
    expect(Math.abs(got - want.logprob) / Math.abs(want.logprob)).toBeLessThan(1e-4);
    await page.close();
  }, 120_000);

  it('started from a CLI checkpoint opened from disk (Start from: the checkpoint held here), a run on a new text has rnnlm train --from’s losses, and the Model part names where it started', async () => {
    const dir = join(root, 'ck-cli');
    const newCorpus = writeCorpus(root, syllableText(300, 9).replace(/t/g, 'x'), 'new.txt');
    const want = await cliRun(request(join(root, 'ck-from'), { corpusPath: newCorpus, from: dir, model: { ...MODEL_DEFAULTS }, maxSteps: 8 }));
    const page = await open();
    await page.setInputFiles(
      '#train-open',
      [FILES.meta, FILES.model, FILES.weights, FILES.ngram, FILES.resume].map((f) => join(dir, f)),
    );
    await page.waitForSelector('#train[data-state="opened"], #train[data-state="error"]');
    await page.selectOption('#train-from', 'held');
    await page.setInputFiles('#train-file', newCorpus);
    await page.waitForFunction(() => document.querySelector('#train-text-info')!.textContent!.includes('new.txt'));
    await page.fill('#train-layers', '');
    await page.fill('#train-hidden', '');
    await page.fill('#train-steps', '8');
    await page.fill('#train-seed', String(SEED));
    await page.fill('#train-time', '');
    await page.click('#train-run');
    expectSameLosses(await finished(page), want, 1e-5);
    expect(await page.textContent('#train-choices')).toMatch(/auto +start corpus: its weights \(LSTM 1 × 32/);
    await page.click('#tab-model');
    expect(await page.textContent('#model')).toMatch(/started from\s*corpus \(trained on corpus\.txt, step \d+/);
    await page.close();
  }, 240_000);

  it('Score learning as it reads (a model whose training chose a rate) equals rnnlm score --adapt; off, it equals rnnlm score', async () => {
    const dir = join(root, 'ck-adapt');
    mkdirSync(dir, { recursive: true });
    for (const f of [FILES.model, FILES.weights, FILES.ngram]) copyFileSync(join(root, 'ck-cli', f), join(dir, f));
    const meta = JSON.parse(readFileSync(join(root, 'ck-cli', FILES.meta), 'utf8'));
    meta.adapt = {
      lr: 0.3,
      segment: 32,
      clip: 1,
      tokens: 0,
      by: 'mixture',
      static: 0,
      adapted: 0,
      network: { static: 0, adapted: 0 },
      tried: [],
      tokensPerSec: 0,
    };
    writeFileSync(join(dir, FILES.meta), JSON.stringify(meta));
    const text = syllableText(12, 21).replace(/\n/g, ' ').trim(); // over three segments
    expect([...text].length).toBeGreaterThan(70);
    const page = await open();
    await page.setInputFiles(
      '#train-open',
      [FILES.meta, FILES.model, FILES.weights, FILES.ngram].map((f) => join(dir, f)),
    );
    await page.waitForSelector('#train[data-state="opened"], #train[data-state="error"]');
    const fixed = JSON.parse(cli(['score', '--json', '--model', dir, text])) as { logprob: number };
    expect(Math.abs((await pageScore(page, text)) - fixed.logprob) / Math.abs(fixed.logprob)).toBeLessThan(1e-4);
    expect(await page.isVisible('#score-adapt')).toBe(true);
    await page.check('#score-adapt');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#score-totals')!.dataset.adapt === 'true');
    const want = JSON.parse(cli(['score', '--json', '--adapt', '--model', dir, text])) as { logprob: number };
    expect(Math.abs(want.logprob - fixed.logprob)).toBeGreaterThan(1e-3); // it learned
    const got = Number(await page.getAttribute('#score-totals', 'data-logprob'));
    expect(Math.abs(got - want.logprob) / Math.abs(want.logprob)).toBeLessThan(1e-4);
    await page.close();
  }, 120_000);

  it('a word model (train --unit word) opened from disk: Score shades words and equals rnnlm score; Inside reads words', async () => {
    const dir = join(root, 'ck-words');
    await cliRun(request(dir, { maxSteps: 6, training: { ...TRAINING_DEFAULTS, seed: SEED, unit: 'word', vocabSize: 30 } }));
    const page = await open();
    await page.setInputFiles(
      '#train-open',
      [FILES.meta, FILES.model, FILES.weights, FILES.ngram].map((f) => join(dir, f)),
    );
    await page.waitForSelector('#train[data-state="opened"], #train[data-state="error"]');
    const text = 'Kelmoun stra doumatri.';
    const want = JSON.parse(cli(['score', '--json', '--model', dir, text])) as { logprob: number; unit: string; tokens: number };
    expect(want.unit).toBe('word');
    const got = await pageScore(page, text);
    expect(Math.abs(got - want.logprob) / Math.abs(want.logprob)).toBeLessThan(1e-4);
    expect(await page.locator('#score-chars span').count()).toBe(want.tokens); // one span per word (+ <EOS>)
    expect(await page.textContent('#score-chars')).toBe('Kelmoun stra doumatri.⏎');
    expect(await page.locator('#inside-chars span').count()).toBe(want.tokens - 1);
    expect(await page.getAttribute('#status', 'data-state')).toBe('ready');
    await page.close();
  }, 120_000);

  it('the shipped English base (models/en) opened from disk scores in the page as rnnlm score does', async () => {
    const dir = join(import.meta.dirname, '..', '..', 'models', 'en');
    const page = await open();
    await page.setInputFiles(
      '#train-open',
      [FILES.meta, FILES.model, FILES.weights].map((f) => join(dir, f)),
    );
    await page.waitForSelector('#train[data-state="opened"], #train[data-state="error"]');
    expect(await page.textContent('#train-status')).toMatch(/^opened/);
    const text = 'The apple and pear salad.';
    const want = JSON.parse(cli(['score', '--json', '--model', dir, text])) as { logprob: number; bpc: number };
    expect(want.bpc).toBeLessThan(4); // it knows English
    const got = await pageScore(page, text);
    expect(Math.abs(got - want.logprob) / Math.abs(want.logprob)).toBeLessThan(1e-4);
    await page.close();
  }, 120_000);

  it('a factored model (train --output factored) opened from disk: Score equals rnnlm score; Inside reads it', async () => {
    const dir = join(root, 'ck-factored');
    await cliRun(request(dir, { maxSteps: 6, model: { ...MODEL_DEFAULTS, layers: 1, hidden: 32, output: 'factored' } }));
    const written = JSON.parse(readFileSync(join(dir, FILES.meta), 'utf8'));
    expect(written.model.classOf).toHaveLength(written.model.vocabSize);
    const page = await open();
    await page.setInputFiles(
      '#train-open',
      [FILES.meta, FILES.model, FILES.weights, FILES.ngram].map((f) => join(dir, f)),
    );
    await page.waitForSelector('#train[data-state="opened"], #train[data-state="error"]');
    const want = JSON.parse(cli(['score', '--json', '--model', dir, SENTENCE])) as { logprob: number };
    const alone = JSON.parse(cli(['score', '--json', '--no-mix', '--model', dir, SENTENCE])) as { logprob: number };
    const got = await pageScore(page, SENTENCE);
    expect(Math.abs(got - want.logprob) / Math.abs(want.logprob)).toBeLessThan(1e-4);
    expect(Math.abs(got - alone.logprob)).toBeGreaterThan(1e-3); // the mixture, as the CLI scores by default
    expect(await page.locator('#inside-chars span').count()).toBeGreaterThan(0);
    await page.close();
  }, 120_000);

  it('screenshot of the Train part while it trains (auto size, a time budget)', async () => {
    const page = await open();
    await startTraining(page, { steps: 0, time: '0.5', layers: '', hidden: '' });
    await page.waitForFunction(() => Number(document.getElementById('train')!.dataset.step ?? 0) >= 12, undefined, { timeout: 120_000 });
    expect(await page.getAttribute('#train', 'data-state')).toBe('training');
    expect(await page.textContent('#train-choices')).toMatch(/auto +model \d+ × \d+:/);
    await page.screenshot({ path: join(shots, 'train.png'), fullPage: true });
    await page.click('#train-stop');
    await finished(page, ['stopped']);
    await page.close();
    expect(requests.length).toBeGreaterThan(0);
    // blob: URLs of the same origin are the wasm backend's worker threads, made by the page itself.
    expect(requests.filter((u) => !u.startsWith(origin + '/') && !u.startsWith(`blob:${origin}/`) && !u.startsWith('data:'))).toEqual([]);
  }, 180_000);

  it('exported alone (export-web --page-only) behind a plain static server, as on GitHub Pages, it trains too (one thread) with the same losses', async () => {
    const site = join(root, 'site');
    exportSite(null, site);
    const st = await startStatic(site);
    try {
      const page = await browser.newPage();
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(st.url);
      await page.waitForSelector('#status[data-state="ready"]', { timeout: 60_000 });
      expect(await page.textContent('#status')).toMatch(/one thread \(the page is not cross-origin isolated\)/);
      await startTraining(page, { steps: 5 });
      expectSameLosses(await finished(page), cliLosses.slice(0, 5), 1e-5);
      await page.close();
    } finally {
      st.server.close();
    }
  }, 120_000);

  it('WebGPU (SwiftShader, with --enable-unsafe-webgpu) gives the losses of wasm (1e-4), where Chromium gives an adapter', async () => {
    const gpuBrowser = await launch(['--enable-unsafe-webgpu']);
    try {
      const page = await gpuBrowser.newPage();
      await page.goto(`${url}?backend=webgpu`);
      await page.waitForSelector('#status[data-state="ready"], #status[data-state="error"]', { timeout: 60_000 });
      if ((await page.getAttribute('#status', 'data-state')) === 'error') {
        console.warn(`WebGPU training test skipped: ${await page.textContent('#status')}`);
        return;
      }
      expect(await page.getAttribute('#status', 'data-backend')).toBe('webgpu');
      await startTraining(page, { steps: 3 });
      expectSameLosses(await finished(page), cliLosses.slice(0, 3), 1e-4);
    } finally {
      await gpuBrowser.close();
    }
  }, 240_000);
});
