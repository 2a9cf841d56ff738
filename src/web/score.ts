// The Score part: as you type, the text is scored as `rnnlm score` scores it (the same
// scoreSentence, the same lines of numbers), each character shaded by its surprisal level
// (the levels of `score --per-char`), with its probability and the model's top 5 on hover
// or focus.

import { linesText, sentenceLines } from '../describe.js';
import { scoreSentence, type CharScore } from '../sentence.js';
import { surprise } from '../surprise.js';
import { arrowNavigation, byId, el, shown } from './dom.js';
import { predictor, type PageModel } from './load.js';

/** `onText` receives the text after each scoring, for the Inside part. */
export function setupScore(m: PageModel, onText: (text: string) => void, signal: AbortSignal): void {
  const stepper = predictor(m);
  const input = byId<HTMLTextAreaElement>('score-text');
  const eos = byId<HTMLInputElement>('score-eos');
  const chars = byId('score-chars');
  const detail = byId('score-detail');
  const totals = byId('score-totals');
  arrowNavigation(chars, signal);

  const describe = (c: CharScore, i: number) =>
    `${JSON.stringify(c.char)} at ${i + 1}: P ${c.p.toFixed(4)}, ${c.bits.toFixed(2)} bits${c.oov ? ' (not in the vocabulary: scored as <UNK>)' : ''}`;
  const showDetail = (c: CharScore, i: number) => {
    detail.replaceChildren(el('p', describe(c, i)), el('p', `Model's top 5 here: ${c.top!.map((t) => `${JSON.stringify(t.char)} ${t.p.toFixed(3)}`).join(' · ')}`));
  };

  const update = () => {
    const text = input.value;
    const s = scoreSentence(stepper, m.vocab, text, { noEos: !eos.checked, perChar: true, top: 5 });
    const join = m.vocab.joiner(); // a word model's tokens shaded as words, spaced as the text is
    chars.replaceChildren(
      ...s.chars!.map((c, i) => {
        const span = el('span', m.vocab.unit === 'word' && c.char !== '<EOS>' ? join(c.char) : shown(c.char), { class: `s-${surprise(c.bits)}${c.oov ? ' oov' : ''}`, tabindex: '0', title: describe(c, i), 'data-p': String(c.p) });
        span.addEventListener('mouseenter', () => showDetail(c, i));
        span.addEventListener('focus', () => showDetail(c, i));
        return span;
      }),
    );
    detail.replaceChildren(el('p', 'Hover or focus a character for details.'));
    totals.textContent = `${JSON.stringify(text)}\n${linesText(sentenceLines(s, eos.checked))}`;
    totals.dataset.logprob = String(s.logprob);
    totals.dataset.text = text;
    onText(text);
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(update, 100);
  }, { signal });
  signal.addEventListener('abort', () => clearTimeout(timer));
  eos.addEventListener('change', update, { signal });
  update();
}
