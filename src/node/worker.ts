// A data-parallel training worker (a worker thread with its own TF.js backend): receives
// the weights and a slice of the batch's rows, returns that slice's loss, gradients and
// carried state. See parallel.ts.

import { parentPort } from 'node:worker_threads';
import { initBackend, type BackendName } from './backend.js';
import type { Window } from '../text/corpus.js';
import type { ModelConfig } from '../model/config.js';
import { runWindow, type RunOptions, type State } from '../model/lm.js';
import { Params } from '../model/params.js';

export type WorkerRequest =
  { kind: 'init'; backend: BackendName } | { kind: 'run'; config: ModelConfig; params: Float32Array; win: Window; state: State; opts: RunOptions };

const port = parentPort!;
port.on('message', async (m: WorkerRequest) => {
  try {
    if (m.kind === 'init') {
      port.postMessage({ ok: true, backend: await initBackend(m.backend) });
      return;
    }
    const r = await runWindow(new Params(m.config, m.params), m.win, m.state, m.opts);
    const transfer = [r.grads?.buffer, r.logProbs?.buffer, ...r.state.flat().map((s) => s.buffer)].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
    port.postMessage({ ok: true, result: r }, transfer);
  } catch (e) {
    port.postMessage({ ok: false, error: (e as Error).message });
  }
});
