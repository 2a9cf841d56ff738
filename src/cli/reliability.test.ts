// Reliability through the real binary: one writer per checkpoint folder, damaged
// checkpoints refused with one line and left untouched, hostile corpora, resource limits,
// Ctrl-C during sample and eval.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { syllableText, tempDir, writeCorpus, BIN } from '../testing/fixtures.js';
import { Rng } from '../common/rng.js';

const TINY = ['--hidden', '8', '--batch-size', '8', '--seq-len', '16', '--epochs', '1', '--warmup', '1', '--backend', 'cpu', '--workers', '1', '--quiet'];

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function expectOneLine(r: ReturnType<typeof run>, code: number, re: RegExp) {
  expect(r.code, r.err).toBe(code);
  const lines = r.err.trim().split('\n');
  expect(lines.length, r.err).toBe(1);
  expect(lines[0]).toMatch(re);
  expect(r.err).not.toMatch(/\n\s+at /);
}

const hashes = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir).map((f) => [
      f,
      createHash('sha256')
        .update(readFileSync(join(dir, f)))
        .digest('hex'),
    ]),
  );

let root: string;
let ck: string;

beforeAll(() => {
  root = tempDir('rnnlm-rel-');
  writeCorpus(root, syllableText(200), 'words.txt');
  const r = run(['train', 'words.txt', ...TINY], root);
  expect(r.code, r.err).toBe(0);
  ck = join(root, 'checkpoints', 'words');
});

/** A copy of the trained project folder (corpus + checkpoint) to damage. */
function project(): { dir: string; ck: string } {
  const dir = tempDir('rnnlm-dmg-');
  cpSync(join(root, 'words.txt'), join(dir, 'words.txt'));
  cpSync(ck, join(dir, 'checkpoints', 'words'), { recursive: true });
  return { dir, ck: join(dir, 'checkpoints', 'words') };
}

describe('one writer per checkpoint folder', () => {
  it('a second train refuses while the first runs; a stale lock is taken over', async () => {
    const { dir } = project();
    const first = spawn(process.execPath, [BIN, 'train', 'words.txt', '--resume', '--epochs', '100000', '--backend', 'cpu', '--workers', '1', '--quiet'], {
      cwd: dir,
    });
    const lock = join(dir, 'checkpoints', 'words', '.lock');
    for (let i = 0; i < 200 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(lock)).toBe(true);
    const second = run(['train', 'words.txt', '--resume', '--epochs', '100000', '--backend', 'cpu'], dir);
    expectOneLine(second, 2, new RegExp(`checkpoints/words is in use by another rnnlm process \\(pid ${first.pid}\\)`));
    first.kill('SIGKILL');
    await new Promise((r) => first.on('exit', r));
    expect(existsSync(lock)).toBe(true); // left behind by the killed process
    const third = run(['train', 'words.txt', '--resume', '--steps', '40', '--backend', 'cpu', '--quiet'], dir);
    expect(third.code, third.err).toBe(0);
    expect(existsSync(lock)).toBe(false);
  });

  it('a fresh train does not overwrite an existing checkpoint without --force', () => {
    const { dir, ck: c } = project();
    const before = hashes(c);
    expectOneLine(
      run(['train', 'words.txt', ...TINY], dir),
      2,
      /checkpoints\/words already holds a checkpoint: continue it with --resume, or start over with --force/,
    );
    expect(hashes(c)).toEqual(before);
  });
});

