// The Generate part: a prime, temperature, top-k, top-p, length and seed; the text streams
// in as it is drawn, by the same sampler as `rnnlm sample` (the same seed gives the same
// text here and there), until <EOS>, the length, or Stop.

import { Rng } from '../common/rng.js';
import { sampleChars } from '../inference/sample.js';
import { EOS_ID } from '../text/tokenizer.js';
import { heat } from '../display/surprise.js';
import { byId, el, numberIn } from './dom.js';
import type { PageModel } from './load.js';

export function setupGenerate(m: PageModel, signal: AbortSignal): void {
  const stepper = m.predictor(); // its own: generation and scoring interleave
  const prime = byId<HTMLTextAreaElement>('gen-prime');
  const temp = byId<HTMLInputElement>('gen-temp');
  const tempValue = byId<HTMLOutputElement>('gen-temp-value');
  const topK = byId<HTMLInputElement>('gen-topk');
  const topP = byId<HTMLInputElement>('gen-topp');
  const length = byId<HTMLInputElement>('gen-length');
  const seed = byId<HTMLInputElement>('gen-seed');
  const stopAtEos = byId<HTMLInputElement>('gen-stop');
  const run = byId<HTMLButtonElement>('gen-run');
  const stop = byId<HTMLButtonElement>('gen-stop-button');
  const out = byId('gen-out');
  const primeOut = out.querySelector<HTMLElement>('.prime')!;
  const genOut = out.querySelector<HTMLElement>('.gen')!;
  const info = byId('gen-info');

  const showTemp = () => (tempValue.textContent = Number(temp.value).toFixed(2));
  temp.addEventListener('input', showTemp, { signal });
  showTemp();
  let stopRequested = false;
  run.disabled = false;
  stop.addEventListener('click', () => (stopRequested = true), { signal });
  signal.addEventListener('abort', () => (stopRequested = true)); // a new model: the old one stops drawing
  prime.addEventListener(
    'keydown',
    (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) run.click();
    },
    { signal },
  );

  run.addEventListener(
    'click',
    () => {
      const s = numberIn(seed) ?? crypto.getRandomValues(new Uint32Array(1))[0]!;
      const k = numberIn(topK);
      const p = numberIn(topP);
      const primeText = prime.value;
      const unknown = [...new Set(m.vocab.split(primeText).filter((t) => !m.vocab.hasToken(t)))];
      const gen = sampleChars(stepper, m.vocab, {
        temperature: Number(temp.value),
        topK: k !== undefined && k >= 1 ? Math.floor(k) : undefined,
        topP: p !== undefined && p > 0 && p < 1 ? p : undefined,
        prime: primeText,
        unkOk: true,
        length: Math.max(1, Math.floor(numberIn(length) ?? 300)),
        stopAtEos: stopAtEos.checked,
        rng: new Rng(s >>> 0),
      });
      primeOut.textContent = primeText;
      genOut.textContent = '';
      out.dataset.state = 'running';
      out.dataset.seed = String(s >>> 0);
      info.textContent = unknown.length
        ? `The prime has ${m.vocab.unit === 'word' ? 'words' : 'characters'} the model never saw, read as <UNK>: ${unknown.join(' ')}`
        : '';
      run.disabled = true;
      stop.disabled = false;
      stopRequested = false;
      const eosStops = stopAtEos.checked;
      let chars = 0;
      let pending = document.createDocumentFragment(); // characters drawn since the last paint
      const paint = () => {
        genOut.append(pending);
        pending = document.createDocumentFragment();
      };
      const finish = (logprob: number | null) => {
        paint();
        out.dataset.state = 'done';
        run.disabled = false;
        stop.disabled = true;
        const lp = logprob === null ? 'stopped' : `ln P ${logprob.toFixed(3)}`;
        info.textContent = `${info.textContent ? info.textContent + ' · ' : ''}seed ${s >>> 0} · ${chars} characters · ${lp}`;
      };
      // Draw for about a frame at a time, then let the page paint and take clicks.
      const pump = () => {
        const until = performance.now() + 15;
        while (performance.now() < until) {
          if (stopRequested) return finish(null);
          const r = gen.next();
          if (r.done) return finish(r.value);
          if (r.value.id === EOS_ID && eosStops) continue;
          if (r.value.id !== EOS_ID) chars++;
          // Shaded by the model's own P of the character, as `rnnlm sample --color` does.
          const [red, green, blue] = heat(r.value.p);
          pending.append(el('span', r.value.text, { style: `background: rgba(${red}, ${green}, ${blue}, 0.35)`, title: `P ${r.value.p.toFixed(3)}` }));
        }
        paint();
        setTimeout(pump, 0);
      };
      pump();
    },
    { signal },
  );
}
