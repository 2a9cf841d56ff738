// Progress display for long work: an ora spinner on a TTY, plain lines at most every
// `every` seconds otherwise, nothing with quiet. Lines logged through it do not tangle
// with the spinner. Everything goes to stderr.

import ora, { type Ora } from 'ora';
import type { Context } from './context.js';

export interface Progress {
  update(text: string): void;
  log(line: string): void;
  stop(): void;
}

export function makeProgress(ctx: Context, quiet = false, every = 10): Progress {
  if (quiet) return { update() {}, log() {}, stop() {} };
  // A pseudo-terminal without a size (columns 0) confuses spinners: use plain lines there.
  if (ctx.tty && (process.stderr.columns ?? 0) > 0) {
    const spinner: Ora = ora({ stream: process.stderr, discardStdin: false, color: 'cyan', isEnabled: true }).start();
    return {
      update: (text) => {
        spinner.text = text;
        spinner.render();
      },
      log: (line) => {
        spinner.clear();
        ctx.say(line);
        spinner.render();
      },
      stop: () => spinner.stop(),
    };
  }
  let last = Date.now();
  return {
    update: (text) => {
      const now = Date.now();
      if (now - last >= every * 1000) {
        last = now;
        ctx.say(text);
      }
    },
    log: (line) => ctx.say(line),
    stop() {},
  };
}
