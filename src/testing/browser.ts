// Browser-test helpers shared by the page's tests: Debian's Chromium through playwright-core
// (skipped with a message where it is absent), `rnnlm serve` started on a free port, and the
// page's Score read back once it has scored a text.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.RNNLM_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'rnnlm.js');

export function warnNoChromium(): void {
  if (!HAVE_CHROMIUM) console.warn(`browser tests skipped: no Chromium at ${CHROMIUM}. Install it (sudo apt-get install chromium) or set RNNLM_CHROMIUM to its path to run them.`);
}

/** Headless Chromium with no traffic of its own; `extra` flags (e.g. --enable-unsafe-webgpu) added. */
export function launch(extra: string[] = ['--disable-gpu']): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', ...extra] });
}

/** `rnnlm serve --port 0 …args` in `cwd`, and the URL it prints. */
export function startServe(args: string[], cwd?: string): Promise<{ url: string; process: ChildProcess }> {
  const p = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
  return new Promise((ok, fail) => {
    let out = '';
    p.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) ok({ url: out.split('\n')[0]!.trim(), process: p });
    });
    p.on('exit', (code) => fail(new Error(`rnnlm serve exited with ${code}`)));
  });
}

/** Type a text into Score and return the page's ln P once it has scored that text. */
export async function pageScore(page: Page, text: string): Promise<number> {
  await page.click('#tab-score');
  await page.fill('#score-text', text);
  await page.waitForFunction(`document.querySelector('#score-totals').dataset.text === ${JSON.stringify(text)}`);
  return Number(await page.getAttribute('#score-totals', 'data-logprob'));
}
