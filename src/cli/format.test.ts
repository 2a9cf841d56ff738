import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { lossChart } from './format.js';

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
