import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKENDS, initBackend } from './backend.js';
import { RnnlmError } from '../common/errors.js';
import { syllableText, tempDir, writeCorpus } from '../testing/fixtures.js';

// On machines without a GPU (CI, this one) `--backend webgpu` must fail in one clear line
// with exit code 2, whether the webgpu package is missing or Dawn finds no adapter.
const WHY =
  /^backend "webgpu" could not start: (the webgpu package is not installed \(npm install webgpu @tensorflow\/tfjs-backend-webgpu\)|no Vulkan loader \(libvulkan\.so\.1\) on this machine: .*|no WebGPU adapter found .*); see README "Using a GPU"$/;

describe('backends', () => {
  it('webgpu is offered, but never chosen without being asked', async () => {
    expect(BACKENDS).toContain('webgpu');
    expect(['tensorflow', 'wasm', 'cpu']).toContain(await initBackend());
  });

  it('webgpu without a GPU: an RnnlmError with exit code 2 that says what is missing', async () => {
    const e = await initBackend('webgpu').then(
      () => null,
      (x: unknown) => x,
    );
    if (e === null) return; // a machine with a GPU and the packages: nothing to refuse
    expect(e).toBeInstanceOf(RnnlmError);
    expect((e as RnnlmError).exitCode).toBe(2);
    expect((e as RnnlmError).message).toMatch(WHY);
  });

  it('from the command line: one line, exit 2', () => {
    const dir = tempDir('rnnlm-backend-');
    const corpus = writeCorpus(dir, syllableText(50));
    const r = spawnSync(
      process.execPath,
      [join(import.meta.dirname, '..', '..', 'bin', 'rnnlm.js'), 'train', corpus, '--out', join(dir, 'ck'), '--backend', 'webgpu'],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 },
    );
    if (r.status === 0) return; // it had a GPU
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.slice(2)).toMatch(WHY);
  });
});
