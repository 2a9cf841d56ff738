// The Inside part's gradient flow: influence averaged by distance over a text the user
// pastes, as `rnnlm inside --flow` measures it (the same flowSteps, the model's own
// segmentation), drawn on a log scale with uPlot, with the distance where it falls to 1%.
// It runs one prediction at a time between frames, so the page stays responsive.

import uPlot from 'uplot';
import { flowSteps, type Flow } from '../inference/inside.js';
import { segment, streamOf } from '../text/tokenizer.js';
import { byId, numberIn } from './dom.js';
import type { PageModel } from './load.js';

export function setupFlow(m: PageModel, signal: AbortSignal): void {
  const input = byId<HTMLTextAreaElement>('flow-text');
  const positions = byId<HTMLInputElement>('flow-positions');
  const distance = byId<HTMLInputElement>('flow-distance');
  const run = byId<HTMLButtonElement>('flow-run');
  const info = byId('flow-info');
  const chart = byId('flow-chart');
  let plot: uPlot | null = null;
  chart.replaceChildren();
  info.textContent = '';
  signal.addEventListener('abort', () => plot?.destroy());
  let running = false;

  const draw = (f: Flow) => {
    const ds: number[] = [];
    const ys: number[] = [];
    f.mean.forEach((v, d) => {
      if (d >= 1 && f.count[d]! > 0 && v > 0) {
        ds.push(d);
        ys.push(v);
      }
    });
    plot?.destroy();
    const width = Math.max(260, Math.min(900, chart.clientWidth || 600));
    plot = new uPlot(
      {
        width,
        height: 260,
        scales: { x: { time: false }, y: { distr: 3 } },
        axes: [{ label: 'distance d (characters back)' }, { label: 'mean influence' }],
        series: [{ label: 'd' }, { label: 'mean ‖∂ ln P / ∂ x⟨N−d⟩‖', stroke: '#d62728', width: 2 }],
      },
      [ds, ys],
      chart,
    );
  };

  run.addEventListener(
    'click',
    async () => {
      if (signal.aborted) return;
      if (running) return;
      const { ids } = streamOf(m.vocab, segment(m.vocab.normalized(input.value), m.meta.segmentation));
      if (ids.length < 2) {
        info.textContent = 'Paste some text first: the measure follows predictions made on it.';
        return;
      }
      running = true;
      run.disabled = true;
      chart.dataset.state = 'running';
      try {
        const steps = flowSteps(m.params, ids, {
          positions: Math.max(1, Math.floor(numberIn(positions) ?? 30)),
          maxDistance: Math.max(1, Math.floor(numberIn(distance) ?? 100)),
          onProgress: (d, t) => (info.textContent = `Following gradients back: ${d} of ${t} predictions…`),
        });
        let r = steps.next();
        while (!r.done) {
          await new Promise((ok) => setTimeout(ok, 0));
          r = steps.next();
        }
        const f = r.value;
        draw(f);
        chart.dataset.mean = JSON.stringify(f.mean);
        chart.dataset.state = 'done';
        info.textContent = `${f.positions} predictions. ${f.onePercent === null ? `Influence stays above 1% of its value at d = 1 up to d = ${f.mean.length - 1}.` : `Influence falls to 1% of its value at d = 1 by d = ${f.onePercent}.`}`;
      } catch (e) {
        info.textContent = `Could not measure: ${(e as Error).message}`;
        chart.dataset.state = 'error';
      } finally {
        running = false;
        run.disabled = false;
      }
    },
    { signal },
  );
}
