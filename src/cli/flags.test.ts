// Every numeric flag of every command rejects bad values with a message naming the flag
// and the accepted range (in-process through the real yargs parser).
import { describe, expect, it } from 'vitest';
import { RnnlmError } from '../common/errors.js';
import { buildCli } from './cli.js';

async function rejection(args: string[]): Promise<RnnlmError> {
  try {
    await buildCli(args).parseAsync();
  } catch (e) {
    expect(e).toBeInstanceOf(RnnlmError);
    return e as RnnlmError;
  }
  throw new Error(`accepted: ${args.join(' ')}`);
}

const base: Record<string, string[]> = {
  train: ['train', '/nonexistent/corpus.txt'],
  sample: ['sample', '--model', '/nonexistent/model'],
  eval: ['eval', '/nonexistent/file.txt', '--model', '/nonexistent/model'],
};

// [command, flag, zero allowed]
const FLAGS: Array<[string, string, boolean]> = [
  ['train', 'layers', false],
  ['train', 'hidden', false],
  ['train', 'dropout', true],
  ['train', 'min-count', false],
  ['train', 'val-fraction', true],
  ['train', 'seq-len', false],
  ['train', 'batch-size', false],
  ['train', 'lr', false],
  ['train', 'warmup', true],
  ['train', 'lr-decay', false],
  ['train', 'clip', true],
  ['train', 'epochs', false],
  ['train', 'eval-every', true],
  ['train', 'patience', true],
  ['train', 'seed', true],
  ['train', 'steps', false],
  ['train', 'workers', false],
  ['sample', 'temp', true],
  ['sample', 'top-k', false],
  ['sample', 'top-p', false],
  ['sample', 'length', false],
  ['sample', 'count', false],
  ['sample', 'seed', true],
  ['eval', 'workers', false],
];

describe('numeric flags', () => {
  it.each(FLAGS)('%s --%s rejects negative, NaN, Infinity and words', async (cmd, flag, zeroOk) => {
    const bad = ['-1', 'NaN', 'Infinity', '-Infinity', 'abc', '1.5x', ...(zeroOk ? [] : ['0'])];
    for (const v of bad) {
      const e = await rejection([...base[cmd]!, `--${flag}=${v}`]);
      expect(e.exitCode).toBe(2);
      expect(e.message).toContain(`--${flag} must be `);
      expect(e.message).toMatch(/(a number|an integer)( [≥>≤<] [\d.e+-]+( and [≥>≤<] [\d.e+-]+)?)?/);
      expect(e.message).toContain(JSON.stringify(v));
    }
    // the spaced form too (a negative number is a value, not a flag)
    expect((await rejection([...base[cmd]!, `--${flag}`, '-1'])).message).toContain(`--${flag} must be `);
  });

  it('integers reject fractions; ranges have upper bounds where they matter', async () => {
    expect((await rejection([...base.train!, '--layers', '1.5'])).message).toMatch(/--layers must be auto or an integer ≥ 1 and ≤ 16 \(got "1\.5"\)/);
    expect((await rejection([...base.train!, '--dropout', '1'])).message).toMatch(/--dropout must be auto or a number ≥ 0 and < 1/);
    expect((await rejection([...base.train!, '--hidden', 'automatic'])).message).toMatch(/--hidden must be auto or an integer/);
    expect((await rejection([...base.sample!, '--top-p', '1.5'])).message).toMatch(/--top-p must be a number > 0 and ≤ 1/);
  });

  it('--time takes durations only', async () => {
    for (const v of ['0', '-5m', 'soon', '10x']) {
      expect((await rejection([...base.train!, `--time=${v}`])).message).toMatch(/--time must be a positive duration such as 90s, 10m, 2h or 1h30m/);
    }
  });

  it('unknown flags and commands are rejected with a suggestion', async () => {
    expect((await rejection(['sample', '--temperatur', '1'])).message).toMatch(/Unknown argument/);
    expect((await rejection(['trian', 'x.txt'])).message).toMatch(/Unknown command "trian"\. Did you mean train\?/);
    expect((await rejection(['train', 'a.txt', '--cell', 'transformer'])).message).toMatch(/Invalid values:[\s\S]*cell[\s\S]*"lstm", "gru", "rnn"/);
  });
});