describe('damaged checkpoints: one line naming the file, exit 2, files untouched', () => {
  const rnd = (n: number, seed: number) => {
    const r = new Rng(seed);
    return Buffer.from(Array.from({ length: n }, () => Math.floor(r.next() * 256)));
  };
  type Damage = [string, string, (p: string) => void, RegExp];
  const edit = (f: (j: Record<string, any>) => void) => (p: string) => {
    const j = JSON.parse(readFileSync(p, 'utf8'));
    f(j);
    writeFileSync(p, JSON.stringify(j));
  };
  const cases: Damage[] = [
    ['weights.bin', 'truncated', (p) => truncateSync(p, 33), /weights\.bin: has 33 bytes, expected \d+ \(truncated/],
    ['weights.bin', 'emptied', (p) => writeFileSync(p, ''), /weights\.bin: has 0 bytes/],
    ['weights.bin', 'random bytes, same size', (p) => writeFileSync(p, rnd(readFileSync(p).length, 1)), /weights\.bin: does not match the sha256/],
    ['model.json', 'truncated', (p) => truncateSync(p, 40), /model\.json: is not valid JSON/],
    ['model.json', 'emptied', (p) => writeFileSync(p, ''), /model\.json: is not valid JSON \(empty file\)/],
    ['model.json', 'random bytes', (p) => writeFileSync(p, rnd(500, 2)), /model\.json: is not valid JSON/],
    ['model.json', 'wrong shapes', edit((j) => (j.weightsManifest[0].weights[0].shape = [3, 3])), /model\.json: weight .* has shape \[3,3\]/],
    ['model.json', 'not a layers-model', edit((j) => (j.format = 'graph-model')), /model\.json: not a TF\.js layers-model/],
    ['rnnlm.json', 'truncated', (p) => truncateSync(p, 50), /rnnlm\.json: is not valid JSON/],
    ['rnnlm.json', 'emptied', (p) => writeFileSync(p, ''), /rnnlm\.json: is not valid JSON \(empty file\)/],
    ['rnnlm.json', 'random bytes', (p) => writeFileSync(p, rnd(300, 3)), /rnnlm\.json: is not valid JSON/],
    ['rnnlm.json', 'wrong JSON', (p) => writeFileSync(p, '[1, 2, 3]'), /rnnlm\.json: not an rnnlm checkpoint/],
    ['rnnlm.json', 'vocabulary size disagrees', edit((j) => j.vocab.tokens.push('¤')), /rnnlm\.json: vocabulary has \d+ entries but the model expects \d+/],
    ['rnnlm.json', 'hidden size disagrees', edit((j) => (j.model.hidden = 9)), /model\.json: weight .* has shape/],
    ['rnnlm.json', 'future version', edit((j) => (j.version = 2)), /rnnlm\.json: checkpoint format version 2 is not supported/],
    ['rnnlm.json', 'future vocabulary version', edit((j) => (j.vocab.version = 7)), /rnnlm\.json: vocabulary version 7 is not supported/],
    ['resume.bin', 'truncated', (p) => truncateSync(p, 100), /resume\.bin: (truncated|has \d+ bytes)/],
    ['resume.bin', 'emptied', (p) => writeFileSync(p, ''), /resume\.bin: not an rnnlm resume file/],
    ['resume.bin', 'random bytes', (p) => writeFileSync(p, rnd(4000, 4)), /resume\.bin: not an rnnlm resume file/],
    [
      'resume.bin',
      'data changed',
      (p) => {
        const b = readFileSync(p);
        b[b.length - 5] = b[b.length - 5]! ^ 0xff;
        writeFileSync(p, b);
      },
      /resume\.bin: data does not match its checksum/,
    ],
  ];

  it.each(cases)('%s %s', (file, _what, damage, re) => {
    const { dir, ck: c } = project();
    damage(join(c, file));
    const before = hashes(c);
    // Inference reads the model files; resume reads every file.
    if (file !== 'resume.bin') expectOneLine(run(['sample', '--backend', 'cpu'], dir), 2, re);
    expectOneLine(run(['train', 'words.txt', '--resume', '--backend', 'cpu'], dir), 2, re);
    expect(hashes(c)).toEqual(before);
  });

  it('a missing file', () => {
    const { dir, ck: c } = project();
    writeFileSync(join(c, 'x'), '');
    for (const f of ['weights.bin']) {
      const p = join(c, f);
      const keep = readFileSync(p);
      spawnSync('rm', [p]);
      expectOneLine(run(['sample', '--backend', 'cpu'], dir), 2, /weights\.bin: missing/);
      writeFileSync(p, keep);
    }
  });
});

describe('hostile corpora give a clear error or train', () => {
  it.each([
    ['random bytes', () => Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 193 + 7) % 256)), /looks binary/],
    ['a 0-byte file', () => Buffer.alloc(0), /is empty/],
    ['only newlines', () => Buffer.from('\n\n\n\r\n\n'), /contains only whitespace/],
    ['one repeated character', () => Buffer.from('aaaa\naaaaaa\naa\n'), /fewer than two distinct characters/],
  ])('%s', (_name, bytes, re) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'c.txt'), bytes());
    expectOneLine(run(['train', 'c.txt', ...TINY], dir), 2, re);
  });

  it('one 1 MB line without a newline trains (document split by characters)', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'long.txt'),
      syllableText(60_000)
        .replace(/\n/g, ' ')
        .slice(0, 2 ** 20),
    );
    const r = run(['train', 'long.txt', ...TINY, '--steps', '3'], dir);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/reached --steps/);
  });

  it('control characters and NUL in moderation are ordinary characters', () => {
    const dir = tempDir();
    const text = syllableText(300).replace(/a/g, 'a\u0001').replace(/o/g, '\u001bo');
    writeFileSync(join(dir, 'ctl.txt'), text.slice(0, 500) + '\u0000' + text.slice(500));
    const r = run(['train', 'ctl.txt', ...TINY, '--steps', '2'], dir);
    expect(r.code, r.err).toBe(0);
  });
});

