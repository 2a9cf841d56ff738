// The page's entry point: start a backend, load the checkpoint served beside the page (if
// any), set up the Train part and the tabs, and put a model into the four parts that use
// one (Generate, Score, Inside with its gates and gradient flow, Model): the served one, one
// opened from disk, or the one being trained here, swapped in whole when it changes.

import 'uplot/dist/uPlot.min.css';
import './style.css';
import { byId } from './dom.js';
import { setupGenerate } from './generate.js';
import { setupFlow } from './flow.js';
import { setupGates } from './gates.js';
import { setupInside } from './inside.js';
import { loadServed, startBackend, type PageModel } from './load.js';
import { setupModel } from './modelpart.js';
import { setupScore } from './score.js';
import { setupTrain } from './train-part.js';

function setupTabs(): (id: string) => void {
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
  const fromHash = () => tabs.find((t) => `#${t.getAttribute('aria-controls')}` === location.hash);
  const at = fromHash();
  if (at) select(at);
  window.addEventListener('hashchange', () => {
    const t = fromHash();
    if (t) select(t);
  });
  return (id) => {
    const t = tabs.find((x) => x.getAttribute('aria-controls') === id);
    if (t && !location.hash) select(t);
  };
}

/** The parts that use a model, set up again (their listeners dropped) each time the model changes. */
class ModelParts {
  private current: AbortController | null = null;
  model: PageModel | null = null;
  backend = '';
  backendWhy = '';

  use(m: PageModel): void {
    this.current?.abort();
    const signal = (this.current = new AbortController()).signal;
    this.model = m;
    setupModel(m, signal);
    setupGenerate(m, signal);
    const showInside = setupInside(m, signal);
    const showGates = setupGates(m, signal);
    setupFlow(m, signal);
    setupScore(
      m,
      (text) => {
        showInside(text);
        showGates(text);
      },
      signal,
    );
    this.header();
  }

  header(): void {
    const status = byId('status');
    const m = this.model;
    const where = `running in your browser on ${this.backend} (${this.backendWhy})`;
    if (!m) {
      status.textContent = `No model yet: train one in the Train part, or open a checkpoint there — ${where}`;
      document.title = 'rnnlm';
    } else {
      const c = m.meta.model;
      status.textContent = `${c.layers}-layer ${c.cell.toUpperCase()} ${c.hidden} trained on ${m.meta.corpus.path} (${m.source}), ${where}`;
      document.title = `rnnlm · ${m.meta.corpus.path}`;
    }
    status.dataset.backend = this.backend;
    document.body.dataset.model = m ? 'ready' : 'none';
  }
}

async function start(): Promise<void> {
  const status = byId('status');
  const show = setupTabs();
  const parts = new ModelParts();
  try {
    const b = await startBackend();
    parts.backend = b.name;
    parts.backendWhy = b.why;
    const m = await loadServed(b.name);
    if (m) parts.use(m);
    else show('train');
    parts.header();
    setupTrain({
      useModel: (x) => parts.use(Object.assign(x, { backend: parts.backend })),
      hasModel: () => parts.model !== null,
      backend: () => parts.backend,
    });
    status.dataset.state = 'ready';
  } catch (e) {
    const hint =
      location.protocol === 'file:'
        ? ' — this browser does not let a page opened from a file read the files beside it; serve the folder instead (python3 -m http.server, or rnnlm serve)'
        : '';
    status.textContent = `Could not load the model: ${(e as Error).message}${hint}`;
    status.dataset.state = 'error';
  }
}

void start();
