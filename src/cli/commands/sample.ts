// `rnnlm sample`: stream generated text to stdout (or JSON lines with --json).

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { Rng } from '../../rng.js';
import { encodePrime, sampleChars } from '../../sample.js';
import { heat } from '../../surprise.js';
import { EOS_ID } from '../../tokenizer.js';
import { makeContext, type GlobalArgs } from '../context.js';
import { numberOption } from '../options.js';
import { interruptible } from '../interrupt.js';
import { announce, loadModel, mixOption, modelOption, predictorOf } from './load.js';
import { existsSync } from 'node:fs';
import type { Loaded } from '../../checkpoint.js';
import { sha256 } from '../../files.js';
import { NoveltyCheck, type Novelty } from '../../novelty.js';
import { readText } from '../../textfile.js';

/** The novelty check of a model whose corpus is still where it was, unchanged (sha256); else null. */
function noveltyOf(ck: Loaded): NoveltyCheck | null {
  const { path, sha256: hash } = ck.meta.corpus;
  if (!NoveltyCheck.applies(ck.meta.segmentation) || path === '-' || !existsSync(path)) return null;
  try {
    const text = readText(path);
    return sha256(text) === hash ? new NoveltyCheck(text, ck.meta.segmentation) : null;
  } catch {
    return null;
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
      .option('temp', { ...numberOption('temp', { min: 0 }, 'Temperature: <1 safer, >1 wilder, 0 = always the most likely character', 1), alias: ['t', 'temperature'] })
      .option('top-k', numberOption('top-k', { min: 1, integer: true }, 'Draw only from the k most likely characters'))
      .option('top-p', numberOption('top-p', { min: 0, minExclusive: true, max: 1 }, 'Draw only from the smallest set of characters with total probability ≥ p'))
      .option('prime', { type: 'string', describe: 'Text to start from: each sample is printed as the prime and its continuation (with --json, "text" is the continuation and "prime" the prime)' })
      .option('unk-ok', { type: 'boolean', describe: 'Map prime characters the model has not seen to <UNK> instead of failing' })
      .option('length', { ...numberOption('length', { min: 1, integer: true }, 'Maximum characters per sample (words, for a word model)', 500), alias: 'l' })
      .option('count', { ...numberOption('count', { min: 1, integer: true }, 'Number of samples', 1), alias: 'n' })
      .option('seed', numberOption('seed', { min: 0, max: 2 ** 32 - 1, integer: true }, 'Random seed: the same seed gives the same text [default: random]'))
      .option('stop', { type: 'boolean', default: true, describe: 'End each sample at <EOS> (--no-stop: keep going, <EOS> printed as a newline)' })
      .option('json', { type: 'boolean', describe: 'One JSON object per sample: text, chars, logprob, temperature, seed, novelty ("new", "in corpus": a whole sequence of the text it was trained on, or null where that text is not at hand or in document mode)' })
      .option('mix', mixOption)
      .example('$0 sample --temp 0.8 -n 5', 'five samples, a little conservative')
      .example('$0 sample --prime "The " --length 300 --top-p 0.9', 'continue a prompt with nucleus sampling')
      .example('$0 sample --seed 7 --json', 'reproducible, machine-readable') as unknown as Argv<Args>,
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    const ctx = makeContext(argv);
    const ck = loadModel(argv.model);
    encodePrime(ck.vocab, argv.prime ?? '', argv.unkOk); // fail early on unknown characters
    announce(ctx, ck, await ctx.startBackend(), argv.mix);
    const stepper = predictorOf(ck, argv.mix);
    const seed = argv.seed ?? (Date.now() ^ (process.pid << 16)) >>> 0;
    const rng = new Rng(seed);
    const shade = argv.color === true && !argv.json;
    const out = process.stdout;
    const novelty = argv.stop ? noveltyOf(ck) : null; // whole sequences only
    const seen: Record<Novelty, number> = { new: 0, 'in corpus': 0 };
    const interrupt = interruptible();
    try {
      for (let i = 0; i < argv.count && !interrupt.signal.aborted; i++) {
        const gen = sampleChars(stepper, ck.vocab, {
          temperature: argv.temp,
          topK: argv.topK,
          topP: argv.topP,
          prime: argv.prime,
          unkOk: argv.unkOk,
          length: argv.length,
          stopAtEos: argv.stop,
          rng,
        });
        let text = '';
        let chars = 0;
        let buf = argv.json || !argv.prime ? '' : argv.prime; // every sample continues the prime, so each shows it
        let last = Date.now();
        let logprob = 0;
        for (;;) {
          const r = gen.next();
          if (r.done) {
            logprob = r.value;
            break;
          }
          const ch = r.value;
          if (ch.id === EOS_ID && argv.stop) continue;
          text += ch.text;
          if (ch.id !== EOS_ID) chars++;
          if (!argv.json) {
            buf += shade ? ctx.c.rgb(...heat(ch.p))(ch.text) : ch.text;
            if (buf.length > 256 || Date.now() - last > 50) {
              out.write(buf);
              buf = '';
              last = Date.now();
            }
          }
          if (interrupt.signal.aborted) break;
          if (chars % 256 === 0) await new Promise<void>((res) => setImmediate(res)); // let Ctrl-C through
        }
        const isNew = novelty && !interrupt.signal.aborted ? novelty.of((argv.prime ?? '') + text) : null;
        if (isNew) seen[isNew]++;
        if (argv.json) {
          out.write(JSON.stringify({ text, chars, logprob, temperature: argv.temp, top_k: argv.topK ?? null, top_p: argv.topP ?? null, prime: argv.prime ?? '', seed, index: i, novelty: isNew }) + '\n');
        } else {
          out.write(buf + (text.endsWith('\n') ? '' : '\n'));
        }
      }
    } finally {
      interrupt.release();
    }
    if (novelty && !argv.json) {
      const n = seen.new + seen['in corpus'];
      ctx.note(ctx.c.dim(`  ${seen.new} of ${n} ${n === 1 ? 'sample is' : 'samples are'} new; ${seen['in corpus']} ${seen['in corpus'] === 1 ? 'is a sequence' : 'are sequences'} of its corpus (${ck.meta.corpus.path})`));
    }
    if (interrupt.signal.aborted) process.exitCode = 130;
  },
};
