// `rnnlm export-web`: the page and one checkpoint as a static folder, laid out as `rnnlm
// serve` serves them (index.html, app.js, … and model/), for any static host.

import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { loadCheckpoint } from '../node/checkpoint-files.js';
import { inputError } from '../common/errors.js';
import { siteFiles } from './site.js';

export interface Exported {
  /** Relative paths written, in site order. */
  files: string[];
  bytes: number;
}

/** Write the site for `modelDir` (null: the page alone) into `outDir` (created; a non-empty folder only with `force`). */
export function exportSite(modelDir: string | null, outDir: string, o: { force?: boolean; pageDir?: string } = {}): Exported {
  if (modelDir !== null) loadCheckpoint(modelDir);
  const site = siteFiles(modelDir, o.pageDir);
  if (existsSync(outDir)) {
    if (!statSync(outDir).isDirectory()) throw inputError(`${outDir}: exists and is not a folder`);
    if (readdirSync(outDir).length > 0 && !o.force) throw inputError(`${outDir}: exists and is not empty; use --force to write into it`);
  }
  const files: string[] = [];
  let bytes = 0;
  for (const [name, f] of site) {
    const real = realpathSync(f.path);
    if (!real.startsWith(realpathSync(f.root) + sep)) throw inputError(`${f.path}: is a link out of its folder; not exported`);
    const to = join(outDir, ...name.split('/'));
    mkdirSync(dirname(to), { recursive: true });
    if (f.publish) writeFileSync(to, f.publish(readFileSync(real)));
    else copyFileSync(real, to);
    files.push(name);
    bytes += statSync(to).size;
  }
  return { files, bytes };
}
