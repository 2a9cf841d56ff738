// File helpers for checkpoints: atomic writes (temporary file in the same folder, fsync,
// rename, fsync the folder), JSON reads that fail with one clear line, and a single-writer
// lock file holding the owner's pid (a lock left by a dead process is taken over).

import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { inputError, RnnlmError } from '../common/errors.js';

/**
 * Fault injection for the kill test: RNNLM_TEST_WRITE_DELAY_MS holds each write open (the
 * temporary file written and synced, not yet renamed) for that long, so a kill can be
 * aimed at the middle of a save. Unset in normal use.
 */
const WRITE_DELAY_MS = Number(process.env.RNNLM_TEST_WRITE_DELAY_MS ?? 0);

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  const fd = openSync(tmp, 'w');
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
  closeSync(fd);
  if (WRITE_DELAY_MS > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, WRITE_DELAY_MS);
  renameSync(tmp, path);
  try {
    const dfd = openSync(dir, 'r');
    fsyncSync(dfd);
    closeSync(dfd);
  } catch {
    /* some filesystems cannot fsync a directory */
  }
}

/** Read a file or fail with "<path>: missing" / "<path>: cannot read". */
export function readFileChecked(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw inputError(code === 'ENOENT' ? `${path}: missing` : `${path}: cannot read (${code ?? 'error'})`);
  }
}

export function readJSON(path: string): unknown {
  const text = readFileChecked(path).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw inputError(`${path}: is not valid JSON${text.length === 0 ? ' (empty file)' : ''}`);
  }
}

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** True if a process with this pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Take the lock file `path` for this process, or throw if another live process holds it.
 * Returns a release function.
 */
export function acquireLock(path: string, what: string): () => void {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let pid = NaN;
      try {
        pid = Number(readFileSync(path, 'utf8').trim());
      } catch {
        /* vanished meanwhile: retry */
      }
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new RnnlmError(`${what} is in use by another rnnlm process (pid ${pid}); wait for it to finish or stop it`, 2);
      }
      try {
        unlinkSync(path); // stale: its owner is dead
      } catch {
        /* someone else took it over first */
      }
    }
  }
  throw new RnnlmError(`${what}: could not take the lock ${path}`, 2);
}

/** Delete temporary files left in `dir` by writers that died mid-write (see writeFileAtomic). */
export function removeStaleTemporaries(dir: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^\..+\.tmp-(\d+)-[a-z0-9]+$/.exec(name);
    if (m && (Number(m[1]) === process.pid || !alive(Number(m[1])))) {
      try {
        unlinkSync(join(dir, name));
      } catch {
        /* gone already */
      }
    }
  }
}
