// What a checkpoint is and what a sentence scored, as labelled lines: `rnnlm info` and
// `rnnlm score` print them, the web page shows the same lines, so the two cannot drift.

import type { Meta } from '../checkpoint/types.js';
import { outputClasses, parameterCount } from '../model/config.js';
import type { SentenceScore } from '../inference/sentence.js';
import type { Vocab } from '../text/tokenizer.js';
import { LN2 } from '../inference/sentence.js';
import { rateText } from '../inference/dynamic.js';
import { duration, int, lossText, probText } from './units.js';

export type Line = [label: string, value: string];

/** The checkpoint's model, vocabulary, corpus, training settings and progress. */
export function checkpointLines(meta: Meta, vocab: Vocab): Line[] {
  const m = meta.model;
  const t = meta.training;
  const p = meta.progress;
  const per = vocab.unit;
  const chars = vocab.tokens.slice(2).join('');
  const words = vocab.tokens.slice(2, 32).join(' ') + (vocab.size > 32 ? ' …' : '');
  const shownTokens =
    per === 'word'
      ? `the ${int(vocab.size - 2)} most frequent words${vocab.lowercase ? ', lowercased' : ''}: ${words}`
      : JSON.stringify(chars.length > 120 ? chars.slice(0, 120) + '…' : chars);
  return [
    [
      'model',
      `${m.layers}-layer ${m.cell.toUpperCase()}, hidden ${m.hidden}, ${int(parameterCount(m))} parameters${m.dropout ? `, dropout ${m.dropout}` : ''}${m.classOf ? `, output factored into ${outputClasses(m)} classes` : ''}`,
    ],
    ['vocabulary', `${vocab.size} tokens: <EOS>, <UNK> and ${shownTokens}`],
    ...fromLines(meta),
    ['corpus', `${meta.corpus.path} (${int(meta.corpus.bytes)} bytes, ${meta.segmentation} mode, sha256 ${meta.corpus.sha256.slice(0, 12)}…)`],
    [
      'training',
      `batch ${t.batchSize} × ${t.seqLen}, lr ${t.lr} (${t.schedule}), clip ${t.clip}, seed ${t.seed}, epochs ${t.epochs ?? 'no cap'}${t.time ? `, budget ${duration(t.time)}` : ''}${t.shuffle ? ', shuffled' : ''}`,
    ],
    ['validation', t.valFraction > 0 ? `${t.valFraction * 100}% held out, ${t.split} split` : 'none'],
    [
      'progress',
      `step ${p.step}, epoch ${p.epoch.toFixed(2)}, ${int(p.charsSeen)} ${per === 'word' ? 'words' : 'characters'}, ${duration(p.elapsedSeconds)}${p.stopped ? ` (${p.stopped})` : ''}`,
    ],
    ['best', p.bestVal === null ? 'not evaluated yet' : `${lossText(p.bestVal, per)} at step ${p.bestStep}`],
    ...ngramLines(meta),
    ['saved', `${meta.savedAt} on ${meta.backend}, rnnlm ${meta.rnnlmVersion}`],
  ];
}

/** The model the run started from (`train --from`), when it started from one. */
function fromLines(meta: Meta): Line[] {
  const f = meta.from;
  if (!f) return [];
  const added = meta.vocab.tokens.length - f.vocabSize;
  return [
    [
      'started from',
      `${f.name} (trained on ${f.corpus}, step ${f.step}, weights sha256 ${f.sha256.slice(0, 12)}…); ${added === 0 ? 'no token added' : `${added} token${added === 1 ? '' : 's'} added after its ${f.vocabSize}`}`,
    ],
  ];
}

/** The n-gram baseline and the mixture, when the checkpoint has them. */
function ngramLines(meta: Meta): Line[] {
  const g = meta.ngram;
  if (!g) return [['n-gram', 'none (trained before rnnlm had one, or with --no-ngram): the network alone']];
  const lines: Line[] = [
    [
      'n-gram',
      `${g.order}-gram, Kneser–Ney, ${int(g.entries)} entries (${(g.bytes / 1e6).toFixed(1)} MB), ${g.val === null ? 'no validation' : `${lossText(g.val, meta.vocab.unit ?? 'char')} on validation`}${meta.training.ngramAdapt ? '; within a document it keeps counting what it reads' : ''}${meta.training.ngramInput ? '; the network takes its log-probabilities as input' : ''}`,
    ],
  ];
  const x = meta.mixture;
  const a = meta.adapt;
  if (a) {
    const u = meta.vocab.unit ?? 'char';
    const b = (n: number) => (n / LN2).toFixed(3);
    lines.push([
      'adapting',
      a.lr > 0
        ? `eval learns as it reads at ${rateText(a)} (segments of ${a.segment}): on ${int(a.tokens)} validation tokens the ${a.by} ${b(a.static)} → ${b(a.adapted)} bits/${u}, ${int(a.tokensPerSec)} ${u}s/s`
        : `off: learning as it reads did not help${a.se === undefined ? '' : ' beyond noise'} on ${int(a.tokens)} validation tokens`,
    ]);
  }
  if (x)
    lines.push([
      'mixture',
      `${lossText(x.val, meta.vocab.unit ?? 'char')} on validation (the network alone ${(x.network / LN2).toFixed(3)}${x.ngramReading === undefined ? '' : `, the n-gram counting what it reads ${(x.ngramReading / LN2).toFixed(3)}`}); the network's weight λ ${x.lambdas.map((l) => l.toFixed(2)).join(' ')} by n-gram context count`,
    ]);
  return lines;
}

/** One sentence's numbers, KenLM-style. `eos`: whether P(<EOS> | sentence) was included. */
export function sentenceLines(s: SentenceScore, eos: boolean): Line[] {
  return [
    ['log P', `${s.logprob.toFixed(4)} (natural log)   ${s.log10prob.toFixed(4)} (log10)`],
    ['P', probText(s.logprob)],
    ['tokens', `${s.tokens} (${s.tokens - (eos ? 1 : 0)} ${s.unit === 'word' ? 'words' : 'characters'}${eos ? ' + <EOS>' : ''}), OOV ${s.oov}`],
    ...(s.unit === 'word'
      ? ([
          ['bits/word', s.bpc.toFixed(4)],
          ['perplexity', `${s.ppl.toFixed(4)} per word`],
          [
            'bits/char',
            `${s.textBpc!.toFixed(4)} of the text (its characters${eos ? ' + a newline' : ''}): comparable with a character model, but <UNK> stands for any unknown word, which favours the word model where OOVs are frequent`,
          ],
        ] as Line[])
      : ([
          ['bits/char', s.bpc.toFixed(4)],
          ['perplexity', s.ppl.toFixed(4)],
        ] as Line[])),
  ];
}

/** Lines as the CLI prints them: two-space indent, labels padded to 13 columns. */
export function linesText(lines: Line[]): string {
  return lines.map(([k, v]) => `  ${k.padEnd(13)}${v}`).join('\n');
}
