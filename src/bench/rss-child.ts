// Child process of the benchmark: trains a few steps on a corpus and prints its own peak
// resident memory, so the figure covers reading, encoding and training, nothing else.

import { initBackend, type BackendName } from '../node/backend.js';
import { train } from '../node/training-run.js';
import { TRAINING_DEFAULTS } from '../training/defaults.js';

const [corpus, out, backend, steps] = process.argv.slice(2);
await initBackend(backend as BackendName);
const r = await train({
  corpusPath: corpus!,
  out: out!,
  resume: false,
  model: { cell: 'lstm', layers: 1, hidden: 256, dropout: 0 },
  training: { ...TRAINING_DEFAULTS, seqLen: 100, batchSize: 64, valFraction: 0.001, epochs: 1, patience: 0 },
  segmentation: 'line',
  maxSteps: Number(steps),
  backend: backend!,
  version: 'bench',
});
process.stdout.write(JSON.stringify({ maxRSS: process.resourceUsage().maxRSS * 1024, steps: r.meta.progress.step, tokens: r.meta.progress.charsSeen }) + '\n');
