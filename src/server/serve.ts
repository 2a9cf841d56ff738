// `rnnlm serve`'s HTTP server: the web page and the files of one checkpoint, nothing else.
// GET and HEAD only (405 otherwise); a request path is served only when it is, byte for
// byte, one of the site's paths (so `..`, `%2e%2e` and absolute paths match nothing: 404),
// and a file whose real path leaves its folder (a symlink out) is refused before reading.
// The server does no inference: the page runs the model in the browser.

import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sep } from 'node:path';
import { loadCheckpoint } from '../node/checkpoint-files.js';
import { inputError } from '../common/errors.js';
import { siteFiles, type SiteFile } from './site.js';

export interface ServeOptions {
  /** The checkpoint to serve, or null for the page alone (it trains or opens a model itself). */
  modelDir: string | null;
  /** 0 picks a free port. */
  port: number;
  host: string;
  /** The built page (default: dist/web). */
  pageDir?: string;
  /** Called after each response. */
  onRequest?: (method: string, url: string, status: number) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

// Cross-origin isolation (COOP + COEP) lets the page use SharedArrayBuffer: TF.js's wasm backend runs multi-threaded.
const COMMON_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Check the checkpoint, then listen. A port in use or a damaged checkpoint throws one clear line (exit code 2). */
export async function serve(o: ServeOptions): Promise<RunningServer> {
  if (o.modelDir !== null) loadCheckpoint(o.modelDir);
  const site = siteFiles(o.modelDir, o.pageDir);
  const server = createServer((req, res) => {
    respond(site, req, res).then(
      (status) => o.onRequest?.(req.method ?? '', req.url ?? '', status),
      () => {
        if (!res.headersSent) res.writeHead(500, COMMON_HEADERS);
        res.end();
      },
    );
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const where = `${o.host}:${o.port}`;
      if (e.code === 'EADDRINUSE') fail(inputError(`port ${o.port} on ${o.host} is in use; choose another with --port (0 picks a free one)`));
      else if (e.code === 'EACCES') fail(inputError(`no permission to listen on ${where}; use a port above 1023`));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') fail(inputError(`cannot listen on ${where}: no such address on this machine (--host)`));
      else fail(inputError(`cannot listen on ${where}: ${e.message}`));
    });
    server.listen(o.port, o.host, () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${host}:${port}/`,
    port,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

async function respond(site: Map<string, SiteFile>, req: IncomingMessage, res: ServerResponse): Promise<number> {
  const send = (status: number, body: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...COMMON_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extra });
    res.end(req.method === 'HEAD' ? undefined : body);
    return status;
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n', { Allow: 'GET, HEAD' });
  const raw = (req.url ?? '/').split(/[?#]/, 1)[0]!;
  const name = raw === '/' ? 'index.html' : raw.startsWith('/') ? raw.slice(1) : '';
  const file = site.get(name);
  if (!file) return send(404, 'not found\n');
  let real: string;
  try {
    real = await realpath(file.path);
    const root = await realpath(file.root);
    if (!real.startsWith(root + sep) || !(await stat(real)).isFile()) return send(404, 'not found\n');
  } catch {
    return send(404, 'not found\n');
  }
  const body = file.publish ? file.publish(await readFile(real)) : await readFile(real);
  res.writeHead(200, { ...COMMON_HEADERS, 'Content-Type': file.type, 'Content-Length': String(body.length) });
  res.end(req.method === 'HEAD' ? undefined : body);
  return 200;
}
