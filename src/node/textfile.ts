// Reading a corpus or a text to score from a file or stdin (Node only; the core decodes and
// checks bytes with corpus.decodeText, so a web page can hand it a dropped file instead).

import { readFileSync, statSync } from 'node:fs';
import { decodeText } from '../text/corpus.js';
import { inputError } from '../common/errors.js';

/**
 * Stands for "-" (stdin) on the command line: the argument parser swallows a bare "-", and
 * no real argument can contain NUL.
 */
export const STDIN_ARG = '\0-';

export function isStdin(path: string): boolean {
  return path === '-' || path === STDIN_ARG;
}

/** Read a UTF-8 text file (or stdin for "-"), reject what is not usable text. */
export function readText(path: string): string {
  let bytes: Buffer;
  if (isStdin(path)) {
    path = '-';
    try {
      bytes = readFileSync(0);
    } catch {
      throw inputError('-: could not read standard input');
    }
  } else {
    let st;
    try {
      st = statSync(path);
    } catch {
      throw inputError(`${path}: no such file`);
    }
    if (st.isDirectory()) throw inputError(`${path}: is a directory, not a text file`);
    try {
      bytes = readFileSync(path);
    } catch (e) {
      throw inputError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return decodeText(bytes, path);
}
