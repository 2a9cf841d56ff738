// Starting a run from another model (`train --from`): the union vocabulary keeps the old ids,
// the widened weights give the starting model's distribution over its own tokens, the run
// records its origin, resumes exactly, and starts from a folder, a zip or a word model.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../node/backend.js';
import { loadCheckpoint } from '../node/checkpoint-files.js';
import { buildCorpus } from '../text/corpus.js';
import { Params } from '../model/params.js';
import { Stepper } from '../model/stepper.js';
import { widenVocab } from '../model/widen.js';
import { chooseStart, resolveRun } from './resolve.js';
import { Rng } from '../common/rng.js';
import { UNK_ID, Vocab } from '../text/tokenizer.js';
import { tempDir, tinyRequest, trainRecording, syllableText, writeCorpus } from '../testing/fixtures.js';
import { shippedModel } from '../node/models.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const chars = (v: Vocab) => v.tokens.join('|');

describe('the union vocabulary', () => {
  it.each([
    ['new characters after the old, sorted', 'ca', 'bdc', '<EOS>|<UNK>|a|c|b|d'],
    ['nothing new', 'abc', 'cb', '<EOS>|<UNK>|a|b|c'],
    ['all new', 'a', 'é😀', '<EOS>|<UNK>|a|é|😀'],
  ])('%s', (_, old, text, want) => {
    const base = Vocab.fromText(old);
    const v = base.extendedBy(Vocab.fromText(text));
    expect(chars(v)).toBe(want);
    for (const t of base.tokens.slice(2)) expect(v.tokenId(t)).toBe(base.tokenId(t));
  });

  it('words keep their ids too, and the case folding of the old vocabulary', () => {
    const base = Vocab.fromWordCounts(
      new Map([
        ['the', 3],
        ['cat', 2],
      ]),
      10,
      true,
    );
    const v = base.extendedBy(
      Vocab.fromWordCounts(
        new Map([
          ['dog', 5],
          ['the', 1],
        ]),
        10,
        true,
      ),
    );
    expect(v.tokens).toEqual(['<EOS>', '<UNK>', 'the', 'cat', 'dog']);
    expect(v.lowercase).toBe(true);
    expect(() => base.extendedBy(Vocab.fromText('ab'))).toThrow(/word vocabulary/);
  });

  it('a corpus built on a base vocabulary: its characters first, the text encoded with the union', () => {
    const base = Vocab.fromText('xyz');
    const c = buildCorpus('ab\nzb\n', 't', { segmentation: 'line', minCount: 1, valFraction: 0, base });
    expect(chars(c.vocab)).toBe('<EOS>|<UNK>|x|y|z|a|b');
    expect(Array.from(c.train)).toEqual([0, 5, 6, 0, 4, 6, 0]);
  });

  it('a charset puts characters in the vocabulary that the text lacks, in code-point order', () => {
    const c = buildCorpus('ba\n', 't', { segmentation: 'line', minCount: 2, valFraction: 0, charset: 'éa' });
    expect(chars(c.vocab)).toBe('<EOS>|<UNK>|a|é'); // b occurs once (< min-count 2): <UNK>; a and é from the charset
  });
});

/** P over the base's tokens after each input of `ids`, from the widened model, renormalised. */
function compareSteps(base: Params, wide: Params, ids: number[], wideIds: number[] = ids): number {
  const a = new Stepper(base, 'js');
  const b = new Stepper(wide, 'js');
  let worst = 0;
  for (let t = 0; t < ids.length; t++) {
    const pa = a.step(ids[t]!);
    const pb = b.step(wideIds[t]!);
    let z = 0;
    for (let i = 0; i < base.config.vocabSize; i++) z += Math.exp(pb[i]!);
    for (let i = 0; i < base.config.vocabSize; i++) worst = Math.max(worst, Math.abs(Math.exp(pa[i]!) - Math.exp(pb[i]!) / z));
    // The new tokens together take what <UNK> had (relative to the old tokens).
    let added = 0;
    for (let i = base.config.vocabSize; i < wide.config.vocabSize; i++) added += Math.exp(pb[i]!);
    worst = Math.max(worst, Math.abs(added / z - Math.exp(pa[UNK_ID]!)));
  }
  return worst;
}

