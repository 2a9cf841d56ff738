// A trained model as a library object: what `rnnlm score`, `eval`, `sample` and `inside` do,
// with the same defaults and the same numbers, for a checkpoint already decoded (the Node
// entry opens folders and zips, the browser entry bytes and files). No Node; the CLI and the
// page use it too, so the three cannot drift apart.

import type { Loaded, Meta } from '../checkpoint/types.js';
import { inputError } from '../common/errors.js';
import { adaptationOf, rateText, sentencesAdaptive, type Adaptation } from '../inference/dynamic.js';
import { inside as insideOf, type Inside } from '../inference/inside.js';
import { MixedPredictor, type Predictor } from '../ngram/mixture.js';
import type { WindowRunner } from '../model/lm.js';
import type { Params } from '../model/params.js';
import { Stepper } from '../model/stepper.js';
import type { NGramModel } from '../ngram/model.js';
import { NGramInputPredictor } from '../ngram/input.js';
import { NoveltyCheck, type Novelty } from '../inference/novelty.js';
import { Rng } from '../common/rng.js';
import { encodePrime, sampleChars } from '../inference/sample.js';
import { scoreText, type FileScore, type Mix } from '../inference/score.js';
import { scoreSentence, sentenceFromLogProbs, type SentenceScore } from '../inference/sentence.js';
import { EOS_ID, type Vocab } from '../text/tokenizer.js';

export interface ScoreOptions {
  /** The network mixed with the checkpoint's n-gram (default true; false: the network alone, `--no-mix`). */
  mix?: boolean;
  /** Include P(<EOS> | text) (default true; false scores a prefix, `--no-eos`). */
  eos?: boolean;
  /** Each character's (or word's) probability too (`--per-char`). */
  perChar?: boolean;
  /** The network learns as it reads, text after text in the order given (`score --adapt`; default false). */
  adapt?: boolean;
}

export interface EvalOptions {
  mix?: boolean;
  /** The network learns as it reads, at the rate training chose (default true where it helped on validation, as `eval`). */
  adapt?: boolean;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, unit: 'windows' | 'characters') => void;
  /** Worker threads to score batched windows on (the CLI's; default the calling thread). */
  pool?: WindowRunner | null;
}

export interface SampleOptions {
  /** How many samples (default 1). */
  n?: number;
  /** <1 safer, >1 wilder, 0 the most likely token each time (default 1). */
  temperature?: number;
  topK?: number;
  topP?: number;
  /** Text each sample continues (not part of `text`). */
  prime?: string;
  /** Read the prime's unknown characters as <UNK> instead of failing. */
  unkOk?: boolean;
  /** Most characters (words, for a word model) per sample (default 500). */
  length?: number;
  /** The same seed gives the same samples (default: random). */
  seed?: number;
  mix?: boolean;
  /** End each sample at <EOS> (default true). */
  stop?: boolean;
  /** The training text, to say whether each sample is one of its sequences (line and paragraph models). */
  corpus?: string;
}

export interface Sample {
  text: string;
  /** Characters (words, for a word model) generated, <EOS> not counted. */
  chars: number;
  /** ln P of what was generated under the model used, a final <EOS> included. */
  logprob: number;
  seed: number;
  /** 'in corpus' when the sample (with its prime) is a whole sequence of `corpus`; null when not asked or not applicable. */
  novelty: Novelty | null;
}

export interface InsideOptions {
  /** The prediction to explain: after this many tokens (default: the last, of <EOS>). */
  at?: number;
  /** Every unit's gate values too, not only the means. */
  units?: boolean;
}

/** A checkpoint ready to use. `dir` names where it came from in messages. */
export class Model implements Loaded {
  readonly dir: string;
  readonly meta: Meta;
  readonly vocab: Vocab;
  readonly params: Params;
  readonly ngram: NGramModel | null;

  constructor(ck: Loaded) {
    this.dir = ck.dir;
    this.meta = ck.meta;
    this.vocab = ck.vocab;
    this.params = ck.params;
    this.ngram = ck.ngram;
  }

  /** 'char' or 'word': what a token is. */
  get unit(): 'char' | 'word' {
    return this.vocab.unit;
  }

  /** The n-gram and its weights, unless `mix` is off or there is none (older checkpoints); fit for the adapting network when `adapting`. */
  mixture(mix = true, adapting = false): Mix | null {
    if (!mix || !this.ngram || !this.meta.mixture) return null;
    const lambdas = adapting ? this.meta.adapt?.lambdas : undefined;
    return { ngram: this.ngram, weights: lambdas ? { lambdas } : this.meta.mixture, adapts: this.meta.training.ngramAdapt === true };
  }

  /** Dynamic evaluation as training chose it, when `adapt` is on and it helped on validation (rate > 0). */
  adaptation(adapt = true): Adaptation | null {
    return adapt ? adaptationOf(this.meta.adapt) : null;
  }

