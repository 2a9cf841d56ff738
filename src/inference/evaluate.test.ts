// Validation during training (evaluate.ts, validationRows): rows long enough that the network
// is not read cold every few dozen characters, and the trainer's validation is that reading.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node/backend.js';
import { loadCheckpoint } from '../node/checkpoint-files.js';
import { buildCorpus, rowBounds } from '../text/corpus.js';
import { EVAL_BATCH, streamLoss, validationRows, VAL_ROW_TOKENS } from './evaluate.js';
import { syllableText, tempDir, tinyRequest, trainRecording, writeCorpus } from '../testing/fixtures.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('validationRows', () => {
  it.each([
    [100, 1],
    [1_023, 1],
    [16_706, 32],
    [10_000_000, EVAL_BATCH],
  ])('%i tokens: %i rows', (n, rows) => {
    expect(validationRows(n)).toBe(rows);
  });

  it('every row of a validation stream but the last is at least VAL_ROW_TOKENS long (one long document)', () => {
    for (const n of [600, 5_000, 16_706, 131_100, 200_000]) {
      const stream = new Int32Array(n + 1).fill(3);
      stream[0] = 0;
      const rows = rowBounds(stream, validationRows(n + 1));
      expect(rows.length).toBe(validationRows(n + 1));
      for (const [s, e] of rows.slice(0, -1)) expect(e - s).toBeGreaterThanOrEqual(VAL_ROW_TOKENS);
    }
  });
});

describe('validation during training', () => {
  it('is the batched reading in rows of validationRows, not EVAL_BATCH rows of a few dozen tokens', async () => {
    const dir = tempDir();
    const text = syllableText(3_000, 7).replace(/\n/g, ' ') + '\n'; // one document of ~22K characters
    const corpus = writeCorpus(dir, text, 'doc.txt');
    const out = join(dir, 'doc');
    await trainRecording(tinyRequest(corpus, out, { segmentation: 'document', maxSteps: 6 }, { evalEvery: 6, epochs: null }));
    const ck = loadCheckpoint(out);
    const t = ck.meta.training;
    const c = buildCorpus(readFileSync(corpus, 'utf8'), corpus, {
      segmentation: 'document',
      minCount: t.minCount,
      valFraction: t.valFraction,
      split: t.split,
      seed: t.seed,
    });
    const n = c.val!.length;
    expect(validationRows(n)).toBeGreaterThan(1);
    expect(validationRows(n)).toBeLessThan(EVAL_BATCH);
    const rows = await streamLoss(ck.params, c.val!, { batch: validationRows(n) });
    const cold = await streamLoss(ck.params, c.val!); // EVAL_BATCH rows
    expect(ck.meta.progress.bestStep).toBe(6);
    expect(ck.meta.progress.bestVal).toBeCloseTo(rows.nats / rows.tokens, 10);
    expect(Math.abs(ck.meta.progress.bestVal! - cold.nats / cold.tokens)).toBeGreaterThan(1e-6);
  });
});
