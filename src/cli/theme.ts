// Colours and symbols for terminal output. Colour is off when stderr/stdout is not a TTY,
// when NO_COLOR is set (chalk does not check it itself), or with --no-color.

import chalk, { Chalk, type ChalkInstance } from 'chalk';

export interface Theme {
  c: ChalkInstance;
  tty: boolean;
}

export function makeTheme(colorFlag: boolean | undefined, stream: NodeJS.WriteStream = process.stderr): Theme {
  const tty = Boolean(stream.isTTY);
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  const on = colorFlag === true ? true : colorFlag === false ? false : tty && !noColor;
  return { c: new Chalk({ level: on ? (Math.max(1, chalk.level) as 1 | 2 | 3) : 0 }), tty };
}

export const sym = { ok: '✓', err: '✗', warn: '!', arrow: '→' };
