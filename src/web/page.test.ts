// The web page in a real browser: Debian's Chromium driven by playwright-core opens the page
// served by `rnnlm serve` (and the folder written by `rnnlm export-web`, behind a plain
// static server) and checks it against the CLI: Score's ln P against `rnnlm score --json`,
// Generate against `rnnlm sample`, Inside against the Stepper's states in Node and its
// gates, influence and gradient flow against `rnnlm inside --json`, the Model
// part's chart and settings, and that the page asked nothing of any other host.
// Skipped, with a message, where Chromium is not installed.

import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node/backend.js';
import { loadCheckpoint } from '../node/checkpoint-files.js';
import { exportSite } from '../server/export.js';
import { Stepper } from '../model/stepper.js';
import { HAVE_CHROMIUM, launch, pageScore, startServe, startStatic, warnNoChromium } from '../testing/browser.js';
import { BIN } from '../testing/fixtures.js';
import { syllableText, tempDir, tinyRequest, writeCorpus } from '../testing/fixtures.js';
import { EOS_ID } from '../text/tokenizer.js';
import { train } from '../node/training-run.js';

warnNoChromium();

const root = tempDir('rnnlm-page-');
const ck = join(root, 'ck');
/** Screenshots of each part go here (RNNLM_SCREENSHOTS to choose the folder). */
const shots = process.env.RNNLM_SCREENSHOTS ?? join(root, 'screenshots');
const SENTENCES = ['Bastrou', 'Kelmoun stra', 'Doumatri'];
const INSIDE_TEXT = 'Trastoumisben';

let browser: Browser;
let serveProcess: ChildProcess;
let served: string;
let staticServer: Server;
let exported: string;
const requests: string[] = [];