describe('widened weights', () => {
  it.each(['lstm', 'gru', 'rnn'] as const)(
    '%s: the distribution over the old tokens is the starting model’s after renormalising (1e-6); a new token reads as <UNK>',
    (cell) => {
      const base = Params.init({ cell, layers: 2, hidden: 8, vocabSize: 7, dropout: 0 }, new Rng(5));
      const wide = widenVocab(base, 10);
      expect(wide.config.vocabSize).toBe(10);
      const ids = [0, 2, 3, 6, 5, 1, 4, 2, 0, 3];
      expect(compareSteps(base, wide, ids)).toBeLessThan(1e-6);
      // New ids 7–9 as input: the base reading <UNK> there.
      expect(compareSteps(base, wide, [0, 2, 1, 3, 1, 1], [0, 2, 7, 3, 9, 8])).toBeLessThan(1e-6);
    },
  );

  it('no new token: the same weights', () => {
    const base = Params.init({ cell: 'lstm', layers: 1, hidden: 4, vocabSize: 5, dropout: 0 }, new Rng(2));
    expect(Array.from(widenVocab(base, 5).data)).toEqual(Array.from(base.data));
  });
});

/** A base model trained a few steps on syllable lines (letters b d e i k l m n o r s t u). */
async function trainBase(dir: string, name = 'base'): Promise<string> {
  const corpus = writeCorpus(dir, syllableText(300, 4), `${name}.txt`);
  const out = join(dir, name);
  await trainRecording(tinyRequest(corpus, out, { maxSteps: 12 }));
  return out;
}

const fromModel = { layers: 'auto', hidden: 'auto' } as const;
/** New text: the same kind of lines with letters the base never saw (x, y, z). */
const newText = () => syllableText(200, 8).replace(/t/g, 'x').replace(/m/g, 'yz');

