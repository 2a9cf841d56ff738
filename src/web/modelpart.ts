// The Model part: what `rnnlm info` says about the checkpoint (the same lines), and the
// training and validation loss by step as a chart (uPlot), with the n-gram baseline as a
// flat line and the mixture's validation loss, when the checkpoint has them.

import uPlot from 'uplot';
import { checkpointLines } from '../display/lines.js';
import { LN2 } from '../inference/sentence.js';
import { byId, el } from './dom.js';
import type { PageModel } from './load.js';

export function setupModel(m: PageModel, signal: AbortSignal): void {
  const lines = byId('model-lines');
  lines.replaceChildren();
  for (const [k, v] of [...checkpointLines(m.meta, m.vocab), ['in this page', `TF.js ${m.backend} backend, in your browser`] as [string, string]]) {
    lines.append(el('dt', k), el('dd', v));
  }
  const h = m.meta.history;
  const chart = byId('model-chart');
  const note = byId('model-chart-note');
  chart.replaceChildren();
  if (h.length < 2) {
    note.textContent = 'Fewer than two evaluations were recorded: nothing to draw yet.';
    return;
  }
  const ngram = m.meta.ngram?.val ?? null;
  const extra = ngram === null ? [] : [h.map(() => ngram / LN2), h.map((p) => (p.mix === undefined ? null : p.mix / LN2))];
  const data: uPlot.AlignedData = [h.map((p) => p.step), h.map((p) => p.train / LN2), h.map((p) => (p.val === undefined ? null : p.val / LN2)), ...extra];
  const width = () => Math.max(260, Math.min(900, chart.clientWidth || 600));
  const plot = new uPlot(
    {
      width: width(),
      height: 280,
      scales: { x: { time: false } },
      axes: [{ label: 'step' }, { label: 'bits/char' }],
      series: [
        { label: 'step' },
        { label: 'train', stroke: '#1f77b4', width: 2 },
        { label: 'validation', stroke: '#d62728', width: 2, dash: [6, 3] },
        ...(ngram === null
          ? []
          : [
              { label: `${m.meta.ngram!.order}-gram`, stroke: '#8c6d00', width: 1.5, dash: [2, 3] },
              { label: 'mixture (validation)', stroke: '#2ca02c', width: 2 },
            ]),
      ],
    },
    data,
    chart,
  );
  const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: 280 }));
  resize.observe(chart);
  signal.addEventListener('abort', () => {
    resize.disconnect();
    plot.destroy();
  });
  note.textContent = `${h.length} evaluations; the best validation loss chose the saved model.`;
}
