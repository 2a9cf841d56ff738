import { defineConfig } from 'vitest/config';

// Tests sit next to the code (src/**/*.test.ts). TF.js numerics are slow on one core,
// so allow generous per-test time and run files in parallel forks (2 cores).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    setupFiles: ['src/testing/setup.ts'],
    // No shipped base model in tests (train --from auto would start small texts from it):
    // a run starts from random weights unless a test says otherwise.
    env: { RNNLM_MODELS: '/nonexistent-rnnlm-models' },
  },
});
