import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { flowChart, lossChart, shadeRow } from './format.js';

const history = [
  { step: 10, epoch: 0.1, train: 2.2, val: 2.3 },
  { step: 20, epoch: 0.2, train: 1.8, val: 2.0 },
  { step: 30, epoch: 0.3, train: 1.5, val: 1.9 },
  { step: 40, epoch: 0.4, train: 1.3, val: 1.95 },
];

describe('loss chart', () => {
  it('without colour, the two series are drawn differently and the legend says which is which', () => {
    const plain = lossChart(history, new Chalk({ level: 0 }))!;
    expect(plain).not.toMatch(/\x1b\[/);
    const [body, legend] = [plain.split('\n').slice(0, -1).join('\n'), plain.split('\n').at(-1)!];
    expect(legend).toContain('── train');
    expect(legend).toContain('••• validation');
    expect(body).toMatch(/[─╭╮╰╯│]/); // the training line
    expect((body.match(/•/g) ?? []).length).toBeGreaterThanOrEqual(4); // the validation points
    // The top row holds the highest value (validation at step 10, 2.3 nats): drawn as a dot.
    expect(body.split('\n')[0]).toContain('•');
  });
  it('in colour, both series are lines in two colours', () => {
    const coloured = lossChart(history, new Chalk({ level: 1 }))!;
    expect(coloured).toMatch(/\x1b\[3[24]m/);
    expect(coloured).not.toContain('•');
  });
  it('needs two points', () => {
    expect(lossChart(history.slice(0, 1), new Chalk({ level: 0 }))).toBeNull();
  });
});

describe('shadeRow and flowChart (rnnlm inside)', () => {
  const plain = new Chalk({ level: 0 });
  it('shades by the share of the largest: blank under 1%, then ░ ▒ ▓ █ by quarters; wraps; draws <EOS> and newlines in one cell', () => {
    expect(shadeRow(['a', 'b', 'c'], [0.001, 0.5, 4], plain)).toEqual(['abc', ' ░█']);
    expect(shadeRow(['<EOS>', 'x', '\n', 'y'], [0, 1.2, 2.4, 3.6], plain)).toEqual(['⏎x↵y', ' ▒▓█']);
    expect(shadeRow(['a', 'b', 'c'], [4, 4, 4], plain, 2)).toEqual(['ab', '██', 'c', '█']);
    expect(shadeRow(['a'], [0], plain)).toEqual(['a', ' ']);
  });

  it('flowChart: log10 relative to d = 1 over the measured distances; nothing to draw without d = 1', () => {
    const chart = flowChart([5, 1, 0.1, 0.01], [3, 3, 3, 3])!;
    expect(chart).toMatch(/−2 is 1%/);
    expect(chart).toContain('d = 1…3');
    expect(chart).toMatch(/-2\.0/); // the lowest label is log10(0.01)
    expect(flowChart([5, 0, 0], [1, 1, 1])).toBeNull();
    expect(flowChart([5, 1, 0.5], [1, 1, 0])).toBeNull(); // only d = 1 measured
  });
});
