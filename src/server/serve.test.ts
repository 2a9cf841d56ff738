import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { request, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node/backend.js';
import { RnnlmError } from '../common/errors.js';
import { exportSite } from './export.js';
import { serve, type RunningServer } from './serve.js';
import { MODEL_FILES, OPTIONAL_MODEL_FILES, PAGE_FILES, publicMeta, siteFiles } from './site.js';
import { startServe } from '../testing/browser.js';
import { syllableText, tempDir, tinyRequest, writeCorpus, BIN } from '../testing/fixtures.js';
import { train } from '../node/training-run.js';

const root = tempDir('rnnlm-serve-');
const ck = join(root, 'ck');
const page = join(root, 'page');
let server: RunningServer;

/** A raw request: the path goes on the wire exactly as given (no normalisation of `..`). */
function get(path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.end();
  });
}

async function rejection(p: Promise<unknown>): Promise<RnnlmError> {
  try {
    await p;
  } catch (e) {
    return e as RnnlmError;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  await initBackend('wasm');
  await train(tinyRequest(writeCorpus(root, syllableText(200)), ck, {}, { epochs: 1 }));
  mkdirSync(page);
  for (const f of PAGE_FILES) writeFileSync(join(page, f), `page file ${f}`);
  server = await serve({ modelDir: ck, port: 0, host: '127.0.0.1', pageDir: page });
});

afterAll(async () => {
  await server?.close();
});

describe('rnnlm serve: what it serves', () => {
  it('the page at / and by name, with its type and nosniff', async () => {
    for (const path of ['/', '/index.html', '/index.html?x=1']) {
      const r = await get(path);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.body.toString()).toBe('page file index.html');
    }
    expect((await get('/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/tfjs-backend-wasm.wasm')).headers['content-type']).toBe('application/wasm');
  });

  it('the checkpoint files under /model/ (its n-gram too), byte for byte but rnnlm.json without local paths; HEAD gives the headers only', async () => {
    for (const f of [...MODEL_FILES, ...OPTIONAL_MODEL_FILES]) {
      const r = await get(`/model/${f}`);
      expect(r.status).toBe(200);
      expect(r.body.equals(f === 'rnnlm.json' ? publicMeta(readFileSync(join(ck, f))) : readFileSync(join(ck, f))), f).toBe(true);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
    expect((await get('/model/weights.bin')).headers['content-type']).toBe('application/octet-stream');
    const h = await get('/model/rnnlm.json', 'HEAD');
    expect(h.status).toBe(200);
    expect(h.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(h.headers['content-length'])).toBe(publicMeta(readFileSync(join(ck, 'rnnlm.json'))).length);
    expect(h.body.length).toBe(0);
  });

  it('nothing it hands out names a folder of this machine: rnnlm.json gives the corpus by file name', async () => {
    const own = JSON.parse(readFileSync(join(ck, 'rnnlm.json'), 'utf8'));
    expect(own.corpus.path).toBe(join(root, 'corpus.txt')); // the checkpoint itself keeps the path (resume checks it)
    const meta = JSON.parse((await get('/model/rnnlm.json')).body.toString());
    expect(meta.corpus.path).toBe('corpus.txt');
    expect({ ...meta, corpus: { ...meta.corpus, path: own.corpus.path } }).toEqual(own); // nothing else changed
    for (const name of siteFiles(ck, page).keys()) expect((await get(`/${name}`)).body.toString('latin1'), name).not.toContain(root);
  });

  it('methods other than GET and HEAD: 405 with Allow', async () => {
    for (const m of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      const r = await get('/index.html', m);
      expect(r.status, m).toBe(405);
      expect(r.headers.allow).toBe('GET, HEAD');
    }
  });

  it('paths that leave the site: 404, whatever the spelling', async () => {
    const bad = [
      '/../rnnlm.json',
      '/model/../model/rnnlm.json',
      '/model/./rnnlm.json',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/model/%2e%2e/%2e%2e/etc/passwd',
      '/model/%2E%2E%2Frnnlm.json',
      '/model%2frnnlm.json',
      '//etc/passwd',
      '/etc/passwd',
      'http://example.com/index.html',
      '/model/resume.bin',
      '/model/',
      '/MODEL/rnnlm.json',
      '/index.html/..',
      '/model/rnnlm.json%00',
    ];
    for (const path of bad) expect((await get(path)).status, path).toBe(404);
  });

  it('a checkpoint file that is a symlink out of the folder: 404', async () => {
    const outside = join(root, 'secret.bin');
    writeFileSync(outside, 'secret');
    const weights = join(ck, 'weights.bin');
    renameSync(weights, weights + '.real');
    symlinkSync(outside, weights);
    try {
      const r = await get('/model/weights.bin');
      expect(r.status).toBe(404);
      expect(r.body.toString()).not.toContain('secret');
    } finally {
      unlinkSync(weights);
      renameSync(weights + '.real', weights);
    }
    expect((await get('/model/weights.bin')).status).toBe(200);
  });
});

