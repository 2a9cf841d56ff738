// Data-parallel training on worker threads: the rows of a window are split into one slice
// per worker (the first slice runs on the calling thread), each computes the gradient of
// its rows' loss (scaled by 1/B of the whole batch), and the gradients are summed — the
// same gradient as one thread computing the whole batch, up to float summation order.
// Dropout masks are seeded per row, so they do not depend on the split either.

import { Worker } from 'node:worker_threads';
import { RnnlmError } from '../common/errors.js';
import type { BackendName } from './backend.js';
import type { Window } from '../text/corpus.js';
import { runWindow, type RunOptions, type RunResult, type State } from '../model/lm.js';
import type { Params } from '../model/params.js';
import type { WorkerRequest } from './worker.js';

/** Resolves from src/model (tests) and dist/model (built) alike to the built worker. */
const WORKER_URL = new URL('../../dist/node/worker.js', import.meta.url);

interface Reply {
  ok: boolean;
  error?: string;
  result?: RunResult;
}

class Helper {
  private pending: ((r: Reply) => void) | null = null;
  constructor(readonly worker: Worker) {
    worker.on('message', (r: Reply) => this.settle(r));
    worker.on('error', (e) => this.settle({ ok: false, error: e.message }));
    worker.unref(); // an idle helper never keeps the process alive
  }
  private settle(r: Reply): void {
    const p = this.pending;
    this.pending = null;
    this.worker.unref();
    p?.(r);
  }
  call(req: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<Reply> {
    return new Promise((resolve) => {
      this.pending = resolve;
      this.worker.ref(); // a pending reply does
      this.worker.postMessage(req, transfer);
    });
  }
}

/** Rows [start, end) of a window. */
export function sliceWindow(win: Window, start: number, end: number): Window {
  const T = win.time;
  return {
    batch: end - start,
    time: T,
    inputs: win.inputs.slice(start * T, end * T),
    targets: win.targets.slice(start * T, end * T),
    weights: win.weights.slice(start * T, end * T),
    ...(win.positions ? { positions: win.positions.slice(start * T, end * T) } : {}),
    ...(win.prior ? { prior: win.prior.slice((start * T * win.prior.length) / (win.batch * T), (end * T * win.prior.length) / (win.batch * T)) } : {}),
  };
}

function sliceState(state: State, start: number, end: number, H: number): State {
  return state.map((layer) => layer.map((s) => s.slice(start * H, end * H)));
}

/** Split B rows into n nearly equal contiguous slices. */
export function splitRows(B: number, n: number): Array<[number, number]> {
  const k = Math.min(n, B);
  return Array.from({ length: k }, (_, i) => [Math.floor((i * B) / k), Math.floor(((i + 1) * B) / k)]);
}

export class DataParallel {
  private constructor(private readonly helpers: Helper[]) {}

  /** Start `workers − 1` helper threads (the caller's thread is the first worker). */
  static async create(workers: number, backend: BackendName): Promise<DataParallel> {
    const helpers: Helper[] = [];
    for (let i = 1; i < workers; i++) {
      const h = new Helper(new Worker(WORKER_URL));
      const r = await h.call({ kind: 'init', backend });
      if (!r.ok) {
        await Promise.all(helpers.map((x) => x.worker.terminate()));
        await h.worker.terminate();
        throw new RnnlmError(`could not start a training worker: ${r.error}`);
      }
      helpers.push(h);
    }
    return new DataParallel(helpers);
  }

  get workers(): number {
    return this.helpers.length + 1;
  }

  /** runWindow over the whole window, rows split across the workers. */
  async run(params: Params, win: Window, state: State, opts: RunOptions): Promise<RunResult> {
    const H = params.config.hidden;
    const slices = splitRows(win.batch, this.workers);
    if (slices.length === 1) return runWindow(params, win, state, opts);
    const replies = slices.slice(1).map(([s, e], i) =>
      this.helpers[i]!.call({
        kind: 'run',
        config: params.config,
        params: params.data,
        win: sliceWindow(win, s, e),
        state: sliceState(state, s, e, H),
        opts: { ...opts, rowOffset: (opts.rowOffset ?? 0) + s },
      }),
    );
    const [s0, e0] = slices[0]!;
    const mine = await runWindow(params, sliceWindow(win, s0, e0), sliceState(state, s0, e0, H), { ...opts, rowOffset: (opts.rowOffset ?? 0) + s0 });
    const parts = [mine];
    for (const r of await Promise.all(replies)) {
      if (!r.ok || !r.result) throw new RnnlmError(`training worker failed: ${r.error ?? 'no result'}`);
      parts.push(r.result);
    }
    return merge(parts, state, H);
  }

  async close(): Promise<void> {
    await Promise.all(this.helpers.map((h) => h.worker.terminate()));
  }
}

/** Sum losses and gradients; concatenate the carried state rows in slice order. */
function merge(parts: RunResult[], like: State, H: number): RunResult {
  const out: RunResult = { loss: 0, count: 0, state: like.map((layer) => layer.map((s) => new Float32Array(s.length))) };
  let row = 0;
  for (const p of parts) {
    out.loss += p.loss;
    out.count += p.count;
    if (p.grads) {
      if (!out.grads) out.grads = new Float32Array(p.grads.length);
      const g = out.grads;
      for (let i = 0; i < g.length; i++) g[i]! += p.grads[i]!;
    }
    const rows = p.state[0]![0]!.length / H;
    if (p.logProbs) {
      if (!out.logProbs) out.logProbs = new Float64Array(0);
      const joined = new Float64Array(out.logProbs.length + p.logProbs.length);
      joined.set(out.logProbs);
      joined.set(p.logProbs, out.logProbs.length);
      out.logProbs = joined; // [batch, time] row-major: slices concatenate by rows
    }
    p.state.forEach((layer, l) => layer.forEach((s, k) => out.state[l]![k]!.set(s, row * H)));
    row += rows;
  }
  return out;
}
