// The page's entry point: start a backend, load the checkpoint, set up the four parts
// (Generate, Score, Inside with its gates and gradient flow, Model) on the one loaded model, and the tabs between them.

import 'uplot/dist/uPlot.min.css';
import './style.css';
import { byId } from './dom.js';
import { setupGenerate } from './generate.js';
import { setupFlow } from './flow.js';
import { setupGates } from './gates.js';
import { setupInside } from './inside.js';
import { loadModel, startBackend } from './load.js';
import { setupModel } from './modelpart.js';
import { setupScore } from './score.js';

function setupTabs(): void {
  const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
  const select = (t: HTMLButtonElement) => {
    for (const x of tabs) {
      const on = x === t;
      x.setAttribute('aria-selected', String(on));
      x.tabIndex = on ? 0 : -1;
      byId(x.getAttribute('aria-controls')!).hidden = !on;
    }
    history.replaceState(null, '', `#${t.getAttribute('aria-controls')}`);
  };
  tabs.forEach((t, i) => {
    t.addEventListener('click', () => select(t));
    t.addEventListener('keydown', (e) => {
      const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (!d) return;
      const next = tabs[(i + d + tabs.length) % tabs.length]!;
      select(next);
      next.focus();
    });
  });
  const fromHash = tabs.find((t) => `#${t.getAttribute('aria-controls')}` === location.hash);
  if (fromHash) select(fromHash);
}

async function start(): Promise<void> {
  const status = byId('status');
  setupTabs();
  try {
    const backend = await startBackend();
    const m = await loadModel(backend);
    const c = m.meta.model;
    document.title = `rnnlm · ${m.meta.corpus.path}`;
    status.textContent = `${c.layers}-layer ${c.cell.toUpperCase()} ${c.hidden} trained on ${m.meta.corpus.path}, running in your browser (${backend})`;
    setupModel(m);
    setupGenerate(m);
    const showInside = setupInside(m);
    const showGates = setupGates(m);
    setupFlow(m);
    setupScore(m, (text) => {
      showInside(text);
      showGates(text);
    });
    status.dataset.state = 'ready';
  } catch (e) {
    const hint = location.protocol === 'file:' ? ' — this browser does not let a page opened from a file read the files beside it; serve the folder instead (python3 -m http.server, or rnnlm serve)' : '';
    status.textContent = `Could not load the model: ${(e as Error).message}${hint}`;
    status.dataset.state = 'error';
  }
}

void start();
