import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { FILES } from '../checkpoint/codec.js';
import { loadCheckpoint, loadMeta } from './checkpoint-files.js';
import { Stepper } from '../model/stepper.js';
import { syllableText, tempDir, tinyRequest, writeCorpus } from '../testing/fixtures.js';
import { train } from './training-run.js';

let root: string;
let corpus: string;
let ck: string;

/** The folder's files as a zip, inside `folder/` ('' for at the top), as the page's Download makes it. */
function zipOf(dir: string, path: string, folder = 'names', skip: string[] = []): string {
  const entries: Record<string, Uint8Array> = {};
  for (const f of readdirSync(dir)) if (!skip.includes(f) && !f.startsWith('.')) entries[folder ? `${folder}/${f}` : f] = readFileSync(join(dir, f));
  writeFileSync(path, zipSync(entries));
  return path;
}

function next(dir: string): Float64Array {
  const s = new Stepper(loadCheckpoint(dir).params);
  s.step(0);
  return s.step(3);
}

beforeAll(async () => {
  await initBackend('cpu');
  root = tempDir('rnnlm-zip-');
  corpus = writeCorpus(root, syllableText(300));
  ck = join(root, 'ck');
  await train(tinyRequest(corpus, ck, { maxSteps: 6 }, { epochs: 2 }));
});

describe('a checkpoint as a zip (the page downloads one)', () => {
  it('loads as the folder does, its files at the top or in one folder inside', () => {
    const want = next(ck);
    expect(next(zipOf(ck, join(root, 'inside.zip')))).toEqual(want);
    expect(next(zipOf(ck, join(root, 'top.zip'), ''))).toEqual(want);
    expect(loadMeta(join(root, 'top.zip')).meta.progress.step).toBe(6);
  });

  it('a damaged or incomplete zip fails with one line naming it', () => {
    const bad = join(root, 'bad.zip');
    writeFileSync(bad, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(40, 7)]));
    expect(() => loadCheckpoint(bad)).toThrow(/bad\.zip: is not a readable zip/);
    expect(() => loadCheckpoint(zipOf(ck, join(root, 'noweights.zip'), 'names', [FILES.weights]))).toThrow(/noweights\.zip\/weights\.bin: missing/);
    const other = join(root, 'other.zip');
    writeFileSync(other, zipSync({ 'readme.txt': new TextEncoder().encode('hello') }));
    expect(() => loadCheckpoint(other)).toThrow(/holds no rnnlm\.json; not an rnnlm checkpoint/);
  });

  it('train --resume on a zip unpacks it beside it and goes on exactly as the folder would', async () => {
    const zip = zipOf(ck, join(root, 'run.zip'));
    const fromFolder = join(root, 'folder-copy');
    cpSync(ck, fromFolder, { recursive: true });
    const lossesOf = async (out: string) => {
      const l: number[] = [];
      const unpacked: string[] = [];
      const r = await train(tinyRequest(corpus, out, { resume: true, maxSteps: 10 }), {
        onStep: (s) => l.push(s.loss),
        onUnpack: (_z, dir) => unpacked.push(dir),
      });
      return { l, unpacked, dir: r.dir };
    };
    const a = await lossesOf(fromFolder);
    const b = await lossesOf(zip);
    expect(b.unpacked).toEqual([join(root, 'run')]);
    expect(b.dir).toBe(join(root, 'run'));
    expect(b.l).toEqual(a.l);
    expect(b.l).toHaveLength(4);
    // Resuming the same zip again goes on from the folder it was unpacked into.
    const c = await train(tinyRequest(corpus, zip, { resume: true, maxSteps: 12 }));
    expect(c.meta.progress.step).toBe(12);
    // A folder of that name holding another run is left alone.
    const other = join(root, 'other-run');
    await train(tinyRequest(writeCorpus(root, syllableText(300, 9), 'other.txt'), other, { maxSteps: 2 }, { epochs: 1 }));
    cpSync(zip, join(root, 'other-run.zip'));
    await expect(train(tinyRequest(corpus, join(root, 'other-run.zip'), { resume: true, maxSteps: 14 }))).rejects.toThrow(
      /already holds another checkpoint than .*other-run\.zip/,
    );
  });
});
