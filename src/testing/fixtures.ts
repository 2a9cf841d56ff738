// Test fixtures: small corpora generated here (no copied text) and tiny training runs in
// temporary folders, fast enough for unit tests.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrainSettings } from '../training/defaults.js';
import type { ModelRequest } from '../training/auto.js';
import { Rng } from '../common/rng.js';
import { train, type TrainEvents, type TrainRequest } from '../node/training-run.js';
import { type TrainResult } from '../training/trainer.js';

/** The built command (npm test builds first). */
export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'rnnlm.js');

/** `rnnlm ARGS`, its stdout; a failure throws with its stderr. */
export function rnnlmOut(args: string[]): string {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`rnnlm ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

export function tempDir(prefix = 'rnnlm-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Lines of pseudo-words from a little syllable grammar: learnable structure, fixed seed. */
export function syllableText(lines: number, seed = 1): string {
  const r = new Rng(seed);
  const onsets = ['b', 'd', 'k', 'm', 'st', 'tr', 'l'];
  const vowels = ['a', 'e', 'i', 'o', 'ou'];
  const codas = ['', 'n', 'r', 's'];
  const pick = (xs: string[]) => xs[Math.floor(r.next() * xs.length)]!;
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const n = 1 + Math.floor(r.next() * 3);
    let w = '';
    for (let k = 0; k < n; k++) w += pick(onsets) + pick(vowels) + pick(codas);
    out.push(w[0]!.toUpperCase() + w.slice(1));
  }
  return out.join('\n') + '\n';
}

/** Lines over {a, b} (vocabulary <EOS>, <UNK>, a, b), fixed seed; "z" then stands for any unseen character. */
export function abText(n: number): string {
  const r = new Rng(9);
  return Array.from({ length: n }, () => {
    let s = 'a';
    while (r.next() < 0.6) s += r.next() < 0.7 ? 'b' : 'a';
    return s;
  }).join('\n');
}

export function writeCorpus(dir: string, text: string, name = 'corpus.txt'): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

export const TINY_TRAINING: TrainSettings = {
  seqLen: 16,
  batchSize: 8,
  lr: 0.01,
  warmup: 2,
  lrDecay: 0.5,
  clip: 5,
  epochs: 2,
  time: null,
  evalEvery: 5,
  patience: 0,
  seed: 3,
  minCount: 1,
  valFraction: 0.1,
  split: 'tail',
  shuffle: false,
  schedule: 'plateau',
  unit: 'char',
  vocabSize: 10_000,
  lowercase: false,
  samples: 0,
  ngramInput: false,
  ngramAdapt: true,
};

export function tinyRequest(
  corpusPath: string,
  out: string,
  over: Partial<TrainRequest> = {},
  training: Partial<TrainSettings> = {},
  model: Partial<ModelRequest> = {},
): TrainRequest {
  return {
    corpusPath,
    out,
    resume: false,
    model: { cell: 'lstm', layers: 1, hidden: 12, dropout: 0, ...model },
    training: { ...TINY_TRAINING, ...training },
    segmentation: 'line',
    backend: 'test',
    version: 'test',
    ...over,
  };
}

/** Train and record each step's loss. */
export async function trainRecording(req: TrainRequest, ev: TrainEvents = {}): Promise<{ result: TrainResult; losses: number[] }> {
  const losses: number[] = [];
  const result = await train(req, {
    ...ev,
    onStep: (s) => {
      losses.push(s.loss);
      ev.onStep?.(s);
    },
  });
  return { result, losses };
}

/** n short random lines over `alphabet`, its first letters likelier (product of two uniforms): text with some counts high, some low. */
export function skewedLines(seed: number, n: number, alphabet: string): string[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    let s = '';
    for (let k = 1 + Math.floor(rng.next() * 10); k > 0; k--) s += alphabet[Math.floor(rng.next() * rng.next() * alphabet.length)];
    return s;
  });
}
