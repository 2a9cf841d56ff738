// The Inside part: the scored text shaded by one hidden unit (a layer's output a<t> or an
// LSTM's cell state c<t>, read from the same Stepper that scores), a unit picker, the
// units that vary most over the text, and for the character under the cursor the units
// most active there.

import { Stepper } from '../model/stepper.js';
import { EOS_ID } from '../text/tokenizer.js';
import { arrowNavigation, byId, el, numberIn } from './dom.js';
import { shown } from '../display/glyph.js';
import type { PageModel } from './load.js';

type Kind = 'h' | 'c';

/** States after reading each character: [position][layer] → { h, c } copies. */
interface Trace {
  chars: string[];
  states: Array<Array<{ h: Float64Array; c: Float64Array | null }>>;
}

export function setupInside(m: PageModel, signal: AbortSignal): (text: string) => void {
  const { layers, hidden: H, cell } = m.meta.model;
  const stepper = new Stepper(m.params);
  const layer = byId<HTMLSelectElement>('inside-layer');
  const kind = byId<HTMLSelectElement>('inside-kind');
  const unit = byId<HTMLInputElement>('inside-unit');
  const varied = byId('inside-varied');
  const chars = byId('inside-chars');
  const detail = byId('inside-detail');
  arrowNavigation(chars, signal);
  layer.replaceChildren();
  for (let l = 0; l < layers; l++) layer.append(el('option', `${l + 1} of ${layers}`, { value: String(l) }));
  kind.querySelector<HTMLOptionElement>('option[value="c"]')!.disabled = cell !== 'lstm';
  if (cell !== 'lstm') kind.value = 'h';
  unit.max = String(H - 1);
  let trace: Trace = { chars: [], states: [] };

  const values = (pos: number): Float64Array => {
    const st = trace.states[pos]![Number(layer.value)]!;
    return (kind.value as Kind) === 'c' && st.c ? st.c : st.h;
  };
  const chosen = () => Math.max(0, Math.min(H - 1, Math.floor(numberIn(unit) ?? 0)));
  const pick = (u: number) => {
    unit.value = String(u);
    draw();
  };

  const draw = () => {
    const u = chosen();
    const acts = trace.chars.map((_, i) => values(i)[u]!);
    const scale = Math.max(1e-9, ...acts.map(Math.abs), (kind.value as Kind) === 'h' ? 1 : 0); // outputs lie in [−1, 1]
    chars.replaceChildren(
      ...trace.chars.map((ch, i) => {
        const a = acts[i]!;
        const span = el('span', shown(ch), { tabindex: '0', 'data-act': String(a), title: `${JSON.stringify(ch)}: unit ${u} = ${a.toFixed(4)}` });
        const alpha = Math.min(1, Math.abs(a) / scale);
        span.style.background = a >= 0 ? `rgba(214, 39, 40, ${alpha})` : `rgba(31, 119, 180, ${alpha})`;
        if (alpha > 0.6) span.style.color = '#fff';
        const show = () => showTop(i);
        span.addEventListener('mouseenter', show);
        span.addEventListener('focus', show);
        return span;
      }),
    );
    chars.dataset.unit = String(u);
    chars.dataset.layer = layer.value;
    chars.dataset.kind = kind.value;
    // Units whose value varies most over the text (standard deviation), as shortcuts.
    const n = trace.chars.length;
    const sd = Array.from({ length: H }, (_, k) => {
      if (n < 2) return 0;
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const v = values(i)[k]!;
        s += v;
        s2 += v * v;
      }
      return Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2));
    });
    varied.replaceChildren(
      ...unitButtons(
        Array.from(sd.keys())
          .sort((a, b) => sd[b]! - sd[a]!)
          .slice(0, 8),
        (k) => `sd ${sd[k]!.toFixed(2)}`,
      ),
    );
  };

  const unitButtons = (units: number[], note: (k: number) => string) =>
    units.map((k) => {
      const b = el('button', `${k} (${note(k)})`, { class: 'unit', 'aria-label': `show unit ${k}` });
      b.addEventListener('click', () => pick(k));
      return b;
    });

  const showTop = (i: number) => {
    const v = values(i);
    const top = Array.from(v.keys())
      .sort((a, b) => Math.abs(v[b]!) - Math.abs(v[a]!))
      .slice(0, 10);
    detail.replaceChildren(
      el(
        'p',
        `Most active units after ${JSON.stringify(trace.chars[i])} (position ${i + 1}, layer ${Number(layer.value) + 1}, ${kind.value === 'c' ? 'cell state' : 'output'}):`,
      ),
      el('div', '', { class: 'buttons' }),
    );
    detail.lastElementChild!.append(...unitButtons(top, (k) => (v[k]! >= 0 ? '+' : '') + v[k]!.toFixed(3)));
  };

  for (const e of [layer, kind]) e.addEventListener('change', draw, { signal });
  unit.addEventListener('input', draw, { signal });
  byId('inside-prev').addEventListener('click', () => pick((chosen() + H - 1) % H), { signal });
  byId('inside-next').addEventListener('click', () => pick((chosen() + 1) % H), { signal });

  // Feed <EOS> then each token, keeping every layer's state after each one.
  return (text: string) => {
    const { ids } = m.vocab.encode(text);
    const cps = m.vocab.split(text); // characters, or a word model's words
    stepper.reset();
    stepper.step(EOS_ID);
    trace = { chars: cps, states: [] };
    for (const id of ids) {
      stepper.step(id);
      trace.states.push(
        Array.from({ length: layers }, (_, l) => {
          const s = stepper.state(l);
          return { h: s.h.slice(), c: s.c ? s.c.slice() : null };
        }),
      );
    }
    detail.replaceChildren();
    draw();
  };
}
