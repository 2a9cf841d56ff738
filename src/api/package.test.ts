// The package as a user installs it: `npm pack`, then `npm install ./rnnlm-*.tgz` into an
// empty project, where a TypeScript file that imports the API type-checks (strict, against the
// declarations the package ships) and runs — a 20-step train, score and sample — with the
// CLI's numbers for the same checkpoint; and so does the README's Node example, as written. Needs the npm registry (or its cache) for the
// dependencies, as `npm ci` does.

import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syllableText, tempDir, writeCorpus } from '../testing/fixtures.js';
import { readmeBlock } from '../testing/readme.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'rnnlm.js');
const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });

const PROGRAM = `import { openModel, train, RnnlmError, type SentenceScore, type TrainEvent } from 'rnnlm';

const run = train({
  corpus: 'corpus.txt',
  out: 'ck',
  steps: 20,
  from: 'none',
  model: { layers: 1, hidden: 16 },
  training: { seqLen: 16, batchSize: 8, seed: 3 },
  workers: 1,
});
let steps = 0;
for await (const e of run as AsyncIterable<TrainEvent>) if (e.type === 'step') steps++;
const { dir } = await run;
const model = await openModel(dir);
const scores: SentenceScore[] = await model.score(['ka ti mo', 'zzq']);
const samples = model.sample({ seed: 5, n: 2, temperature: 0.8 }).map((s) => s.text);
const error = await openModel('no-such-folder').catch((e: unknown) => (e instanceof RnnlmError ? e.code : 'other'));
console.log(JSON.stringify({ steps, dir, logprobs: scores.map((s) => s.logprob), samples, error }));
`;

describe('the packed package', () => {
  it('installs into an empty project, where a TypeScript program type-checks and gives the CLI’s numbers', () => {
    const work = tempDir('rnnlm-pack-');
    npm(['pack', '--ignore-scripts', '--pack-destination', work], ROOT);
    const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
    const app = join(work, 'app');
    execFileSync('mkdir', [app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    npm(['install', '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', join(work, tgz)], app);
    writeCorpus(app, syllableText(300, 4));
    writeCorpus(app, syllableText(300, 7), 'names.txt');
    writeFileSync(join(app, 'main.ts'), PROGRAM);
    writeFileSync(join(app, 'readme.ts'), readmeBlock('Use it from code', 'ts'));
    const tsc = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
        '--strict',
        '--target',
        'es2022',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--skipLibCheck',
        '--types',
        'node',
        '--typeRoots',
        join(ROOT, 'node_modules', '@types'),
        'main.ts',
        'readme.ts',
      ],
      { cwd: app, encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    const out = JSON.parse(execFileSync(process.execPath, ['main.js'], { cwd: app, encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(out.steps).toBe(20);
    expect(out.error).toBe('bad-input');
    const ck = join(app, out.dir);
    const scored = execFileSync(process.execPath, [BIN, 'score', 'ka ti mo', 'zzq', '--model', ck, '--json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).logprob as number);
    out.logprobs.forEach((lp: number, i: number) => expect(lp).toBeCloseTo(scored[i]!, 6));
    const sampled = execFileSync(process.execPath, [BIN, 'sample', '--model', ck, '--seed', '5', '-n', '2', '--temp', '0.8', '--json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).text as string);
    expect(out.samples).toEqual(sampled);
    // The README's Node example, as written: its ln P and samples are the CLI's for the model it trained.
    const printed = execFileSync(process.execPath, ['readme.js'], { cwd: app, encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'pipe'] })
      .trim()
      .split('\n');
    expect(printed.filter((l) => l.startsWith('step ')).length).toBeGreaterThan(0);
    const at = printed.findIndex((l) => l.startsWith('ln P(Maria) = '));
    const names = join(app, 'checkpoints', 'names');
    const maria = JSON.parse(
      execFileSync(process.execPath, [BIN, 'score', 'Maria', '--model', names, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    ).logprob as number;
    expect(Number(printed[at]!.slice('ln P(Maria) = '.length))).toBeCloseTo(maria, 6);
    const three = execFileSync(process.execPath, [BIN, 'sample', '--model', names, '--seed', '1', '-n', '3', '--temp', '0.8', '--json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).text as string);
    expect(printed.slice(at + 1).join('\n')).toBe(three.join('\n'));
    const pkg = JSON.parse(readFileSync(join(app, 'node_modules', 'rnnlm', 'package.json'), 'utf8'));
    expect(pkg.exports['./browser'].default).toBe('./dist/browser/rnnlm.js');
  }, 600_000);
});
