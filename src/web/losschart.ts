// The Train part's loss chart (uPlot): the training loss at each step, and the validation
// loss and the n-gram's at each evaluation, in bits/char, redrawn a few times a second.

import uPlot from 'uplot';
import { LN2 } from '../inference/sentence.js';

/** The chart of the run: training loss at each step, validation and the n-gram at each evaluation (bits/char). */
export class LossChart {
  private plot: uPlot | null = null;
  private readonly steps: number[] = [];
  private readonly train: number[] = [];
  private readonly val: Array<number | null> = [];
  private ngram: number | null = null;
  private drawn = 0;

  constructor(private readonly box: HTMLElement) {}

  reset(history: Array<{ step: number; train: number; val?: number }> = []): void {
    this.plot?.destroy();
    this.plot = null;
    this.box.replaceChildren();
    this.steps.length = this.train.length = this.val.length = 0;
    for (const h of history) this.add(h.step, h.train, h.val ?? null);
    this.draw(true);
  }

  setNGram(nats: number | null): void {
    this.ngram = nats;
  }

  add(step: number, train: number, val: number | null): void {
    const last = this.steps.length - 1;
    if (last >= 0 && this.steps[last] === step) {
      if (val !== null) this.val[last] = val / LN2;
      return;
    }
    this.steps.push(step);
    this.train.push(train / LN2);
    this.val.push(val === null ? null : val / LN2);
  }

  /** Redraw (at most a few times a second unless `now`). */
  draw(now = false): void {
    if (!now && performance.now() - this.drawn < 250) return;
    this.drawn = performance.now();
    if (this.steps.length < 2) return;
    const ng = this.ngram;
    const data: uPlot.AlignedData = [this.steps, this.train, this.val, this.steps.map(() => (ng === null ? null : ng / LN2))];
    if (this.plot) {
      this.plot.setData(data);
      return;
    }
    const width = Math.max(260, Math.min(900, this.box.clientWidth || 600));
    this.plot = new uPlot(
      {
        width,
        height: 260,
        scales: { x: { time: false } },
        axes: [{ label: 'step' }, { label: 'bits/char' }],
        series: [
          { label: 'step' },
          { label: 'train (this step)', stroke: '#1f77b4', width: 1 },
          { label: 'validation', stroke: '#d62728', width: 2, spanGaps: true, points: { show: true } },
          { label: 'n-gram (validation)', stroke: '#8c6d00', width: 1.5, dash: [2, 3] },
        ],
      },
      data,
      this.box,
    );
  }
}
