// The browser entry as a web developer uses it: `import { openModel, train } from
// 'rnnlm/browser'` bundled by esbuild (the bundle holds no Node import), run in Chromium on a
// plain static server: a checkpoint folder opened by URL scores as `rnnlm score` (1e-6), and a
// model trained in the page downloads as a zip that `rnnlm score` reads to the page's numbers.

import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { HAVE_CHROMIUM, launch, startStatic, warnNoChromium } from '../testing/browser.js';
import { BIN } from '../testing/fixtures.js';
import { rnnlmOut, syllableText, tempDir, writeCorpus } from '../testing/fixtures.js';
import { readmeBlock } from '../testing/readme.js';

const ROOT = join(import.meta.dirname, '..', '..');
const cli = rnnlmOut;
const TEXTS = ['ka ti mo', 'zzq', 'lo'];

warnNoChromium();
describe.skipIf(!HAVE_CHROMIUM)('the browser entry', () => {
  const site = tempDir('rnnlm-browser-api-');
  let browser: Browser;
  let stop: () => void;
  let url: string;
  let bundle: string;

  beforeAll(async () => {
    const corpus = writeCorpus(site, syllableText(200, 4));
    cli([
      'train',
      corpus,
      '--out',
      join(site, 'ck-full'),
      '--steps',
      '10',
      '-q',
      '--from',
      'none',
      '--layers',
      '1',
      '--hidden',
      '16',
      '--seq-len',
      '16',
      '--batch-size',
      '8',
      '--workers',
      '1',
    ]);
    mkdirSync(join(site, 'ck'));
    for (const f of ['rnnlm.json', 'model.json', 'weights.bin', 'ngram.bin']) copyFileSync(join(site, 'ck-full', f), join(site, 'ck', f));
    writeFileSync(
      join(site, 'app.js'),
      `import { openModel, train } from 'rnnlm/browser';
       window.scoreFolder = async (texts) => (await (await openModel('ck/')).score(texts)).map((s) => s.logprob);
       window.trainHere = async (text) => {
         const run = train({ text, name: 'page', steps: 6, model: { layers: 1, hidden: 8 }, training: { seqLen: 16, batchSize: 4, evalEvery: 3 } });
         let steps = 0;
         for await (const e of run) if (e.type === 'step') steps++;
         const r = await run;
         return { steps, zip: Array.from(r.zip()), logprob: (await r.model.score(['ka ti']))[0].logprob };
       };`,
    );
    // The README's browser example, as written, beside the checkpoint folder it names.
    mkdirSync(join(site, 'readme', 'checkpoints', 'names'), { recursive: true });
    for (const f of ['rnnlm.json', 'model.json', 'weights.bin', 'ngram.bin'])
      copyFileSync(join(site, 'ck', f), join(site, 'readme', 'checkpoints', 'names', f));
    writeFileSync(join(site, 'readme', 'app.js'), readmeBlock('Use it from code', 'js'));
    for (const dir of [site, join(site, 'readme')]) {
      const out = await build({
        entryPoints: [join(dir, 'app.js')],
        bundle: true,
        format: 'esm',
        platform: 'browser',
        outfile: join(dir, 'bundle.js'),
        alias: { 'rnnlm/browser': join(ROOT, 'dist', 'browser', 'rnnlm.js') },
        nodePaths: [join(ROOT, 'node_modules')],
        logLevel: 'silent',
      });
      expect(out.errors).toEqual([]);
      writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><body></body><script type="module" src="bundle.js"></script>');
    }
    bundle = readFileSync(join(site, 'bundle.js'), 'utf8');
    const s = await startStatic(site);
    url = s.url;
    stop = () => s.server.close();
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    stop?.();
  });

  it('bundles with no Node import', () => {
    expect(bundle).not.toMatch(/["']node:[a-z_]+["']/);
    expect(bundle).not.toMatch(/require\(["'](fs|path|os|crypto|worker_threads)["']\)/);
  });

  it('opens a checkpoint folder by URL and scores as `rnnlm score`', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction('typeof window.scoreFolder === "function"');
    const got = (await page.evaluate(`window.scoreFolder(${JSON.stringify(TEXTS)})`)) as number[];
    const want = cli(['score', ...TEXTS, '--model', join(site, 'ck'), '--json'])
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).logprob as number);
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 6));
  });

  it('runs the README example as written: its ln P is the CLI’s', async () => {
    const page = await browser.newPage();
    await page.goto(url + 'readme/');
    await page.waitForFunction('document.body.textContent.startsWith("ln P(Maria) = ")');
    const shown = Number(((await page.textContent('body')) ?? '').slice('ln P(Maria) = '.length));
    expect(shown).toBeCloseTo(JSON.parse(cli(['score', 'Maria', '--model', join(site, 'ck'), '--json'])).logprob, 6);
  });

  it('trains in the page; its zip is a checkpoint `rnnlm score` reads to the page’s numbers', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction('typeof window.trainHere === "function"');
    const r = (await page.evaluate(`window.trainHere(${JSON.stringify(syllableText(120, 6))})`)) as { steps: number; zip: number[]; logprob: number };
    expect(r.steps).toBe(6);
    const zip = join(site, 'page.zip');
    writeFileSync(zip, Uint8Array.from(r.zip));
    expect(JSON.parse(cli(['score', 'ka ti', '--model', zip, '--json'])).logprob).toBeCloseTo(r.logprob, 6);
  });
});