describe('resource limits', () => {
  it('refuses a model that cannot fit in memory, before allocating, with an estimate', () => {
    const dir = tempDir();
    writeCorpus(dir, syllableText(50), 'w.txt');
    const r = run(['train', 'w.txt', '--hidden', '8192', '--layers', '16', '--backend', 'cpu'], dir);
    expectOneLine(r, 2, /this configuration needs about [\d.]+ GiB \(parameters [\d.]+ M, .*\); the machine allows about [\d.]+ GiB — use a smaller --hidden/);
  });
});

describe('Ctrl-C', () => {
  it('during sample: exits promptly, output so far intact', async () => {
    const child = spawn(process.execPath, [BIN, 'sample', '--no-stop', '--length', '100000000', '--seed', '1', '--backend', 'cpu'], { cwd: root });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    while (out.length < 2000) await new Promise((r) => setTimeout(r, 20));
    const t0 = Date.now();
    child.kill('SIGINT');
    const code = await new Promise((r) => child.on('exit', r));
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(code).toBe(130);
    expect(out.length).toBeGreaterThan(2000);
    // the text is the same as an uninterrupted run with the same seed, up to where it stopped
    const full = run(['sample', '--no-stop', '--length', String(out.length + 100), '--seed', '1', '--backend', 'cpu'], root).out;
    expect(full.startsWith(out.replace(/\n$/, ''))).toBe(true);
  });

  it('during eval: exits promptly with the partial result', async () => {
    writeFileSync(join(root, 'big.txt'), syllableText(200_000, 5));
    const child = spawn(process.execPath, [BIN, 'eval', 'big.txt', '--backend', 'cpu', '--workers', '1'], { cwd: root });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    while (!err.includes('using ')) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 1500));
    const t0 = Date.now();
    child.kill('SIGINT');
    const code = await new Promise((r) => child.on('exit', r));
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(code).toBe(130);
    expect(out).toMatch(/partial: interrupted after [\d,]+ of [\d,]+ windows/);
    expect(out).toMatch(/bits\/char\s+\d\.\d+/);
  });
});

describe('output cut short', () => {
  it('a reader that stops early (| head) ends the command quietly with 0, mid-sample or not', () => {
    for (const args of [`sample --no-stop --length 200000 --seed 1 --model "${ck}"`, `info "${ck}"`]) {
      const cmd = `"${process.execPath}" "${BIN}" ${args} --backend cpu | head -c 20 > /dev/null`;
      const r = spawnSync('bash', ['-o', 'pipefail', '-c', cmd], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/EPIPE|✗/);
    }
  });
});
