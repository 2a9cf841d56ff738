// `rnnlm sample`: stream generated text to stdout (or JSON lines with --json).

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { encodePrime } from '../../inference/sample.js';
import { heat } from '../../display/surprise.js';
import { makeContext, type GlobalArgs } from '../context.js';
import { numberOption } from '../options.js';
import { interruptible } from '../interrupt.js';
import { announce, loadModel, mixOption, modelOption } from './load.js';
import { existsSync } from 'node:fs';
import type { Model } from '../../api/model.js';
import { sha256 } from '../../node/files.js';
import { NoveltyCheck, type Novelty } from '../../inference/novelty.js';
import { readText } from '../../node/textfile.js';

/** The text a line or paragraph model was trained on, when it is still where it was, unchanged (sha256): samples are checked against it. */
function corpusOf(ck: Model): string | undefined {
  const { path, sha256: hash } = ck.meta.corpus;
  if (!NoveltyCheck.applies(ck.meta.segmentation) || path === '-' || !existsSync(path)) return undefined;
  try {
    const text = readText(path);
    return sha256(text) === hash ? text : undefined;
  } catch {
    return undefined;
  }
}

interface Args extends GlobalArgs {
  model?: string;
  temp: number;
  topK?: number;
  topP?: number;
  prime?: string;
  unkOk?: boolean;
  length: number;
  count: number;
  seed?: number;
  stop: boolean;
  json?: boolean;
  mix: boolean;
}

export const sampleCommand: CommandModule<object, Args> = {
  command: 'sample',
  describe: 'Generate new text from a trained model',
  builder: (y: Argv) =>
    y
      .option('model', modelOption)
      .option('temp', {
        ...numberOption('temp', { min: 0 }, 'Temperature: <1 safer, >1 wilder, 0 = always the most likely character', 1),
        alias: ['t', 'temperature'],
      })
      .option('top-k', numberOption('top-k', { min: 1, integer: true }, 'Draw only from the k most likely characters'))
      .option(
        'top-p',
        numberOption('top-p', { min: 0, minExclusive: true, max: 1 }, 'Draw only from the smallest set of characters with total probability ≥ p'),
      )
      .option('prime', {
        type: 'string',
        describe:
          'Text to start from: each sample is printed as the prime and its continuation (with --json, "text" is the continuation and "prime" the prime)',
      })
      .option('unk-ok', { type: 'boolean', describe: 'Map prime characters the model has not seen to <UNK> instead of failing' })
      .option('length', { ...numberOption('length', { min: 1, integer: true }, 'Maximum characters per sample (words, for a word model)', 500), alias: 'l' })
      .option('count', { ...numberOption('count', { min: 1, integer: true }, 'Number of samples', 1), alias: 'n' })
      .option('seed', numberOption('seed', { min: 0, max: 2 ** 32 - 1, integer: true }, 'Random seed: the same seed gives the same text [default: random]'))
      .option('stop', { type: 'boolean', default: true, describe: 'End each sample at <EOS> (--no-stop: keep going, <EOS> printed as a newline)' })
      .option('json', {
        type: 'boolean',
        describe:
          'One JSON object per sample: text, chars, logprob, temperature, seed, novelty ("new", "in corpus": a whole sequence of the text it was trained on, or null where that text is not at hand or in document mode)',
      })
      .option('mix', mixOption)
      .example('$0 sample --temp 0.8 -n 5', 'five samples, a little conservative')
      .example('$0 sample --prime "The " --length 300 --top-p 0.9', 'continue a prompt with nucleus sampling')
      .example('$0 sample --model en --prime "Once "', 'the English base model that ships with rnnlm')
      .example('$0 sample --seed 7 --json', 'reproducible, machine-readable') as unknown as Argv<Args>,
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    const ctx = makeContext(argv);
    const ck = loadModel(argv.model);
    encodePrime(ck.vocab, argv.prime ?? '', argv.unkOk); // fail early on unknown characters
    announce(ctx, ck, await ctx.startBackend(), argv.mix);
    const seed = argv.seed ?? (Date.now() ^ (process.pid << 16)) >>> 0;
    const shade = argv.color === true && !argv.json;
    const out = process.stdout;
    const corpus = argv.stop ? corpusOf(ck) : undefined; // whole sequences only
    const seen: Record<Novelty, number> = { new: 0, 'in corpus': 0 };
    const interrupt = interruptible();
    const samples = ck.samples({
      n: argv.count,
      temperature: argv.temp,
      topK: argv.topK,
      topP: argv.topP,
      prime: argv.prime,
      unkOk: argv.unkOk,
      length: argv.length,
      stop: argv.stop,
      seed,
      mix: argv.mix,
      corpus,
    });
    try {
      let index = 0;
      let buf = '';
      let last = Date.now();
      let chars = 0;
      let fresh = true; // at the start of a sample: every sample continues the prime, so each shows it
      for (const t of samples) {
        if (interrupt.signal.aborted) break;
        if (t.done) {
          const s = t.done;
          if (s.novelty) seen[s.novelty]++;
          if (argv.json)
            out.write(
              JSON.stringify({
                text: s.text,
                chars: s.chars,
                logprob: s.logprob,
                temperature: argv.temp,
                top_k: argv.topK ?? null,
                top_p: argv.topP ?? null,
                prime: argv.prime ?? '',
                seed,
                index: index++,
                novelty: s.novelty,
              }) + '\n',
            );
          else out.write((fresh ? (argv.prime ?? '') : '') + buf + (s.text.endsWith('\n') ? '' : '\n'));
          buf = '';
          fresh = true;
          continue;
        }
        if (argv.json) continue;
        if (fresh) buf = argv.prime ?? '';
        fresh = false;
        buf += shade ? ctx.c.rgb(...heat(t.p))(t.text) : t.text;
        chars++;
        if (buf.length > 256 || Date.now() - last > 50) {
          out.write(buf);
          buf = '';
          last = Date.now();
        }
        if (chars % 256 === 0) await new Promise<void>((res) => setImmediate(res)); // let Ctrl-C through
      }
      if (interrupt.signal.aborted && buf) out.write(buf + '\n');
    } finally {
      interrupt.release();
    }
    if (corpus !== undefined && !argv.json) {
      const n = seen.new + seen['in corpus'];
      ctx.note(
        ctx.c.dim(
          `  ${seen.new} of ${n} ${n === 1 ? 'sample is' : 'samples are'} new; ${seen['in corpus']} ${seen['in corpus'] === 1 ? 'is a sequence' : 'are sequences'} of its corpus (${ck.meta.corpus.path})`,
        ),
      );
    }
    if (interrupt.signal.aborted) process.exitCode = 130;
  },
};
