// Kill `rnnlm train` at 20 seeded random moments (SIGKILL, often mid-save with a save every
// step; most of them once it trains, so that start-up on a loaded machine does not take
// them): after each, the checkpoint loads, sample and score work, and --resume continues from
// the last completed save. Then SIGINT and SIGTERM: a clean save and a resume hint.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node/backend.js';
import { loadCheckpoint, loadResume } from '../node/checkpoint-files.js';
import { Rng } from '../common/rng.js';
import { syllableText, tempDir, writeCorpus, BIN } from '../testing/fixtures.js';

const COMMON = ['--backend', 'wasm', '--workers', '1', '--quiet'];

function start(args: string[], cwd: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const done = new Promise<{ code: number | null; signal: string | null; out: string; err: string }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal, out, err })),
  );
  return { child, done };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Until the run writes a save (a new temporary file in the checkpoint folder), or ends, or 20 s pass. */
async function firstSave(done: Promise<unknown>, before: Set<string>): Promise<void> {
  let ended = false;
  void done.then(() => (ended = true));
  for (const t0 = Date.now(); !ended && Date.now() - t0 < 20_000; await sleep(10)) {
    if (readdirSync(ck).some((f) => f.includes('.tmp-') && !before.has(f))) return;
  }
}

let dir: string;
let ck: string;

beforeAll(async () => {
  await initBackend('wasm');
  dir = tempDir('rnnlm-kill-');
  writeCorpus(dir, syllableText(400), 'words.txt');
  ck = join(dir, 'checkpoints', 'words');
  const first = await start(
    ['train', 'words.txt', '--hidden', '32', '--batch-size', '4', '--seq-len', '16', '--eval-every', '1', '--steps', '3', ...COMMON],
    dir,
  ).done;
  expect(first.code, first.err).toBe(0);
});

/**
 * The step a resume starts from (resume.bin, written last in a save). rnnlm.json, written
 * first, may be one save ahead when the kill fell between the two.
 */
function savedStep(): number {
  const { meta } = loadCheckpoint(ck);
  const r = loadResume(ck, meta.model);
  expect(meta.progress.step - r.progress.step).toBeGreaterThanOrEqual(0);
  expect(meta.progress.step - r.progress.step).toBeLessThanOrEqual(1);
  return r.progress.step;
}

describe('killed at any moment', () => {
  it('SIGKILL ×20: loads, samples, scores, and resumes from the last completed save', async () => {
    const rng = new Rng(2026);
    let last = savedStep();
    let advanced = 0;
    let midWrite = 0; // kills that left a temporary file behind: they hit a save
    for (let i = 0; i < 20; i++) {
      // Each file of a save stays half-done (written, not yet renamed) for 60 ms, so about
      // half of the kills land in the middle of a save.
      const before = new Set(readdirSync(ck));
      const run = start(['train', 'words.txt', '--resume', '--epochs', '1000000', '--patience', '0', '--eval-every', '1', ...COMMON], dir, {
        RNNLM_TEST_WRITE_DELAY_MS: '60',
      });
      // Most kills at a random moment once it trains (its first save), the rest any time from
      // the start: on a loaded machine start-up alone can take seconds.
      if (i % 4 !== 0) await firstSave(run.done, before);
      await sleep(rng.next() * (i % 4 === 0 ? 3000 : 1500));
      run.child.kill('SIGKILL');
      const r = await run.done;
      expect(r.signal, r.err).toBe('SIGKILL');
      if (readdirSync(ck).some((f) => f.includes('.tmp-'))) midWrite++;
      const step = savedStep(); // every file loads and agrees
      expect(step).toBeGreaterThanOrEqual(last);
      if (step > last) advanced++;
      last = step;
      const [sample, score] = await Promise.all([
        start(['sample', '--seed', '3', '--length', '30', '--backend', 'wasm'], dir).done,
        start(['score', 'Stoubar', '--json', '--backend', 'wasm'], dir).done,
      ]);
      expect(sample.code, sample.err).toBe(0);
      expect(score.code, score.err).toBe(0);
      expect(JSON.parse(score.out).logprob).toBeLessThan(0);
    }
    expect(advanced).toBeGreaterThan(5); // many kills landed while training, not only at start-up
    expect(midWrite).toBeGreaterThan(3); // and many in the middle of writing a file
    // --resume continues from the last completed save: exactly two more steps.
    const more = await start(['train', 'words.txt', '--resume', '--steps', String(last + 2), ...COMMON], dir).done;
    expect(more.code, more.err).toBe(0);
    expect(savedStep()).toBe(last + 2);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: clean save, exit %i, and the command to resume', async (signal, code) => {
    const before = savedStep();
    const run = start(['train', 'words.txt', '--resume', '--epochs', '1000000', '--patience', '0', '--eval-every', '1000000', ...COMMON], dir);
    await sleep(2500);
    run.child.kill(signal);
    const r = await run.done;
    expect(r.code, r.err).toBe(code);
    expect(r.err).toMatch(new RegExp(`interrupted by ${signal}; progress saved`));
    expect(r.err).toContain('resume with: rnnlm train words.txt --resume');
    const after = savedStep();
    expect(after).toBeGreaterThan(before); // steps since the last evaluation were saved too
    expect(loadCheckpoint(ck).meta.progress.stopped).toBe('interrupted');
  });
});
