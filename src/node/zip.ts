// Checkpoints as zip files (the page's "Download checkpoint" gives one): read in place as a
// FileSource, with the files at the top or in one folder inside, and unpacked into a folder
// for `train --resume`. fflate does the zip format.

import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { checkpointFiles, FILES, memorySource, type FileSource } from '../checkpoint/codec.js';
import { inputError } from '../common/errors.js';
import { writeFileAtomic } from './files.js';
import { join } from 'node:path';

/** True if the file starts as a zip does ("PK\3\4"). */
export function isZip(path: string): boolean {
  const head = Buffer.alloc(4);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  return head.readUInt32LE(0) === 0x04034b50;
}

/** The checkpoint files in a zip: those beside its rnnlm.json (the one nearest the top). */
export function zipEntries(path: string): Map<string, Uint8Array> {
  let all: Record<string, Uint8Array>;
  try {
    all = unzipSync(readFileSync(path));
  } catch (e) {
    throw inputError(`${path}: is not a readable zip (${(e as Error).message})`);
  }
  return checkpointFiles(Object.entries(all), path);
}

export function zipSource(path: string): FileSource {
  return memorySource(path, zipEntries(path));
}

/** Write the checkpoint files of a zip into `dir` (for resuming training there); the names written. */
export function unpackZip(path: string, dir: string): string[] {
  const files = zipEntries(path);
  const known = new Set(Object.values(FILES));
  const names = [...files.keys()].filter((n) => known.has(n) && n !== FILES.lock);
  for (const n of names) writeFileAtomic(join(dir, n), files.get(n)!);
  return names;
}