describe('rnnlm serve: the page alone (it trains a model itself)', () => {
  it('serves the page, no model/, and the headers that make it cross-origin isolated (threaded wasm)', async () => {
    const alone = await serve({ modelDir: null, port: 0, host: '127.0.0.1', pageDir: page });
    const at = (path: string) =>
      new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>((ok, fail) => {
        request({ host: '127.0.0.1', port: alone.port, path }, (res) => {
          res.resume();
          res.on('end', () => ok({ status: res.statusCode!, headers: res.headers }));
        })
          .on('error', fail)
          .end();
      });
    try {
      const index = await at('/');
      expect(index.status).toBe(200);
      expect(index.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(index.headers['cross-origin-embedder-policy']).toBe('require-corp');
      for (const f of [...MODEL_FILES, ...OPTIONAL_MODEL_FILES]) expect((await at(`/model/${f}`)).status, f).toBe(404);
    } finally {
      await alone.close();
    }
  });

  it('from the command line with no ./checkpoints: says so and serves the page alone', async () => {
    const cwd = tempDir('rnnlm-serve-alone-');
    const s = await startServe([], cwd);
    try {
      const res = await fetch(s.url);
      expect(res.status).toBe(200);
      expect((await fetch(new URL('model/rnnlm.json', s.url))).status).toBe(404);
    } finally {
      s.process.kill('SIGINT');
    }
  });
});

describe('rnnlm serve: failures are one clear line, exit code 2', () => {
  it('a port in use', async () => {
    const e = await rejection(serve({ modelDir: ck, port: server.port, host: '127.0.0.1', pageDir: page }));
    expect(e).toBeInstanceOf(RnnlmError);
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`port ${server.port} on 127.0.0.1 is in use; choose another with --port (0 picks a free one)`);
  });

  it('a damaged checkpoint, before listening', async () => {
    const bad = join(root, 'damaged');
    cpSync(ck, bad, { recursive: true });
    truncateSync(join(bad, 'weights.bin'), 10);
    const e = await rejection(serve({ modelDir: bad, port: 0, host: '127.0.0.1', pageDir: page }));
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/weights\.bin: has 10 bytes/);
  });

  it('from the command line: the same lines', async () => {
    const blocker = createServer();
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const r = spawnSync(process.execPath, [BIN, 'serve', '--model', ck, '--port', String(port)], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
        timeout: 60_000,
      });
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toBe(`✗ port ${port} on 127.0.0.1 is in use; choose another with --port (0 picks a free one)`);
    } finally {
      blocker.close();
    }
    const r = spawnSync(process.execPath, [BIN, 'serve', '--model', join(root, 'damaged'), '--port', '0'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a page that was not built', async () => {
    const e = await rejection(serve({ modelDir: ck, port: 0, host: '127.0.0.1', pageDir: join(root, 'nowhere') }));
    expect(e.message).toMatch(/the web page is not built .*run npm run build/);
  });
});

describe('rnnlm export-web', () => {
  it('writes the site as serve serves it, and refuses a non-empty folder without force', () => {
    const out = join(root, 'site');
    const r = exportSite(ck, out, { pageDir: page });
    expect(r.files).toEqual([...PAGE_FILES, ...[...MODEL_FILES, ...OPTIONAL_MODEL_FILES].map((f) => `model/${f}`)]);
    for (const f of PAGE_FILES) expect(readFileSync(join(out, f), 'utf8')).toBe(`page file ${f}`);
    for (const f of [...MODEL_FILES, ...OPTIONAL_MODEL_FILES]) {
      const want = f === 'rnnlm.json' ? publicMeta(readFileSync(join(ck, f))) : readFileSync(join(ck, f));
      expect(readFileSync(join(out, 'model', f)).equals(want), f).toBe(true);
    }
    for (const f of r.files) expect(readFileSync(join(out, f)).toString('latin1'), f).not.toContain(root);
    expect(JSON.parse(readFileSync(join(out, 'model', 'rnnlm.json'), 'utf8')).corpus.path).toBe('corpus.txt');
    expect(() => exportSite(ck, out, { pageDir: page })).toThrow(/exists and is not empty; use --force/);
    expect(exportSite(ck, out, { pageDir: page, force: true }).files).toHaveLength(r.files.length);
  });

  it('--page-only writes the page alone, to publish for anyone to train on their own text', () => {
    const out = join(root, 'site-alone');
    expect(exportSite(null, out, { pageDir: page }).files).toEqual(PAGE_FILES);
    const r = spawnSync(process.execPath, [BIN, 'export-web', join(root, 'site-cli'), '--page-only'], { encoding: 'utf8', cwd: root });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/the page alone/);
    expect(readdirSync(join(root, 'site-cli')).sort()).toEqual([...PAGE_FILES].sort());
    const both = spawnSync(process.execPath, [BIN, 'export-web', join(root, 'site-cli2'), '--page-only', '--model', ck], { encoding: 'utf8' });
    expect(both.status).not.toBe(0);
    expect(both.stderr).toMatch(/mutually exclusive|conflict/i);
  });

  it('refuses a checkpoint file linked from outside its folder', () => {
    const linked = join(root, 'linked');
    cpSync(ck, linked, { recursive: true });
    const outside = join(root, 'outside-meta.json');
    copyFileSync(join(linked, 'rnnlm.json'), outside);
    unlinkSync(join(linked, 'rnnlm.json'));
    symlinkSync(outside, join(linked, 'rnnlm.json'));
    expect(() => exportSite(linked, join(root, 'site2'), { pageDir: page })).toThrow(/is a link out of its folder/);
  });
});
