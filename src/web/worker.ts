// The page's trainer thread (a module Web Worker, bundled as trainer.js): it starts its own
// TF.js backend and runs the training (memory-run.ts, the CLI's core Trainer) so that the page stays
// responsive while it trains, and posts what happens back (protocol.ts): the auto choices,
// each step and evaluation, each save's checkpoint files, the end.

import { decodeCheckpoint, FILES, memorySource } from '../checkpoint/codec.js';
import type { StartFrom } from '../training/resolve.js';
import { hash, startBackend } from './load.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { MemoryStore, trainNew, trainOn, type RunContext } from '../training/memory-run.js';

declare const RNNLM_VERSION: string;

const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);
let running: AbortController | null = null;

async function backend(wanted: string): Promise<string> {
  try {
    const b = await startBackend(wanted || null);
    post({ kind: 'backend', name: b.name, why: b.why });
    return b.name;
  } catch {
    const b = await startBackend(null); // the one asked for did not start here: the best that does
    post({ kind: 'backend', name: b.name, why: `${wanted} did not start in the trainer thread; ${b.why}` });
    return b.name;
  }
}

async function run(m: Exclude<ToWorker, { kind: 'stop' }>): Promise<void> {
  running = new AbortController();
  try {
    const name = await backend(m.backend);
    const store = new MemoryStore(
      m.name,
      hash,
      m.kind === 'resume' ? m.files : [],
      async () => {},
      (s, weights) => post({ kind: 'saved', files: [...s.files].map(([n, b]) => [n, b.slice()]), weights }),
    );
    const ctx: RunContext = {
      store,
      events: {
        onStart: (info) => post({ kind: 'start', info }),
        onNGram: (n) => post({ kind: 'ngram', ...n }),
        onStep: (info) => post({ kind: 'step', info }),
        onEval: (info) => post({ kind: 'eval', info }),
      },
      signal: running.signal,
      backend: name,
      version: RNNLM_VERSION,
    };
    const r =
      m.kind === 'new'
        ? await trainNew(m.name, m.text, m.settings, ctx, m.from ? startFrom(m.from.name, m.from.files) : undefined)
        : await trainOn(m.name, m.text, { maxSteps: m.maxSteps, time: m.time }, ctx);
    if (!store.files.has(FILES.resume)) throw new Error('the run ended without saving');
    post({ kind: 'done', stopped: r.stopped, step: r.meta.progress.step, seconds: r.seconds, charsPerSec: r.charsPerSec, bestVal: r.meta.progress.bestVal });
  } catch (e) {
    post({ kind: 'error', message: (e as Error).message });
  } finally {
    running = null;
  }
}

/** The model a run starts from, from its checkpoint's files (checked as any opened checkpoint). */
function startFrom(name: string, files: Array<[string, Uint8Array]>): StartFrom {
  const { meta, vocab, params } = decodeCheckpoint(memorySource(name, new Map(files)), hash);
  return { name, meta, vocab, params };
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.kind === 'stop') running?.abort();
  else if (running) post({ kind: 'error', message: 'a run is already going on' });
  else void run(m);
};
