// The Score part: as you type, the text is scored as `rnnlm score` scores it (the same
// scoreSentence, the same lines of numbers), each character shaded by its surprisal level
// (the levels of `score --per-char`), with its probability and the model's top 5 on hover
// or focus.

import { linesText, sentenceLines } from '../display/lines.js';
import { scoreSentence, sentenceFromLogProbs, type CharScore, type SentenceScore } from '../inference/sentence.js';
import { adaptationOf, sentencesAdaptive } from '../inference/dynamic.js';
import { surprise } from '../display/surprise.js';
import { arrowNavigation, byId, el } from './dom.js';
import { shown } from '../display/glyph.js';
import type { PageModel } from './load.js';

/** `onText` receives the text after each scoring, for the Inside part. */
export function setupScore(m: PageModel, onText: (text: string) => void, signal: AbortSignal): void {
  const stepper = m.predictor();
  const input = byId<HTMLTextAreaElement>('score-text');
  const eos = byId<HTMLInputElement>('score-eos');
  const chars = byId('score-chars');
  const detail = byId('score-detail');
  const totals = byId('score-totals');
  arrowNavigation(chars, signal);

  const describe = (c: CharScore, i: number) =>
    `${JSON.stringify(c.char)} at ${i + 1}: P ${c.p.toFixed(4)}, ${c.bits.toFixed(2)} bits${c.oov ? ' (not in the vocabulary: scored as <UNK>)' : ''}`;
  const showDetail = (c: CharScore, i: number) => {
    detail.replaceChildren(
      el('p', describe(c, i)),
      el(
        'p',
        c.top
          ? `Model's top 5 here: ${c.top.map((t) => `${JSON.stringify(t.char)} ${t.p.toFixed(3)}`).join(' · ')}`
          : 'The network learns as it reads here: its top 5 are not shown.',
      ),
    );
  };

  // Learning as it reads, where training chose a rate for it (rnnlm.json adapt): off until asked.
  const a = adaptationOf(m.meta.adapt);
  const adapt = byId<HTMLInputElement>('score-adapt');
  byId('score-adapt-label').hidden = a === null;
  const mix =
    m.ngram && m.meta.mixture && !m.meta.training.ngramInput
      ? { ngram: m.ngram, weights: m.meta.adapt?.lambdas ? { lambdas: m.meta.adapt.lambdas } : m.meta.mixture, adapts: m.meta.training.ngramAdapt === true }
      : null;
  let run = 0; // the latest scoring: an adapting one that finishes late is dropped
  const scored = async (text: string): Promise<SentenceScore> => {
    if (!a || !adapt.checked) return scoreSentence(stepper, m.vocab, text, { noEos: !eos.checked, perChar: true, top: 5 });
    const [r] = await sentencesAdaptive(m.params, m.vocab, [text], a, mix);
    return sentenceFromLogProbs(m.vocab, text, r!.logProbs, { noEos: !eos.checked, perChar: true });
  };

  const update = async () => {
    const text = input.value;
    const mine = ++run;
    const s = await scored(text);
    if (mine !== run || signal.aborted) return;
    const join = m.vocab.joiner(); // a word model's tokens shaded as words, spaced as the text is
    chars.replaceChildren(
      ...s.chars!.map((c, i) => {
        const span = el('span', m.vocab.unit === 'word' && c.char !== '<EOS>' ? join(c.char) : shown(c.char), {
          class: `s-${surprise(c.bits)}${c.oov ? ' oov' : ''}`,
          tabindex: '0',
          title: describe(c, i),
          'data-p': String(c.p),
        });
        span.addEventListener('mouseenter', () => showDetail(c, i));
        span.addEventListener('focus', () => showDetail(c, i));
        return span;
      }),
    );
    detail.replaceChildren(el('p', 'Hover or focus a character for details.'));
    totals.textContent = `${JSON.stringify(text)}\n${linesText(sentenceLines(s, eos.checked))}`;
    totals.dataset.logprob = String(s.logprob);
    totals.dataset.text = text;
    totals.dataset.adapt = String(Boolean(a && adapt.checked));
    onText(text);
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  input.addEventListener(
    'input',
    () => {
      clearTimeout(timer);
      timer = setTimeout(() => void update(), 100);
    },
    { signal },
  );
  signal.addEventListener('abort', () => clearTimeout(timer));
  eos.addEventListener('change', () => void update(), { signal });
  adapt.addEventListener('change', () => void update(), { signal });
  void update();
}
