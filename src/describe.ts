// What a checkpoint is and what a sentence scored, as labelled lines: `rnnlm info` and
// `rnnlm score` print them, the web page shows the same lines, so the two cannot drift.

import type { Meta } from './checkpoint.js';
import { parameterCount } from './model/config.js';
import type { SentenceScore } from './sentence.js';
import type { Vocab } from './tokenizer.js';
import { duration, int, lossText, probText } from './units.js';

export type Line = [label: string, value: string];

/** The checkpoint's model, vocabulary, corpus, training settings and progress. */
export function checkpointLines(meta: Meta, vocab: Vocab): Line[] {
  const m = meta.model;
  const t = meta.training;
  const p = meta.progress;
  const chars = vocab.tokens.slice(2).join('');
  return [
    ['model', `${m.layers}-layer ${m.cell.toUpperCase()}, hidden ${m.hidden}, ${int(parameterCount(m))} parameters${m.dropout ? `, dropout ${m.dropout}` : ''}`],
    ['vocabulary', `${vocab.size} tokens: <EOS>, <UNK> and ${JSON.stringify(chars.length > 120 ? chars.slice(0, 120) + '…' : chars)}`],
    ['corpus', `${meta.corpus.path} (${int(meta.corpus.bytes)} bytes, ${meta.segmentation} mode, sha256 ${meta.corpus.sha256.slice(0, 12)}…)`],
    ['training', `batch ${t.batchSize} × ${t.seqLen}, lr ${t.lr} (${t.schedule}), clip ${t.clip}, seed ${t.seed}, epochs ${t.epochs ?? 'no cap'}${t.time ? `, budget ${duration(t.time)}` : ''}${t.shuffle ? ', shuffled' : ''}`],
    ['validation', t.valFraction > 0 ? `${t.valFraction * 100}% held out, ${t.split} split` : 'none'],
    ['progress', `step ${p.step}, epoch ${p.epoch.toFixed(2)}, ${int(p.charsSeen)} characters, ${duration(p.elapsedSeconds)}${p.stopped ? ` (${p.stopped})` : ''}`],
    ['best', p.bestVal === null ? 'not evaluated yet' : `${lossText(p.bestVal)} at step ${p.bestStep}`],
    ['saved', `${meta.savedAt} on ${meta.backend}, rnnlm ${meta.rnnlmVersion}`],
  ];
}

/** One sentence's numbers, KenLM-style. `eos`: whether P(<EOS> | sentence) was included. */
export function sentenceLines(s: SentenceScore, eos: boolean): Line[] {
  return [
    ['log P', `${s.logprob.toFixed(4)} (natural log)   ${s.log10prob.toFixed(4)} (log10)`],
    ['P', probText(s.logprob)],
    ['tokens', `${s.tokens} (${s.tokens - (eos ? 1 : 0)} characters${eos ? ' + <EOS>' : ''}), OOV ${s.oov}`],
    ['bits/char', s.bpc.toFixed(4)],
    ['perplexity', s.ppl.toFixed(4)],
  ];
}

/** Lines as the CLI prints them: two-space indent, labels padded to 13 columns. */
export function linesText(lines: Line[]): string {
  return lines.map(([k, v]) => `  ${k.padEnd(13)}${v}`).join('\n');
}