  /** The n-gram the network takes as input, when it was trained so (training.ngramInput). */
  ngramInput(): NGramModel | null {
    if (!this.meta.training.ngramInput) return null;
    if (!this.ngram) throw inputError(`${this.dir}: the model takes the n-gram as input, and ngram.bin is missing`);
    return this.ngram;
  }

  /** What scores and samples one token at a time: the network, mixed with the n-gram when there is one and `mix` is on. */
  predictor(mix = true): Predictor {
    const m = this.mixture(mix);
    const stepper = new Stepper(this.params);
    const input = this.ngramInput();
    const net = input ? new NGramInputPredictor(stepper, input) : stepper;
    return m ? new MixedPredictor(net, m.ngram, m.weights, m.adapts) : net;
  }

  /** "network + 6-gram mixture, …" or "network alone": what the numbers are of. */
  describe(mix = true, adapt = false): string {
    const m = this.mixture(mix);
    const a = adapt && this.adaptation() ? `, the network learning as it reads (${rateText(this.meta.adapt!)})` : '';
    if (m) return `network + ${this.ngram!.order}-gram mixture${m.adapts ? ', the n-gram counting what it reads' : ''}${a}`;
    return (this.ngram && !mix ? 'network alone (--no-mix)' : 'network alone') + a;
  }

  /** Validation nats/token of what scores (the mixture or the network), for "lower is better" scales. */
  validation(mix = true): number | null {
    return this.mixture(mix) ? this.meta.mixture!.val : this.meta.progress.bestVal;
  }

  /** ln P, bits/char and perplexity of each text, as `rnnlm score`. */
  async score(texts: string | readonly string[], o: ScoreOptions = {}): Promise<SentenceScore[]> {
    const list = typeof texts === 'string' ? [texts] : texts;
    const how = { noEos: o.eos === false, perChar: o.perChar };
    const adapt = this.adaptation(o.adapt ?? false);
    if (o.adapt && !adapt) throw inputError(`${this.dir} has no rate to learn at as it reads (trained before it, or it did not help on validation)`);
    if (adapt) {
      const rows = await sentencesAdaptive(this.params, this.vocab, list, adapt, this.mixture(o.mix ?? true, true));
      return rows.map((r, i) => sentenceFromLogProbs(this.vocab, list[i]!, r.logProbs, how));
    }
    const p = this.predictor(o.mix ?? true);
    return list.map((s) => scoreSentence(p, this.vocab, s, how));
  }

  /** Held-out numbers for a whole text (the model's segmentation), as `rnnlm eval`: the mixture, the network and the n-gram alone. */
  async eval(text: string, o: EvalOptions = {}): Promise<FileScore> {
    const adapt = this.adaptation(o.adapt ?? true);
    return scoreText(this.params, this.vocab, text, this.meta.segmentation, {
      pool: o.pool,
      mix: this.mixture(o.mix ?? true, adapt !== null),
      adapt,
      ngramInput: this.ngramInput(),
      signal: o.signal,
      onProgress: o.onProgress,
    });
  }

  /** Samples as `rnnlm sample` draws them (the same seed gives the same text). */
  sample(o: SampleOptions = {}): Sample[] {
    const out: Sample[] = [];
    const gen = this.samples(o);
    for (let r = gen.next(); !r.done; r = gen.next()) if (r.value.done) out.push(r.value.done);
    return out;
  }

  /**
   * Sampling one token at a time, for output as it comes: yields each token's text and
   * probability, and `done` with the whole sample at the end of each.
   */
  *samples(o: SampleOptions = {}): Generator<{ text: string; p: number; done?: Sample }> {
    const prime = o.prime ?? '';
    encodePrime(this.vocab, prime, o.unkOk); // fails at once on unknown characters
    const stop = o.stop ?? true;
    const seed = o.seed ?? (Math.random() * 2 ** 32) >>> 0;
    const rng = new Rng(seed);
    const p = this.predictor(o.mix ?? true);
    const novelty =
      o.corpus !== undefined && stop && NoveltyCheck.applies(this.meta.segmentation)
        ? new NoveltyCheck(this.vocab.normalized(o.corpus), this.meta.segmentation)
        : null;
    for (let i = 0; i < (o.n ?? 1); i++) {
      const gen = sampleChars(p, this.vocab, {
        temperature: o.temperature ?? 1,
        topK: o.topK,
        topP: o.topP,
        prime,
        unkOk: o.unkOk,
        length: o.length ?? 500,
        stopAtEos: stop,
        rng,
      });
      let text = '';
      let chars = 0;
      for (;;) {
        const r = gen.next();
        if (r.done) {
          yield { text: '', p: 1, done: { text, chars, logprob: r.value, seed, novelty: novelty ? novelty.of(prime + text) : null } };
          break;
        }
        if (r.value.id === EOS_ID && stop) continue;
        text += r.value.text;
        if (r.value.id !== EOS_ID) chars++;
        yield { text: r.value.text, p: r.value.p };
      }
    }
  }

  /** Gates after each token and what the prediction at `at` looked back at, as `rnnlm inside`. */
  inside(text: string, o: InsideOptions = {}): Inside {
    return insideOf(this.params, this.vocab, text, o);
  }
}
