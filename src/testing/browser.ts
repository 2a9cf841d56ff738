// Browser-test helpers shared by the page's tests: Debian's Chromium through playwright-core
// (skipped with a message where it is absent), `rnnlm serve` started on a free port, a plain
// static server, and the page's Score read back once it has scored a text.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { contentType } from '../server/site.js';
import { BIN } from './fixtures.js';

export const CHROMIUM = process.env.RNNLM_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

export function warnNoChromium(): void {
  if (!HAVE_CHROMIUM)
    console.warn(
      `browser tests skipped: no Chromium at ${CHROMIUM}. Install it (sudo apt-get install chromium) or set RNNLM_CHROMIUM to its path to run them.`,
    );
}

/** Headless Chromium with no traffic of its own; `extra` flags (e.g. --enable-unsafe-webgpu) added. */
export function launch(extra: string[] = ['--disable-gpu']): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', ...extra],
  });
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

/** Any static server (as GitHub Pages is: no cross-origin isolation headers): files of a folder by path, nothing else. */
export function startStatic(dir: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!)).replace(/^(\.\.[/\\])+/, '');
    const file = join(dir, path.endsWith('/') ? path + 'index.html' : path);
    if (!existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': contentType(extname(file)) }).end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server })));
}

/** Type a text into Score and return the page's ln P once it has scored that text. */
export async function pageScore(page: Page, text: string): Promise<number> {
  await page.click('#tab-score');
  await page.fill('#score-text', text);
  await page.waitForFunction(`document.querySelector('#score-totals').dataset.text === ${JSON.stringify(text)}`);
  return Number(await page.getAttribute('#score-totals', 'data-logprob'));
}
