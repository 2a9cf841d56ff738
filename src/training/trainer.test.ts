import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node/backend.js';
import type { Meta, ResumeState } from '../checkpoint/types.js';
import { buildCorpus } from '../text/corpus.js';
import { sha256 } from '../node/files.js';
import { syllableText, tempDir, tinyRequest, trainRecording, writeCorpus } from '../testing/fixtures.js';
import { startingPoint, Trainer, type TrainerStore } from './trainer.js';

// The core Trainer without the CLI around it: it imports nothing from Node (so a page can run
// it), and driven in memory it takes exactly the steps `rnnlm train` takes, stopped and
// resumed included.

beforeAll(async () => {
  await initBackend('wasm');
});

/** A store that keeps the last checkpoint and resume state in memory. */
function memoryStore(): TrainerStore & { meta: Meta | null; resume: ResumeState | null; saves: number } {
  const s = {
    meta: null as Meta | null,
    resume: null as ResumeState | null,
    saves: 0,
    saveCheckpoint: async (meta: Meta) => {
      s.meta = meta;
      s.saves++;
    },
    saveResume: (r: ResumeState) => {
      s.resume = r;
    },
  };
  return s;
}

describe('Trainer in memory', () => {
  const dir = tempDir('rnnlm-trainer-');
  const text = syllableText(300);
  const path = writeCorpus(dir, text);

  let runs = 0;
  /** The run `rnnlm train` made, as a fresh start for the Trainer: same corpus, model and settings. */
  async function reference(steps: number) {
    const { result, losses } = await trainRecording(tinyRequest(path, join(dir, `ref${runs++}`), { maxSteps: steps, ngram: false }, { evalEvery: 4 }));
    const m = result.meta;
    const t = m.training;
    const corpus = buildCorpus(text, path, { segmentation: m.segmentation, minCount: t.minCount, valFraction: t.valFraction, split: t.split, seed: t.seed });
    const req = { corpusPath: path, text, corpusInfo: { ...m.corpus, sha256: sha256(text) }, dir: 'memory', version: 'test', backend: 'test' };
    return {
      losses,
      meta: m,
      corpus,
      req,
      fresh: { kind: 'fresh' as const, corpus, segmentation: m.segmentation, model: m.model, training: { ...t }, choices: [] },
    };
  }

  async function runTrainer(init: ReturnType<typeof startingPoint>, store: TrainerStore, maxSteps: number): Promise<number[]> {
    const losses: number[] = [];
    const tr = new Trainer(init, store, { onStep: (s) => losses.push(s.loss) }, { maxSteps, backend: 'test' });
    tr.useNGram(null);
    const r = await tr.run();
    expect(r.stopped).toBe('steps');
    return losses;
  }

  it('takes the same steps as rnnlm train on the same text and seed', async () => {
    const ref = await reference(12);
    const store = memoryStore();
    const losses = await runTrainer(startingPoint(ref.req, ref.fresh), store, 12);
    expect(losses).toHaveLength(12);
    expect(losses).toEqual(ref.losses);
    expect(store.saves).toBe(4); // evaluations at 4, 8 and 12 saved, and the stop
    expect(store.meta!.history.map((h) => h.step)).toEqual([4, 8, 12]);
    expect(store.meta!.history.map((h) => h.val)).toEqual(ref.meta.history.map((h) => h.val));
  });

  it('stopped after 6 steps and resumed from its saved state, it continues the 12-step run exactly', async () => {
    const ref = await reference(12);
    const store = memoryStore();
    const first = await runTrainer(startingPoint(ref.req, ref.fresh), store, 6);
    expect(store.resume!.progress.step).toBe(6);
    const init = startingPoint(ref.req, { kind: 'resumed', meta: store.meta!, vocab: ref.corpus.vocab, resume: store.resume! });
    expect(init.resumedAt).toBe(6);
    const rest = await runTrainer(init, store, 12);
    expect([...first, ...rest]).toEqual(ref.losses);
  });

  it('resuming on another text is refused', async () => {
    const ref = await reference(2);
    const store = memoryStore();
    await runTrainer(startingPoint(ref.req, ref.fresh), store, 2);
    const other = { ...ref.req, corpusInfo: { ...ref.req.corpusInfo, sha256: 'different' } };
    expect(() => startingPoint(other, { kind: 'resumed', meta: store.meta!, vocab: ref.corpus.vocab, resume: store.resume! })).toThrow(
      /differs from the corpus this checkpoint was trained on/,
    );
  });
});
