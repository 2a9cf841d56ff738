// What every command handler gets: the colour theme, stderr printing helpers (data goes
// to stdout, messages to stderr), --verbose lines, and the backend start-up.

import { initBackend, webgpuAdapter, type BackendName } from '../node/backend.js';
import { makeTheme, sym, type Theme } from './theme.js';

export interface GlobalArgs {
  verbose?: boolean;
  quiet?: boolean;
  color?: boolean;
  backend?: BackendName;
}

export interface Context extends Theme {
  verbose: boolean;
  /** --quiet: no progress and no notes on stderr; results, warnings and errors still. */
  quiet: boolean;
  /** A line on stderr. */
  say(line: string): void;
  /** A line on stderr that --quiet leaves out (what is used, what is going on). */
  note(line: string): void;
  /** A line on stderr under --verbose only. */
  debug(line: string): void;
  warn(line: string): void;
  startBackend(): Promise<BackendName>;
}

export function makeContext(argv: GlobalArgs): Context {
  const theme = makeTheme(argv.color);
  const verbose = Boolean(argv.verbose);
  const quiet = Boolean(argv.quiet);
  const say = (line: string) => process.stderr.write(line + '\n');
  return {
    ...theme,
    verbose,
    quiet,
    say,
    note: (line) => {
      if (!quiet) say(line);
    },
    debug: (line) => {
      if (verbose) say(theme.c.dim(line));
    },
    warn: (line) => say(theme.c.yellow(`${sym.warn} ${line}`)),
    startBackend: async () => {
      const name = await initBackend(argv.backend, (line) => verbose && say(theme.c.dim(line)));
      if (name === 'webgpu' && !quiet) say(theme.c.dim(`webgpu on ${webgpuAdapter}`));
      return name;
    },
  };
}