describe('train --from', () => {
  it('starts from the base: union vocabulary, widened weights, the origin recorded, a fresh optimiser', async () => {
    const dir = tempDir();
    const baseDir = await trainBase(dir);
    const base = loadCheckpoint(baseDir);
    const corpus = writeCorpus(dir, newText(), 'new.txt');
    const out = join(dir, 'ft');
    const { result } = await trainRecording(tinyRequest(corpus, out, { from: baseDir, maxSteps: 4 }, {}, fromModel));
    const ft = loadCheckpoint(out);
    expect(ft.vocab.tokens.slice(0, base.vocab.size)).toEqual(base.vocab.tokens);
    expect(ft.vocab.tokens.slice(base.vocab.size).sort()).toEqual(['x', 'y', 'z']);
    expect(ft.meta.model).toMatchObject({ cell: 'lstm', layers: 1, hidden: 12, vocabSize: base.vocab.size + 3 });
    expect(ft.meta.from).toEqual({
      name: baseDir,
      sha256: base.meta.weights.sha256,
      step: base.meta.progress.bestStep,
      vocabSize: base.vocab.size,
      corpus: 'base.txt',
    });
    expect(result.meta.progress.step).toBe(4);
    // The n-gram is of the new text: it knows x.
    expect(ft.meta.ngram!.sha256).not.toBe(base.meta.ngram!.sha256);
    expect(ft.ngram!.vocabSize).toBe(ft.vocab.size);
  });

  it('at step 0 the run is the base model, widened (resolveRun)', async () => {
    const dir = tempDir();
    const base = loadCheckpoint(await trainBase(dir));
    const text = newText();
    const fresh = await resolveRun(tinyRequest('new.txt', dir, {}, {}, fromModel), text, async () => async () => 1, { name: 'base', ...base });
    const wide = fresh.start!.params;
    const ids = Array.from(buildCorpus(syllableText(20, 4), 'x', { segmentation: 'line', minCount: 1, valFraction: 0, base: base.vocab }).train);
    expect(compareSteps(base.params, wide, ids)).toBeLessThan(1e-6);
    expect(fresh.training.lr).toBe(0.01); // explicit flags stay
    const auto = await resolveRun(tinyRequest('new.txt', dir, {}, { lr: 'auto' }, fromModel), text, async () => async () => 1, { name: 'base', ...base });
    expect(auto.training.lr).toBe(0.004); // half the rate from zero (0.008)
    expect(auto.choices.map((c) => c.what)).toEqual(expect.arrayContaining(['start', 'learning rate']));
  });

  it('--hidden larger than the base grows it: at step 0 the base’s predictions, then the new units learn; fewer units are refused', async () => {
    const dir = tempDir();
    const baseDir = await trainBase(dir);
    const base = loadCheckpoint(baseDir); // 1 × 12
    const text = newText();
    const grown = await resolveRun(tinyRequest('new.txt', dir, {}, {}, { layers: 'auto', hidden: 20 }), text, async () => async () => 1, {
      name: 'base',
      ...base,
    });
    expect(grown.model).toMatchObject({ layers: 1, hidden: 20 });
    expect(grown.choices.find((c) => c.what === 'model')?.reason).toMatch(/grown from base's 1 × 12 as asked: the 8 new units/);
    const ids = Array.from(buildCorpus(syllableText(20, 4), 'x', { segmentation: 'line', minCount: 1, valFraction: 0, base: base.vocab }).train);
    expect(compareSteps(base.params, grown.start!.params, ids)).toBeLessThan(1e-6);
    // Trained a few steps, the new units' output rows (zero at the start) have moved.
    const corpus = writeCorpus(dir, text, 'new.txt');
    await trainRecording(tinyRequest(corpus, join(dir, 'grown'), { from: baseDir, maxSteps: 4 }, {}, { layers: 'auto', hidden: 20 }));
    const out = loadCheckpoint(join(dir, 'grown')).params.view('out', 12, 20);
    expect(Math.max(...Array.from(out).map(Math.abs))).toBeGreaterThan(1e-4);
    await expect(
      resolveRun(tinyRequest('new.txt', dir, {}, {}, { layers: 'auto', hidden: 8 }), text, async () => async () => 1, { name: 'base', ...base }),
    ).rejects.toThrow(/ask for at least 12 units with --hidden/);
  });

  it('a run from a model stopped and resumed takes exactly the unstopped run’s steps', async () => {
    const dir = tempDir();
    const baseDir = await trainBase(dir);
    const corpus = writeCorpus(dir, newText(), 'new.txt');
    const whole = await trainRecording(tinyRequest(corpus, join(dir, 'whole'), { from: baseDir }, {}, { ...fromModel, dropout: 0.2 }));
    const first = await trainRecording(tinyRequest(corpus, join(dir, 'split'), { from: baseDir, maxSteps: 5 }, {}, { ...fromModel, dropout: 0.2 }));
    const second = await trainRecording(tinyRequest(corpus, join(dir, 'split'), { resume: true }, {}, { dropout: 0.2 }));
    expect(whole.losses.length).toBeGreaterThan(8);
    expect([...first.losses, ...second.losses]).toEqual(whole.losses);
    expect(second.result.meta.from).toEqual(whole.result.meta.from);
    expect(Array.from(loadCheckpoint(join(dir, 'split')).params.data)).toEqual(Array.from(loadCheckpoint(join(dir, 'whole')).params.data));
  });

  it('from a zip as from its folder', async () => {
    const dir = tempDir();
    const baseDir = await trainBase(dir);
    const zip = join(dir, 'base.zip');
    const files: Record<string, Uint8Array> = {};
    for (const f of readdirSync(baseDir)) files[`base/${f}`] = readFileSync(join(baseDir, f));
    writeFileSync(zip, zipSync(files));
    const corpus = writeCorpus(dir, newText(), 'new.txt');
    const a = await trainRecording(tinyRequest(corpus, join(dir, 'a'), { from: baseDir, maxSteps: 6 }, {}, fromModel));
    const b = await trainRecording(tinyRequest(corpus, join(dir, 'b'), { from: zip, maxSteps: 6 }, {}, fromModel));
    expect(b.losses).toEqual(a.losses);
    expect(b.result.meta.from?.name).toBe(zip);
  });

  it('from a word model: the words keep their ids, new words follow, read as words', async () => {
    const dir = tempDir();
    const words = (seed: number) =>
      syllableText(300, seed)
        .split('\n')
        .map((l, i, a) => `${l} ${a[(i + 1) % a.length]}`)
        .join('\n');
    const baseCorpus = writeCorpus(dir, words(4), 'words.txt');
    const baseDir = join(dir, 'wbase');
    await trainRecording(tinyRequest(baseCorpus, baseDir, { maxSteps: 6 }, { unit: 'word', lowercase: true }));
    const base = loadCheckpoint(baseDir);
    const corpus = writeCorpus(dir, words(9).toUpperCase(), 'new.txt');
    const { result } = await trainRecording(tinyRequest(corpus, join(dir, 'wft'), { from: baseDir, maxSteps: 4 }, {}, fromModel));
    expect(result.vocab.unit).toBe('word');
    expect(result.vocab.lowercase).toBe(true); // as the base reads: the upper-case text is folded
    expect(result.vocab.tokens.slice(0, base.vocab.size)).toEqual(base.vocab.tokens);
    expect(result.vocab.size).toBeGreaterThan(base.vocab.size);
    expect(result.meta.training.unit).toBe('word');
  });

  it('says what is wrong: --from with --resume, a missing model, a shape or a unit the model does not have', async () => {
    const dir = tempDir();
    const baseDir = await trainBase(dir);
    const corpus = writeCorpus(dir, newText(), 'new.txt');
    await expect(trainRecording(tinyRequest(corpus, join(dir, 'x'), { from: baseDir, resume: true }))).rejects.toThrow(/--from starts a new run/);
    await expect(trainRecording(tinyRequest(corpus, join(dir, 'y'), { from: join(dir, 'nope') }))).rejects.toThrow(
      /no such checkpoint folder or zip, and no model of that name/,
    );
    await expect(trainRecording(tinyRequest(corpus, join(dir, 'z'), { from: baseDir }, {}, { hidden: 'auto', layers: 2 }))).rejects.toThrow(
      /comes from .*1 × 12.*leave out --layers/,
    );
    // A character model does not start a word model (the unit comes from the model; asked for otherwise, it is said).
    await expect(trainRecording(tinyRequest(corpus, join(dir, 'w'), { from: baseDir }, { unit: 'word' }, fromModel))).rejects.toThrow(
      /is a character model, and a run started from it reads characters: leave out --unit word/,
    );
  });
});

describe('--from auto', () => {
  const latin = Vocab.fromText('abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ.,\n');
  const base = { name: 'en', meta: {} as never, vocab: latin, params: {} as never };
  it.each([
    ['a small English text', 'The cat sat on the mat.\n'.repeat(100), true, /a small text \(2K characters\), 100% of its characters are the base's/],
    ['a few words', 'apple\nbanana\nfig\n', true, /a small text \(14 characters\), 100%/],
    ['a text in another script', '床前明月光，疑是地上霜。\n'.repeat(100), false, /only 0\.0% of its characters are the base's/],
    ['a text of 0.66M characters', 'the cat sat on the mat\n'.repeat(30_000), true, /a small text \(660K characters\)/],
    ['a large text', 'the cat sat on the mat\n'.repeat(50_000), false, /1\.1M characters: enough text to learn from itself/],
  ])('%s', (_, text, use, reason) => {
    const c = chooseStart(text, 'char', base);
    expect(c.use).toBe(use);
    expect(c.reason).toMatch(reason);
  });

  it('no base in this install, or a word model: from random weights', () => {
    expect(chooseStart('abc', 'char', null)).toEqual({ use: false, reason: 'no base model ships with this install' });
    expect(chooseStart('abc', 'word', base).use).toBe(false);
  });

  it('resolveRun: the base when chosen (its weights, the reason on the first screen), else random weights with the reason', async () => {
    const dir = tempDir();
    const b = loadCheckpoint(await trainBase(dir));
    const text = [...syllableText(200, 8)].filter((c) => c === '\n' || b.vocab.hasToken(c)).join(''); // the base's characters
    const req = tinyRequest('new.txt', dir, {}, {}, fromModel);
    const chosen = await resolveRun(req, text, async () => async () => 1, { auto: { name: 'en', ...b } });
    expect(chosen.start?.origin.name).toBe('en');
    expect(chosen.choices.find((c) => c.what === 'start')?.reason).toMatch(/^a small text .*: its weights/);
    const none = await resolveRun(tinyRequest('new.txt', dir, {}, {}, { layers: 1, hidden: 12 }), text, async () => async () => 1, { auto: null });
    expect(none.start).toBeUndefined();
    expect(none.choices.find((c) => c.what === 'start')).toEqual({ what: 'start', value: 'random weights', reason: 'no base model ships with this install' });
  });
});

describe('a shipped model by name', () => {
  it('--from en and --from auto find models/en (here $RNNLM_MODELS/en); with none there, auto trains from random weights', async () => {
    const dir = tempDir();
    const models = join(dir, 'models');
    mkdirSync(models);
    const baseDir = await trainBase(models, 'en');
    const saved = process.env.RNNLM_MODELS;
    process.env.RNNLM_MODELS = models;
    try {
      expect(shippedModel('en')).toBe(join(models, 'en'));
      expect(shippedModel('../en')).toBeNull();
      const text = [...syllableText(200, 8)].filter((c) => c === '\n' || loadCheckpoint(baseDir).vocab.hasToken(c)).join('');
      const corpus = writeCorpus(dir, text, 'small.txt');
      const byName = await trainRecording(tinyRequest(corpus, join(dir, 'a'), { from: 'en', maxSteps: 3 }, {}, fromModel));
      expect(byName.result.meta.from?.name).toBe('en');
      const auto = await trainRecording(tinyRequest(corpus, join(dir, 'b'), { from: 'auto', maxSteps: 3 }, {}, fromModel));
      expect(auto.result.meta.from?.name).toBe('en');
      expect(auto.losses).toEqual(byName.losses);
      process.env.RNNLM_MODELS = join(dir, 'none');
      const zero = await trainRecording(tinyRequest(corpus, join(dir, 'c'), { from: 'auto', maxSteps: 3 }, {}, { layers: 1, hidden: 12 }));
      expect(zero.result.meta.from).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.RNNLM_MODELS;
      else process.env.RNNLM_MODELS = saved;
    }
  });
});
