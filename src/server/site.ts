// The web page's files: what `rnnlm serve` serves and `rnnlm export-web` writes, as one
// table from URL path to file. The page (built from src/web into dist/web by
// scripts/build-web.mjs) loads the checkpoint from model/ beside it, by relative URLs.

import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FILES } from '../checkpoint/codec.js';
import { inputError, RnnlmError } from '../common/errors.js';

/** The built page: dist/web of this package (the same folder from src/ under test and from dist/). */
export const PAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'web');

/** The page's own files in PAGE_DIR: markup, the bundled script and styles, the trainer thread's script, TF.js's wasm binaries. */
export const PAGE_FILES = [
  'index.html',
  'app.js',
  'app.css',
  'trainer.js',
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
];

/** The checkpoint files the page reads (resume.bin is for training only and is never served). */
export const MODEL_FILES = [FILES.model, FILES.weights, FILES.meta];
/** Served and exported when the checkpoint has it (older checkpoints have no n-gram). */
export const OPTIONAL_MODEL_FILES = [FILES.ngram];

/** Where the page looks for the checkpoint, relative to itself. */
export const MODEL_PREFIX = 'model/';

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  wasm: 'application/wasm',
  bin: 'application/octet-stream',
};

export interface SiteFile {
  /** Absolute path of the file on disk. */
  path: string;
  /** The folder the file must stay inside (symlinks are resolved against it). */
  root: string;
  type: string;
  /** What is handed out instead of the file's bytes as they are (rnnlm.json: without local paths). */
  publish?: (bytes: Buffer) => Buffer;
}

/**
 * rnnlm.json as a published page hands it out: the corpus by its file name, not the path on
 * the machine that trained it. Example: corpus.path "/home/ann/texts/plays.txt" → "plays.txt".
 */
export function publicMeta(bytes: Buffer): Buffer {
  const meta = JSON.parse(bytes.toString('utf8')) as { corpus?: { path?: unknown } };
  if (meta.corpus && typeof meta.corpus.path === 'string') meta.corpus.path = meta.corpus.path.split(/[/\\]/).pop()!;
  return Buffer.from(JSON.stringify(meta, null, 2) + '\n');
}

/** Content-Type by file extension. */
export function contentType(name: string): string {
  return TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
}

/**
 * The whole site for one checkpoint (null: the page alone, with no model/): relative URL path (no leading slash) → file.
 * Example: "index.html" → dist/web/index.html, "model/weights.bin" → <model>/weights.bin.
 * Throws when the page has not been built.
 */
export function siteFiles(modelDir: string | null, pageDir = PAGE_DIR): Map<string, SiteFile> {
  const missing = PAGE_FILES.filter((f) => !existsSync(join(pageDir, f)));
  if (missing.length > 0) {
    throw new RnnlmError(`the web page is not built (${join(pageDir, missing[0]!)} is missing); run npm run build in the rnnlm folder`);
  }
  const site = new Map<string, SiteFile>();
  for (const f of PAGE_FILES) site.set(f, { path: join(pageDir, f), root: pageDir, type: contentType(f) });
  if (modelDir === null) return site; // the page alone: it trains or opens a model itself
  if (statSync(modelDir).isFile())
    throw inputError(`${modelDir}: the page is served from a checkpoint folder; unzip it first (unzip ${modelDir} -d <folder>), or open the zip in the page`);
  const model = resolve(modelDir);
  for (const f of MODEL_FILES)
    site.set(MODEL_PREFIX + f, { path: join(model, f), root: model, type: contentType(f), ...(f === FILES.meta ? { publish: publicMeta } : {}) });
  for (const f of OPTIONAL_MODEL_FILES) if (existsSync(join(model, f))) site.set(MODEL_PREFIX + f, { path: join(model, f), root: model, type: contentType(f) });
  return site;
}
