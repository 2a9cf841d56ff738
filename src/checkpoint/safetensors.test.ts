// safetensors export: an independent reader (the format's header and raw little-endian floats,
// checked against weights.bin by model.json's manifest) finds the checkpoint's weights, and
// the file read back by rnnlm scores as the original's network alone (`--no-mix`), through
// the API and through `rnnlm export` and `rnnlm score`; a factored model too.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Model } from '../api/model.js';
import { initBackend } from '../node/backend.js';
import { loadCheckpoint } from '../node/checkpoint-files.js';
import { train } from '../node/training-run.js';
import { rnnlmOut, syllableText, tempDir, tinyRequest, writeCorpus } from '../testing/fixtures.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

const cli = rnnlmOut;

/** The tensors of a safetensors file, read as the format says (not by rnnlm's decoder). */
function readSafetensors(bytes: Buffer): { meta: Record<string, string>; tensors: Map<string, { shape: number[]; values: number[] }> } {
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  const tensors = new Map<string, { shape: number[]; values: number[] }>();
  for (const [name, t] of Object.entries(header) as Array<[string, { dtype: string; shape: number[]; data_offsets: [number, number] }]>) {
    if (name === '__metadata__') continue;
    expect(t.dtype).toBe('F32');
    const values: number[] = [];
    for (let o = 8 + n + t.data_offsets[0]; o < 8 + n + t.data_offsets[1]; o += 4) values.push(bytes.readFloatLE(o));
    tensors.set(name, { shape: t.shape, values });
  }
  return { meta: header.__metadata__, tensors };
}

/** weights.bin's arrays by model.json's manifest: name → values. */
function manifestArrays(dir: string): Array<{ name: string; shape: number[]; values: number[] }> {
  const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).weightsManifest[0].weights as Array<{ name: string; shape: number[] }>;
  const bin = readFileSync(join(dir, 'weights.bin'));
  let o = 0;
  return manifest.map((w) => {
    const count = w.shape.reduce((a, b) => a * b, 1);
    const values = Array.from({ length: count }, (_, i) => bin.readFloatLE(o + 4 * i));
    o += 4 * count;
    return { name: w.name, shape: w.shape, values };
  });
}

describe.each(['flat', 'factored'] as const)('safetensors export, %s output', (output) => {
  const root = tempDir('rnnlm-safetensors-');
  const dir = join(root, 'ck');
  beforeAll(async () => {
    await initBackend('wasm');
    const corpus = writeCorpus(root, syllableText(300, 2));
    await train(tinyRequest(corpus, dir, { maxSteps: 6 }, {}, { layers: 2, hidden: 8, output }));
  });

  it('an independent reader finds the checkpoint’s weights, in manifest order, and rnnlm.json in the metadata', () => {
    const ck = loadCheckpoint(dir);
    const file = Buffer.from(encodeSafetensors(ck.meta, ck.params));
    const { meta, tensors } = readSafetensors(file);
    const arrays = manifestArrays(dir);
    expect([...tensors.values()].map((t) => t.shape)).toEqual(arrays.map((a) => a.shape));
    [...tensors.values()].forEach((t, i) => expect(t.values).toEqual(arrays[i]!.values));
    expect([...tensors.keys()].slice(0, 3)).toEqual(['rnn.0.kernel', 'rnn.0.recurrent_kernel', 'rnn.0.bias']);
    expect(tensors.has('classes.kernel')).toBe(output === 'factored');
    expect(JSON.parse(meta.rnnlm!).vocab).toEqual(ck.meta.vocab);
    expect(meta.gates).toBe('i,f,c,o');
  });

  it('read back, it scores as the original network alone (--no-mix), in the API and the CLI', async () => {
    const ck = new Model(loadCheckpoint(dir));
    const file = join(root, 'net.safetensors');
    cli(['export', file, '--model', dir]);
    const back = new Model(decodeSafetensors(readFileSync(file), file));
    expect(back.ngram).toBeNull();
    const texts = ['ka ti mo', 'lo zzq'];
    const want = await ck.score(texts, { mix: false });
    (await back.score(texts)).forEach((s, i) => expect(s.logprob).toBeCloseTo(want[i]!.logprob, 9));
    const viaCli = cli(['score', ...texts, '--model', file, '--json'])
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).logprob as number);
    const noMix = cli(['score', ...texts, '--model', dir, '--no-mix', '--json'])
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).logprob as number);
    viaCli.forEach((lp, i) => expect(lp).toBeCloseTo(noMix[i]!, 9));
  });

  it('a damaged file is refused with its name', () => {
    const ck = loadCheckpoint(dir);
    const bytes = encodeSafetensors(ck.meta, ck.params);
    const file = join(root, 'cut.safetensors');
    writeFileSync(file, bytes.subarray(0, bytes.length - 8));
    expect(() => loadCheckpoint(file)).toThrow(/cut\.safetensors: tensor .* byte range/);
  });
});
