// The Inside part's gates and "what it looked at": the text from Score shaded by one gate
// (its mean over the units, or one unit) after each character, and, for the character under
// the cursor, every earlier character shaded by its influence on the prediction made there
// (‖∂ ln P / ∂ x<k>‖). The same inside() as `rnnlm inside`, so the numbers are the CLI's.

import { GATE_NAMES, inside, type GateName, type Inside } from '../inference/inside.js';
import { arrowNavigation, byId, el, numberIn } from './dom.js';
import { shown } from '../display/glyph.js';
import type { PageModel } from './load.js';

const LABEL: Record<GateName, string> = {
  update: 'Γu update',
  forget: 'Γf forget',
  output: 'Γo output',
  reset: 'Γr reset',
};

export function setupGates(m: PageModel, signal: AbortSignal): (text: string) => void {
  const { layers, hidden: H, cell } = m.meta.model;
  const layer = byId<HTMLSelectElement>('gates-layer');
  const gate = byId<HTMLSelectElement>('gates-gate');
  const view = byId<HTMLSelectElement>('gates-view');
  const unit = byId<HTMLInputElement>('gates-unit');
  const chars = byId('gates-chars');
  const look = byId('look-chars');
  const lookInfo = byId('look-info');
  arrowNavigation(chars, signal);
  arrowNavigation(look, signal);
  layer.replaceChildren();
  gate.replaceChildren();
  for (const e of [layer, gate, view, unit]) e.disabled = false;
  unit.disabled = view.value !== 'unit';
  chars.replaceChildren();
  look.replaceChildren();
  for (let l = 0; l < layers; l++) layer.append(el('option', `${l + 1} of ${layers}`, { value: String(l) }));
  for (const g of GATE_NAMES[cell]) gate.append(el('option', LABEL[g], { value: g }));
  if (GATE_NAMES[cell].length === 0) {
    for (const e of [layer, gate, view, unit]) e.disabled = true;
    chars.replaceChildren(el('p', 'A plain RNN has no gates: a⟨t⟩ = tanh(W_aa a⟨t−1⟩ + W_ax x⟨t⟩ + b_a).'));
  }
  unit.max = String(H - 1);
  let text = '';
  let r: Inside | null = null;

  const drawGates = () => {
    if (!r || GATE_NAMES[cell].length === 0) return;
    const g = r.gates[Number(layer.value)]!;
    const name = gate.value as GateName;
    const u = Math.max(0, Math.min(H - 1, Math.floor(numberIn(unit) ?? 0)));
    const perUnit = view.value === 'unit';
    unit.disabled = !perUnit;
    const values = perUnit ? g.units![name]!.map((row) => row[u]!) : g[name]!;
    chars.replaceChildren(
      ...r.tokens.map((tok, i) => {
        const v = values[i]!;
        const span = el('span', shown(tok), {
          tabindex: '0',
          'data-gate': String(v),
          title: `${JSON.stringify(tok)}: ${LABEL[name]} ${perUnit ? `unit ${u}` : 'mean'} = ${v.toFixed(4)}; ${(100 * g.open[name]![i]!).toFixed(0)}% of units above 0.9, ${(100 * g.shut[name]![i]!).toFixed(0)}% below 0.1`,
        });
        span.style.background = `rgba(44, 160, 44, ${v})`; // 0 shut (white) … 1 open (green)
        if (v > 0.6) span.style.color = '#fff';
        return span;
      }),
    );
    chars.dataset.state = `${layer.value}:${name}:${perUnit ? u : 'mean'}`;
  };

  // Influence on the prediction made after position `at`.
  const drawLook = (at: number, focus = false) => {
    if (!r) return;
    const q = at === r.at ? r : inside(m.params, m.vocab, text, { at });
    const max = Math.max(...q.influence);
    look.replaceChildren(
      ...q.tokens.map((tok, i) => {
        const v = q.influence[i]!;
        const span = el('span', shown(tok), {
          tabindex: '0',
          'data-influence': String(v),
          title:
            i <= at
              ? `${JSON.stringify(tok)}: influence ${v.toPrecision(3)} (${((100 * v) / Math.max(max, 1e-300)).toFixed(1)}% of the most)`
              : 'after the prediction: no influence',
        });
        const a = max > 0 ? v / max : 0;
        span.style.background = `rgba(214, 39, 40, ${a})`;
        if (a > 0.6) span.style.color = '#fff';
        if (i === at) span.classList.add('at');
        const pick = () => drawLook(i, true);
        span.addEventListener('click', pick);
        span.addEventListener('keydown', (e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            pick();
          }
        });
        return span;
      }),
    );
    look.dataset.at = String(at);
    lookInfo.textContent = `Shaded: how much each input moved ln P(${JSON.stringify(q.target)}) = ${q.logprob.toFixed(3)}, the prediction made after position ${at} (${at === 0 ? '<EOS>' : JSON.stringify(q.tokens[at])}). Click or press Enter on another character to explain the prediction made there.`;
    if (focus) (look.querySelector('span.at') as HTMLElement | null)?.focus({ preventScroll: true });
  };

  for (const e of [layer, gate, view]) e.addEventListener('change', drawGates, { signal });
  unit.addEventListener('input', drawGates, { signal });

  return (t: string) => {
    text = t;
    r = inside(m.params, m.vocab, t, { units: true });
    drawGates();
    drawLook(r.at);
  };
}
