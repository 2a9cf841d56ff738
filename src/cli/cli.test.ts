// Smoke tests of the built binary (npm test builds first): what a person sees.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, truncateSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node/backend.js';
import { loadCheckpoint } from '../node/checkpoint-files.js';
import { MixedPredictor } from '../ngram/mixture.js';
import { Stepper } from '../model/stepper.js';
import { scoreSentence } from '../inference/sentence.js';
import { syllableText, tempDir, writeCorpus, BIN } from '../testing/fixtures.js';

function run(args: string[], cwd: string, input?: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** One line on stderr, starting with ✗, no stack trace, the given exit code. */
function expectOneLineError(r: ReturnType<typeof run>, code: number, re: RegExp) {
  expect(r.code, r.err).toBe(code);
  const lines = r.err.trim().split('\n');
  expect(lines.length, r.err).toBe(1);
  expect(lines[0]).toMatch(/^✗ /);
  expect(lines[0]).toMatch(re);
  expect(r.err).not.toMatch(/\n\s+at /);
}

const work = tempDir('rnnlm-cli-');
const TINY = ['--hidden', '16', '--batch-size', '8', '--seq-len', '16', '--epochs', '2', '--lr', '0.01', '--warmup', '2', '--backend', 'wasm'];

describe('help and bad corpora', () => {
  it('--help lists the commands with examples', () => {
    const r = run(['--help'], work);
    expect(r.code).toBe(0);
    for (const c of ['train <corpus>', 'sample', 'score [text..]', 'eval <file>', 'inside [text..]', 'info [checkpoint]', 'serve', 'export-web <out>'])
      expect(r.out).toContain(`rnnlm ${c}`);
    expect(r.out).toContain('Examples:');
    expect(run(['train', '--help'], work).out).toMatch(/--resume[\s\S]*Examples:/);
  });

  it('train: missing file, directory, empty file, binary file → one line, exit 2', () => {
    expectOneLineError(run(['train', 'missing.txt'], work), 2, /missing\.txt: no such file/);
    mkdirSync(join(work, 'adir'), { recursive: true });
    expectOneLineError(run(['train', 'adir'], work), 2, /adir: is a directory/);
    writeFileSync(join(work, 'empty.txt'), '');
    expectOneLineError(run(['train', 'empty.txt'], work), 2, /empty\.txt: is empty/);
    expectOneLineError(run(['train', process.execPath], work), 2, /looks binary/);
  });

  it('unknown commands and flags are rejected with a suggestion', () => {
    expectOneLineError(run(['smaple'], work), 2, /Unknown command "smaple"\. Did you mean sample\?/);
    expectOneLineError(run(['sample', '--bogus'], work), 2, /Unknown argument: bogus \(see rnnlm sample --help\)/); // nothing near: no guess
    expectOneLineError(run(['sample', '--tmp', '0.5'], work), 2, /Unknown argument: tmp\. Did you mean --temp\?/);
    expectOneLineError(run(['train', 'x.txt', '--hiden', '3'], work), 2, /Did you mean --hidden\?/);
    expectOneLineError(run(['eval', 'x.txt', '--verbos'], work), 2, /Did you mean --verbose\?/); // a global flag
  });

  it('--backend tensorflow without tfjs-node: a clear line, exit 2', () => {
    let installed = true;
    try {
      createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    } catch {
      installed = false;
    }
    if (installed) return; // nothing to show on a machine where it installed
    writeFileSync(join(work, 'few.txt'), 'ab\nba\n');
    expectOneLineError(run(['train', 'few.txt', '--backend', 'tensorflow'], work), 2, /backend "tensorflow" could not start: .*install @tensorflow\/tfjs-node/);
  });

  it('no checkpoint yet: a clear line', () => {
    const empty = tempDir();
    expectOneLineError(run(['sample'], empty), 2, /no checkpoint found under \.\/checkpoints\/ — train one first/);
    expectOneLineError(run(['score', 'x'], empty), 2, /no checkpoint found/);
  });
});

describe('train → sample → score → eval → info', () => {
  let dir: string;
  beforeAll(async () => {
    dir = tempDir('rnnlm-flow-');
    writeCorpus(dir, syllableText(300), 'words.txt');
    const r = run(['train', 'words.txt', ...TINY], dir);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('backend   wasm');
    expect(r.err).toMatch(/best validation loss \d\.\d+ bits\/char/);
    expect(r.err).toContain('rnnlm sample --temp 0.8');
    await initBackend('wasm');
  });

  it('train --json: one JSON object on stdout, its numbers those of the checkpoint', () => {
    const r = run(['train', 'words.txt', ...TINY, '--json', '-q', '--out', 'ck-json', '--no-adapt'], dir);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as Record<string, unknown>;
    const ck = loadCheckpoint(join(dir, 'ck-json'));
    expect(j).toMatchObject({ stopped: 'epochs', steps: ck.meta.progress.step, unit: 'char', best_step: ck.meta.progress.bestStep, adapt_lr: null });
    expect(j.model).toEqual({ cell: 'lstm', layers: 1, hidden: 16, dropout: ck.meta.model.dropout, vocab: ck.vocab.size, output: 'flat' });
    expect(j.validation_bpc).toBeCloseTo(ck.meta.progress.bestVal! / Math.LN2, 12);
    expect(j.mixture_bpc).toBeCloseTo(ck.meta.mixture!.val / Math.LN2, 12);
  });

  it('sample says which samples are new and which are lines of its corpus', () => {
    const lines = new Set(
      readFileSync(join(dir, 'words.txt'), 'utf8')
        .split('\n')
        .map((l) => l.trim()),
    );
    const j = run(['sample', '--seed', '5', '-n', '30', '--json', '--temp', '0.5'], dir);
    const samples = j.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { text: string; novelty: string });
    for (const x of samples) expect(x.novelty).toBe(lines.has(x.text.trim()) ? 'in corpus' : 'new');
    expect(new Set(samples.map((x) => x.novelty)).size).toBe(2); // both kinds occur at this temperature
    const t = run(['sample', '--seed', '5', '-n', '30', '--temp', '0.5'], dir);
    const fresh = samples.filter((x) => x.novelty === 'new').length;
    expect(t.err).toContain(`${fresh} of 30 samples are new; ${30 - fresh} are sequences of its corpus`);
  });

  it('sample: the same seed gives the same text; --json has the fields', () => {
    const a = run(['sample', '--seed', '4', '-n', '3'], dir);
    const b = run(['sample', '--seed', '4', '-n', '3'], dir);
    expect(a.code, a.err).toBe(0);
    expect(a.out).toBe(b.out);
    expect(a.out.trim().split('\n').length).toBe(3);
    expect(a.err).toMatch(/using checkpoints\/words \(.*\) on wasm/);
    const j = run(['sample', '--seed', '4', '--json', '--temp', '0.5'], dir);
    const obj = JSON.parse(j.out);
    expect(obj).toMatchObject({ seed: 4, temperature: 0.5 });
    expect(typeof obj.text).toBe('string');
    expect(obj.logprob).toBeLessThanOrEqual(0);
  });

  it('score through the CLI equals the library call', () => {
    const r = run(['score', '--json', 'Stoubar', 'Ke', '', '--backend', 'wasm'], dir);
    expect(r.code, r.err).toBe(0);
    const rows = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((x) => x.text)).toEqual(['Stoubar', 'Ke', '']);
    const ck = loadCheckpoint(join(dir, 'checkpoints', 'words'));
    // By default the CLI scores with the mixture of the network and the checkpoint's n-gram; --no-mix with the network alone.
    const mixed = new MixedPredictor(new Stepper(ck.params), ck.ngram!, ck.meta.mixture!);
    const alone = run(['score', '--json', '--no-mix', 'Stoubar', 'Ke', '', '--backend', 'wasm'], dir)
      .out.trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const st = new Stepper(ck.params);
    for (const [i, row] of rows.entries()) {
      expect(row.logprob).toBeCloseTo(scoreSentence(mixed, ck.vocab, row.text).logprob, 10);
      expect(alone[i].logprob).toBeCloseTo(scoreSentence(st, ck.vocab, row.text).logprob, 10);
      for (const k of ['logprob', 'log10prob', 'prob', 'tokens', 'oov', 'bpc', 'ppl']) expect(row).toHaveProperty(k);
    }
    const table = run(['score', 'Stoubar', 'Ke'], dir);
    expect(table.out).toMatch(/rank\s+ln P\s+log10 P\s+P\s+tokens\s+OOV\s+bits\/char\s+ppl\s+text/);
    const one = run(['score', 'Ke', '--per-char'], dir);
    expect(one.out).toMatch(/tokens\s+3 \(2 characters \+ <EOS>\), OOV 0/);
    expect(one.out).toMatch(/"<EOS>"/);
  });

  it('score reads stdin with -', () => {
    const r = run(['score', '-', '--json'], dir, 'Ke\nStou\n');
    expect(
      r.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).text),
    ).toEqual(['Ke', 'Stou']);
  });

  it('eval --json equals the sum of sentence scores', () => {
    writeFileSync(join(dir, 'held.txt'), 'Ke\nStou\n');
    const e = JSON.parse(run(['eval', 'held.txt', '--json'], dir).out);
    const s = run(['score', '--json', 'Ke', 'Stou'], dir)
      .out.trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(e.tokens).toBe(s[0].tokens + s[1].tokens);
    expect(Math.abs(e.logprob - (s[0].logprob + s[1].logprob))).toBeLessThan(1e-4);
    for (const k of ['logprob', 'log10prob', 'tokens', 'oov', 'nats_per_char', 'bpc', 'ppl', 'ppl_excl_oov']) expect(e).toHaveProperty(k);
  });

  it('sample --prime: every sample starts with the prime (with and without --no-stop)', () => {
    for (const extra of [[], ['--no-stop', '--length', '30']]) {
      const r = run(['sample', '-n', '3', '--prime', 'St', '--seed', '3', ...extra], dir);
      expect(r.code, r.err).toBe(0);
      if (extra.length) {
        expect(r.out.startsWith('St')).toBe(true);
        expect(r.out.split('St').length - 1).toBeGreaterThanOrEqual(3);
      } else {
        const samples = r.out.trim().split('\n');
        expect(samples.length).toBe(3);
        for (const line of samples) expect(line.startsWith('St'), line).toBe(true);
      }
    }
    const j = JSON.parse(run(['sample', '--prime', 'St', '--seed', '3', '--json'], dir).out);
    expect(j.prime).toBe('St');
  });

  it("eval and score print a line of scale: the model's own validation and uniform guessing", () => {
    const e = run(['eval', 'held.txt'], dir);
    expect(e.code, e.err).toBe(0);
    expect(e.out).toMatch(/for scale: this model's validation \d\.\d{3} bits\/char \(random split\) · uniform guessing \d\.\d{3} \(log2 \d+\)/);
    const j = JSON.parse(run(['eval', 'held.txt', '--json'], dir).out);
    expect(j.scale.uniform_bpc).toBeCloseTo(Math.log2(loadCheckpoint(join(dir, 'checkpoints', 'words')).vocab.size), 10);
    expect(j.scale.validation_bpc).toBeGreaterThan(0);
    expect(run(['score', 'Ke'], dir).out).toMatch(/for scale: this model's validation/);
  });

  it('inside --json: tokens, the prediction, influence and gates, one value per position; the text view; --flow', () => {
    const r = run(['inside', 'Stou', '--json'], dir);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.tokens).toEqual(['<EOS>', 'S', 't', 'o', 'u']);
    expect(j.at).toBe(4);
    expect(j.target).toBe('<EOS>');
    // the network's log P(<EOS> | "Stou"), as score --no-mix computes it
    const s = JSON.parse(run(['score', '--json', '--no-mix', '--per-char', 'Stou'], dir).out);
    expect(j.logprob).toBeCloseTo(Math.log(s.chars[4].p), 4);
    expect(j.influence).toHaveLength(5);
    for (const v of j.influence) expect(v).toBeGreaterThan(0);
    expect(j.gates).toHaveLength(1);
    expect(j.gates[0]).toMatchObject({ layer: 1, cell: 'lstm' });
    for (const g of ['update', 'forget', 'output']) {
      expect(j.gates[0][g]).toHaveLength(5);
      for (const v of j.gates[0][g]) expect(v > 0 && v < 1).toBe(true);
    }
    const at = JSON.parse(run(['inside', 'Stou', '--at', '1', '--json'], dir).out);
    expect(at.target).toBe('t');
    expect(at.influence.slice(2)).toEqual([0, 0, 0]);
    const text = run(['inside', 'Stou'], dir);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/P\("<EOS>" \| "Stou"\) = /);
    expect(text.out).toMatch(/⏎Stou\n  [ ░▒▓█]{4}[░▒▓█]\n/);
    expect(text.out).toMatch(/pos\s+char\s+influence\s+share of max\s+L1 Γu\s+L1 Γf\s+L1 Γo/);
    writeFileSync(join(dir, 'flow.txt'), syllableText(40, 9));
    const f = JSON.parse(run(['inside', '--flow', 'flow.txt', '--positions', '20', '--distance', '8', '--json'], dir).out);
    expect(f.positions).toBe(20);
    expect(f.mean).toHaveLength(9);
    expect(f.count[0]).toBe(20);
    expect(f.mean[1]).toBeGreaterThan(0);
    expectOneLineError(run(['inside'], dir), 2, /nothing to look at/);
    expectOneLineError(run(['inside', 'Ke', '--at', '5'], dir), 2, /--at 5 is outside the text: positions run 0 \(<EOS>\) to 2/);
    expectOneLineError(run(['inside', 'Ke', '--layer', '2'], dir), 2, /--layer 2: the model has 1 layer/);
  });

  it('info shows the model and progress', () => {
    const r = run(['info'], dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/1-layer LSTM, hidden 16/);
    expect(r.out).toMatch(/best\s+\d\.\d+ bits\/char/);
    // --model, as every other command names the checkpoint; given twice and different: one line.
    const m = run(['info', '--model', 'checkpoints/words'], dir);
    expect(m.code, m.err).toBe(0);
    expect(m.out).toBe(run(['info', 'checkpoints/words'], dir).out);
    expectOneLineError(run(['info', 'checkpoints/words', '--model', 'elsewhere'], dir), 2, /give the checkpoint once/);
  });

  // Every command that uses a model, in one table: --model names the checkpoint (the same output
  // as the latest one it would pick), --json gives JSON on stdout, -q leaves stderr empty and
  // stdout as it was; each says so in its --help.
  const COMMANDS: Array<{ args: string[]; json: boolean }> = [
    { args: ['sample', '-n', '2', '--seed', '3'], json: true },
    { args: ['score', 'Kelmo'], json: true },
    { args: ['eval', 'words.txt'], json: true },
    { args: ['inside', 'Kelmo'], json: true },
    { args: ['info'], json: true },
    { args: ['export', 'words.safetensors', '--force'], json: false },
  ];
  it.each(COMMANDS)('$args.0: --model, --json and -q behave as documented', ({ args, json }) => {
    const plain = run(args, dir);
    expect(plain.code, plain.err).toBe(0);
    const named = run([...args, '--model', 'checkpoints/words'], dir);
    expect(named.code, named.err).toBe(0);
    expect(named.out).toBe(plain.out);
    const quiet = run([...args, '-q'], dir);
    expect(quiet.code, quiet.err).toBe(0);
    expect(quiet.err).toBe('');
    expect(quiet.out).toBe(plain.out);
    const help = run([args[0]!, '--help'], dir).out;
    expect(help).toMatch(/--model/);
    expect(help).toMatch(/-q, --quiet/);
    if (json) {
      expect(help).toMatch(/--json/);
      const out = run([...args, '--json'], dir);
      expect(out.code, out.err).toBe(0);
      // One JSON document (info), or JSON Lines (one object per sample, sentence, file).
      const whole = out.out.trim();
      const docs = /^\{[\s\S]*\}$/.test(whole) && !whole.includes('}\n{') ? [whole] : whole.split('\n');
      expect(docs.length).toBeGreaterThan(0);
      for (const d of docs) expect(() => JSON.parse(d), d).not.toThrow();
    }
  });

  it('the commands that use a model say which on stderr unless -q', () => {
    for (const args of [
      ['sample', '-n', '2', '--seed', '3'],
      ['score', 'Kelmo'],
      ['eval', 'words.txt'],
    ]) {
      expect(run(args, dir).err).toMatch(/using checkpoints\/words/);
      expect(run([...args, '-q'], dir).err).toBe('');
    }
  });

  it('bad inference flags: one clear line each, non-zero exit', () => {
    expectOneLineError(run(['sample', '--temp', '-1'], dir), 2, /--temp must be a number ≥ 0 \(got "-1"\)/);
    expectOneLineError(run(['sample', '--temp', 'abc'], dir), 2, /--temp must be a number ≥ 0 \(got "abc"\)/);
    expectOneLineError(run(['sample', '--length', '0'], dir), 2, /--length must be an integer ≥ 1/);
    expectOneLineError(run(['sample', '--top-p', '1.5'], dir), 2, /--top-p must be a number > 0 and ≤ 1/);
    expectOneLineError(run(['sample', '--prime', 'Ke☃'], dir), 2, /--prime has 1 character\(s\) not in the model's vocabulary: "☃"/);
    expectOneLineError(run(['score', '--file', 'nope.txt'], dir), 2, /nope\.txt: no such file/);
    mkdirSync(join(dir, 'folder'), { recursive: true });
    expectOneLineError(run(['score', '--file', 'folder'], dir), 2, /folder: is a directory/);
    writeFileSync(join(dir, 'locked.txt'), 'x');
    chmodSync(join(dir, 'locked.txt'), 0o000);
    const r = run(['score', '--file', 'locked.txt'], dir);
    if (process.getuid?.() !== 0) expectOneLineError(r, 2, /locked\.txt: cannot read/);
  });

  it('--model and info take a shipped model by name (models/NAME; here $RNNLM_MODELS/NAME); a folder of that name comes first', () => {
    const models = join(dir, 'shipped');
    cpSync(join(dir, 'checkpoints', 'words'), join(models, 'tiny'), { recursive: true });
    const env = { RNNLM_MODELS: models };
    const byPath = run(['sample', '-n', '2', '--seed', '3', '--model', 'checkpoints/words'], dir);
    const byName = run(['sample', '-n', '2', '--seed', '3', '--model', 'tiny'], dir, undefined, env);
    expect(byName.code, byName.err).toBe(0);
    expect(byName.out).toBe(byPath.out);
    expect(byName.err).toContain(`using ${join(models, 'tiny')}`);
    const info = run(['info', 'tiny'], dir, undefined, env).out.split('\n');
    expect(info[0]).toBe(join(models, 'tiny'));
    expect(info.slice(1)).toEqual(run(['info', 'checkpoints/words'], dir).out.split('\n').slice(1));
    // Without it among the shipped models: one line that says both were looked for.
    expectOneLineError(
      run(['score', 'Kelmo', '--model', 'tiny'], dir),
      2,
      /tiny: no such checkpoint folder or zip, and no model of that name ships with rnnlm/,
    );
    // With no checkpoint of one's own, the error names the base model where the install has one.
    cpSync(join(dir, 'checkpoints', 'words'), join(dir, 'with-base', 'en'), { recursive: true });
    const empty = tempDir();
    expectOneLineError(
      run(['sample'], empty, undefined, { RNNLM_MODELS: join(dir, 'with-base') }),
      2,
      /or pass --model <folder> \(or --model en, the English base model\)$/,
    );
    expectOneLineError(run(['sample'], empty), 2, /or pass --model <folder>$/);
    // A folder of the same name where the command runs is the one meant.
    cpSync(join(dir, 'checkpoints', 'words'), join(dir, 'tiny'), { recursive: true });
    expect(run(['sample', '-n', '2', '--seed', '3', '--model', 'tiny'], dir, undefined, env).err).toMatch(/using tiny \(/);
  });

  it('a damaged checkpoint: one line naming the file, exit 2', () => {
    truncateSync(join(dir, 'checkpoints', 'words', 'weights.bin'), 10);
    expectOneLineError(run(['sample'], dir), 2, /weights\.bin: has 10 bytes, expected \d+/);
  });
});