function cli(args: string[]): string {
  const r = spawnSync(process.execPath, [BIN, ...args, '--model', ck, '--backend', 'wasm'], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`rnnlm ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Start `rnnlm serve --port 0` and read the URL it prints. */
async function serveModel(): Promise<string> {
  const r = await startServe(['--model', ck]);
  serveProcess = r.process;
  return r.url;
}

async function open(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(url);
  await page.waitForSelector('#status[data-state="ready"], #status[data-state="error"]', { timeout: 60_000 });
  expect(await page.getAttribute('#status', 'data-state'), (await page.textContent('#status')) ?? '').toBe('ready');
  return page;
}

async function setValue(page: Page, selector: string, value: string, event = 'input'): Promise<void> {
  await page.$eval(
    selector,
    (e, [v, ev]) => {
      (e as HTMLInputElement).value = v!;
      e.dispatchEvent(new Event(ev!, { bubbles: true }));
    },
    [value, event],
  );
}

async function pageSample(page: Page, o: { prime: string; temp: string; seed: string; length: string }): Promise<string> {
  await page.click('#tab-generate');
  await page.fill('#gen-prime', o.prime);
  await setValue(page, '#gen-temp', o.temp);
  await page.fill('#gen-seed', o.seed);
  await page.fill('#gen-length', o.length);
  await page.click('#gen-run');
  await page.waitForSelector('#gen-out[data-state="done"]');
  return (await page.textContent('#gen-out .gen')) ?? '';
}

async function checkScore(page: Page): Promise<void> {
  const want = cli(['score', '--json', ...SENTENCES])
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { logprob: number; oov: number });
  expect(want.map((w) => w.oov)).toEqual([0, 1, 0]); // the second has a character the model never saw
  // The page scores with the checkpoint's mixture, as the CLI does by default; the network alone differs.
  const alone = cli(['score', '--json', '--no-mix', ...SENTENCES])
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { logprob: number });
  for (const [i, s] of SENTENCES.entries()) {
    const got = await pageScore(page, s);
    expect(Math.abs(got - want[i]!.logprob) / Math.abs(want[i]!.logprob), s).toBeLessThan(1e-4);
    expect(Math.abs(got - alone[i]!.logprob) / Math.abs(alone[i]!.logprob), `${s}: network alone`).toBeGreaterThan(1e-3);
  }
}

async function checkGenerate(page: Page): Promise<void> {
  const greedy = JSON.parse(cli(['sample', '--temp', '0', '--prime', 'Ba', '--length', '60', '--json'])).text;
  expect(greedy.length).toBeGreaterThan(0);
  expect(await pageSample(page, { prime: 'Ba', temp: '0', seed: '', length: '60' })).toBe(greedy);
  const seeded = { prime: '', temp: '0.8', seed: '7', length: '200' };
  const first = await pageSample(page, seeded);
  expect(first.length).toBeGreaterThan(0);
  expect(await pageSample(page, seeded)).toBe(first);
  expect(await pageSample(page, { ...seeded, seed: '8' })).not.toBe(first);
  // The same seed gives the same text as the CLI too: one sampler, one random generator.
  expect(JSON.parse(cli(['sample', '--temp', '0.8', '--seed', '7', '--length', '200', '--json'])).text).toBe(first);
}

describe.skipIf(!HAVE_CHROMIUM)('the web page in Chromium', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    await train(tinyRequest(writeCorpus(root, syllableText(600)), ck, {}, { epochs: 3 }, { layers: 2, hidden: 16 }));
    expect(existsSync(join(ck, 'ngram.bin'))).toBe(true); // the page mixes with it
    served = await serveModel();
    exported = join(root, 'site');
    exportSite(ck, exported);
    browser = await launch();
    mkdirSync(shots, { recursive: true });
    console.log(`page screenshots: ${shots}`);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    serveProcess?.kill('SIGINT');
    staticServer?.close();
  });

  it('Score: ln P equals rnnlm score --json (1e-4 relative), OOV included', async () => {
    const page = await open(served);
    await checkScore(page);
    expect(await page.locator('#score-chars span').count()).toBe(SENTENCES[2]!.length + 1); // + <EOS>
    await page.focus('#score-chars span >> nth=3');
    expect(await page.textContent('#score-detail')).toMatch(/P 0\.\d{4}, \d+\.\d\d bits.*top 5/s);
    // The totals read as the CLI prints them.
    const cliLines = cli(['score', SENTENCES[2]!]).split('\n').slice(0, 6).join('\n');
    expect(await page.textContent('#score-totals')).toBe(cliLines);
    await page.screenshot({ path: join(shots, 'score.png'), fullPage: true });
    await page.close();
  });

  it('Generate: temperature 0 equals rnnlm sample --temp 0; a seeded sample repeats', async () => {
    const page = await open(served);
    await checkGenerate(page);
    await page.screenshot({ path: join(shots, 'generate.png'), fullPage: true });
    await page.close();
  });

  it('Inside: a unit’s values equal the Stepper’s states in Node (1e-5)', async () => {
    const page = await open(served);
    await pageScore(page, INSIDE_TEXT);
    await page.click('#tab-inside');
    const { params, vocab } = loadCheckpoint(ck);
    const stepper = new Stepper(params);
    for (const [layer, kind, unit] of [
      [1, 'c', 5],
      [0, 'h', 11],
    ] as const) {
      await setValue(page, '#inside-layer', String(layer), 'change');
      await setValue(page, '#inside-kind', kind, 'change');
      await setValue(page, '#inside-unit', String(unit));
      await page.waitForFunction((u) => document.querySelector<HTMLElement>('#inside-chars')!.dataset.unit === u, String(unit));
      const got = (await page.$$eval('#inside-chars span', (xs) => xs.map((x) => Number(x.getAttribute('data-act'))))) as number[];
      stepper.reset();
      stepper.step(EOS_ID);
      const want = Array.from(vocab.encode(INSIDE_TEXT).ids, (id) => {
        stepper.step(id);
        const s = stepper.state(layer);
        return (kind === 'c' ? s.c! : s.h)[unit]!;
      });
      expect(got).toHaveLength(want.length);
      expect(Math.max(...want.map(Math.abs))).toBeGreaterThan(0.01); // a live unit, not a trivial match
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!), `${kind}${layer}[${unit}] at ${i}`).toBeLessThan(1e-5);
    }
    await page.focus('#inside-chars span >> nth=2');
    expect(await page.locator('#inside-detail button.unit').count()).toBe(10);
    await page.screenshot({ path: join(shots, 'inside.png'), fullPage: true });
    await page.close();
  });

  it('Inside: gates, influence and gradient flow equal rnnlm inside --json (1e-5)', async () => {
    const page = await open(served);
    await pageScore(page, INSIDE_TEXT);
    await page.click('#tab-inside');
    const j = JSON.parse(cli(['inside', INSIDE_TEXT, '--json', '--units']));
    const close = (got: number[], want: number[], what: string) => {
      expect(got, what).toHaveLength(want.length);
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!), `${what} at ${i}`).toBeLessThan(1e-5);
    };
    for (const [layer, gate, unit] of [
      [1, 'forget', null],
      [0, 'update', 3],
    ] as const) {
      await setValue(page, '#gates-layer', String(layer), 'change');
      await setValue(page, '#gates-gate', gate, 'change');
      await setValue(page, '#gates-view', unit === null ? 'mean' : 'unit', 'change');
      if (unit !== null) await setValue(page, '#gates-unit', String(unit));
      await page.waitForFunction((s) => document.querySelector<HTMLElement>('#gates-chars')!.dataset.state === s, `${layer}:${gate}:${unit ?? 'mean'}`);
      const got = (await page.$$eval('#gates-chars span', (xs) => xs.map((x) => Number(x.getAttribute('data-gate'))))) as number[];
      const want = (unit === null ? j.gates[layer][gate] : j.gates[layer].units[gate].map((row: number[]) => row[unit])) as number[];
      close(got, want, `layer ${layer + 1} ${gate} ${unit ?? 'mean'}`);
    }
    const influence = async () => (await page.$$eval('#look-chars span', (xs) => xs.map((x) => Number(x.getAttribute('data-influence'))))) as number[];
    close(await influence(), j.influence, 'influence on the last prediction');
    await page.click('#look-chars span >> nth=5');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#look-chars')!.dataset.at === '5');
    const at5 = JSON.parse(cli(['inside', INSIDE_TEXT, '--at', '5', '--json']));
    close(await influence(), at5.influence, 'influence on the prediction after position 5');
    expect(await page.textContent('#look-info')).toContain(`ln P(${JSON.stringify(at5.target)}) = ${at5.logprob.toFixed(3)}`);
    const flowFile = join(root, 'flow.txt');
    writeFileSync(flowFile, syllableText(30, 5));
    const f = JSON.parse(cli(['inside', '--flow', flowFile, '--positions', '12', '--distance', '20', '--json']));
    await page.fill('#flow-text', readFileSync(flowFile, 'utf8'));
    await page.fill('#flow-positions', '12');
    await page.fill('#flow-distance', '20');
    await page.click('#flow-run');
    await page.waitForSelector('#flow-chart[data-state="done"]');
    close(JSON.parse((await page.getAttribute('#flow-chart', 'data-mean'))!), f.mean, 'flow');
    expect(await page.locator('#flow-chart canvas').count()).toBe(1);
    await page.focus('#look-chars span >> nth=8');
    await page.screenshot({ path: join(shots, 'inside-gates.png'), fullPage: true });
    await page.close();
  });

  it('Model: the settings and the loss chart; no request left the server', async () => {
    const page = await open(served);
    await page.click('#tab-model');
    expect(await page.$$eval('#model-lines dt', (xs) => xs.map((x) => x.textContent))).toEqual(
      expect.arrayContaining(['model', 'vocabulary', 'corpus', 'training', 'validation', 'progress', 'best', 'n-gram', 'mixture']),
    );
    expect(await page.textContent('#model-lines')).toContain('2-layer LSTM, hidden 16');
    expect(await page.locator('#model-chart canvas').count()).toBe(1);
    await page.screenshot({ path: join(shots, 'model.png'), fullPage: true });
    // A phone-width view of the Score part, for the README.
    await page.setViewportSize({ width: 390, height: 800 });
    await page.click('#tab-score');
    await page.screenshot({ path: join(shots, 'phone.png'), fullPage: true });
    await page.close();
    const origin = new URL(served).origin;
    expect(requests.length).toBeGreaterThan(0);
    // blob: URLs of the same origin are the wasm backend's worker threads, made by the page itself.
    expect(requests.filter((u) => !u.startsWith(origin + '/') && !u.startsWith('data:') && !u.startsWith(`blob:${origin}/`))).toEqual([]);
  });

  it('the exported folder behind a plain static server passes Score and Generate', async () => {
    const st = await startStatic(exported);
    staticServer = st.server;
    const url = st.url;
    const before = requests.length;
    const page = await open(url);
    await checkScore(page);
    await checkGenerate(page);
    await page.close();
    const origin = new URL(url).origin;
    expect(requests.slice(before).filter((u) => !u.startsWith(origin + '/') && !u.startsWith('data:'))).toEqual([]);
  });
});
