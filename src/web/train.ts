// The Train part: a text (file picker, drop, paste), the CLI's settings as fields (`auto`
// shown with the reasons the CLI prints), Train / Stop / Resume, the loss chart, speed and
// backend as it trains, samples at each evaluation, Download and Open checkpoint. Training
// runs on this thread between paints (run.ts); each new best model goes at once to
// Generate, Score and Inside, and every save is kept in IndexedDB (saved.ts).

import uPlot from 'uplot';
import * as tf from '@tensorflow/tfjs';
import type { Auto } from '../auto.js';
import { FILES } from '../checkpoint-codec.js';
import { decodeText } from '../corpus.js';
import { DEFAULT_SEGMENTATION, MODEL_DEFAULTS, TRAINING_DEFAULTS } from '../defaults.js';
import { CELLS, type CellKind } from '../model/config.js';
import { Rng } from '../rng.js';
import { sampleChars } from '../sample.js';
import { LN2 } from '../sentence.js';
import { EOS_ID, type Segmentation } from '../tokenizer.js';
import type { StepInfo, TrainResult } from '../trainer.js';
import { checkpointFromFiles, download, folderFor, zipCheckpoint } from './ckfiles.js';
import { byId, el, numberIn } from './dom.js';
import { modelFrom, predictor, startBackend, type PageModel } from './load.js';
import { corpusInfo, PageStore, trainNew, trainOn, type RunSettings } from './run.js';
import { forgetRun, loadRun, saveRun } from './saved.js';

export interface TrainHooks {
  /** Make `m` the model of Generate, Score, Inside and Model. */
  useModel(m: PageModel): void;
  /** Whether the page has a model already (served with it, opened or trained). */
  hasModel(): boolean;
  /** The backend running now. */
  backend(): string;
  /** Say that the backend changed (and why). */
  setBackend(name: string, why: string): void;
}

const STOP_TEXT: Record<string, string> = {
  epochs: 'finished its epochs',
  steps: 'reached the step cap',
  time: 'time budget reached',
  patience: 'stopped early: no improvement',
  interrupted: 'stopped; Resume goes on exactly where it stopped',
};

function autoInt(input: HTMLInputElement, what: string): Auto<number> {
  const v = input.value.trim();
  if (v === '' || v === 'auto') return 'auto';
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what}: a whole number of 1 or more, or auto`);
  return n;
}

function duration(s: number): string {
  if (!Number.isFinite(s)) return '—';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m ${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(0)}s`;
}

/** The chart of the run: training loss at each step, validation and the n-gram at each evaluation (bits/char). */
class LossChart {
  private plot: uPlot | null = null;
  private readonly steps: number[] = [];
  private readonly train: number[] = [];
  private readonly val: Array<number | null> = [];
  private ngram: number | null = null;
  private drawn = 0;

  constructor(private readonly box: HTMLElement) {}

  reset(history: Array<{ step: number; train: number; val?: number }> = []): void {
    this.plot?.destroy();
    this.plot = null;
    this.box.replaceChildren();
    this.steps.length = this.train.length = this.val.length = 0;
    for (const h of history) this.add(h.step, h.train, h.val ?? null);
    this.draw(true);
  }

  setNGram(nats: number | null): void {
    this.ngram = nats;
  }

  add(step: number, train: number, val: number | null): void {
    const last = this.steps.length - 1;
    if (last >= 0 && this.steps[last] === step) {
      if (val !== null) this.val[last] = val / LN2;
      return;
    }
    this.steps.push(step);
    this.train.push(train / LN2);
    this.val.push(val === null ? null : val / LN2);
  }

  /** Redraw (at most a few times a second unless `now`). */
  draw(now = false): void {
    if (!now && performance.now() - this.drawn < 250) return;
    this.drawn = performance.now();
    if (this.steps.length < 2) return;
    const ng = this.ngram;
    const data: uPlot.AlignedData = [this.steps, this.train, this.val, this.steps.map(() => (ng === null ? null : ng / LN2))];
    if (this.plot) {
      this.plot.setData(data);
      return;
    }
    const width = Math.max(260, Math.min(900, this.box.clientWidth || 600));
    this.plot = new uPlot(
      {
        width,
        height: 260,
        scales: { x: { time: false } },
        axes: [{ label: 'step' }, { label: 'bits/char' }],
        series: [
          { label: 'step' },
          { label: 'train (this step)', stroke: '#1f77b4', width: 1 },
          { label: 'validation', stroke: '#d62728', width: 2, spanGaps: true, points: { show: true } },
          { label: 'n-gram (validation)', stroke: '#8c6d00', width: 1.5, dash: [2, 3] },
        ],
      },
      data,
      this.box,
    );
  }
}

export function setupTrain(hooks: TrainHooks): void {
  const file = byId<HTMLInputElement>('train-file');
  const textBox = byId<HTMLTextAreaElement>('train-text');
  const textInfo = byId('train-text-info');
  const mode = byId<HTMLSelectElement>('train-mode');
  const cell = byId<HTMLSelectElement>('train-cell');
  const layers = byId<HTMLInputElement>('train-layers');
  const hidden = byId<HTMLInputElement>('train-hidden');
  const time = byId<HTMLInputElement>('train-time');
  const steps = byId<HTMLInputElement>('train-steps');
  const lr = byId<HTMLInputElement>('train-lr');
  const seed = byId<HTMLInputElement>('train-seed');
  const backendPick = byId<HTMLSelectElement>('train-backend');
  const runButton = byId<HTMLButtonElement>('train-run');
  const stopButton = byId<HTMLButtonElement>('train-stop');
  const resumeButton = byId<HTMLButtonElement>('train-resume');
  const downloadButton = byId<HTMLButtonElement>('train-download');
  const open = byId<HTMLInputElement>('train-open');
  const openDir = byId<HTMLInputElement>('train-open-folder');
  const status = byId('train-status');
  const choices = byId('train-choices');
  const samples = byId('train-samples');
  const section = byId('train');
  const chart = new LossChart(byId('train-chart'));

  let name = 'pasted.txt';
  let store: PageStore | null = null;
  let running: AbortController | null = null;
  let losses: number[] = []; // per-step training losses of this page's runs, for tests and the curious
  let lastVal: number | null = null;

  const say = (text: string, state?: string) => {
    status.textContent = text;
    if (state) section.dataset.state = state;
  };
  const showText = () => {
    const chars = [...textBox.value].length;
    textInfo.textContent = chars ? `${name}: ${chars.toLocaleString('en')} characters, ${textBox.value.split('\n').length.toLocaleString('en')} lines` : '';
  };
  const setText = (text: string, n: string) => {
    textBox.value = text;
    name = n;
    showText();
  };
  const readFile = async (f: File) => {
    try {
      setText(decodeText(new Uint8Array(await f.arrayBuffer()), f.name), f.name);
    } catch (e) {
      say((e as Error).message, 'error');
    }
  };
  file.addEventListener('change', () => void (file.files?.[0] && readFile(file.files[0])));
  textBox.addEventListener('input', () => {
    name = 'pasted.txt';
    showText();
  });
  textBox.addEventListener('dragover', (e) => e.preventDefault());
  textBox.addEventListener('drop', (e) => {
    const f = e.dataTransfer?.files[0];
    if (!f) return;
    e.preventDefault();
    void readFile(f);
  });

  const settings = (): RunSettings => {
    const minutes = numberIn(time);
    const rate = lr.value.trim();
    const n = numberIn(steps);
    if (rate !== '' && rate !== 'auto' && !(Number(rate) > 0)) throw new Error('Learning rate: a number above 0, or auto');
    return {
      segmentation: mode.value as Auto<Segmentation>,
      model: { ...MODEL_DEFAULTS, cell: cell.value as CellKind, layers: autoInt(layers, 'Layers'), hidden: autoInt(hidden, 'Hidden') },
      training: {
        ...TRAINING_DEFAULTS,
        time: minutes !== undefined && minutes > 0 ? minutes * 60 : null,
        lr: rate === '' || rate === 'auto' ? 'auto' : Number(rate),
        seed: Math.max(0, Math.floor(numberIn(seed) ?? 1)),
      },
      maxSteps: n !== undefined && n >= 1 ? Math.floor(n) : undefined,
    };
  };

  const persist = async (s: PageStore) => {
    try {
      await saveRun({ name, text: textBox.value, files: [...s.files], savedAt: new Date().toISOString() });
      section.dataset.saved = 'indexeddb';
    } catch (e) {
      section.dataset.saved = 'none';
      say(`${status.textContent} — not kept in this browser (${(e as Error).message}): download the checkpoint to keep it`);
    }
  };

  const showSamples = (m: PageModel) => {
    const lines = m.meta.segmentation === 'line' ? 4 : 1;
    const out: string[] = [];
    const rng = new Rng(1);
    for (let i = 0; i < lines; i++) {
      let s = '';
      for (const c of sampleChars(predictor(m), m.vocab, { temperature: 0.8, length: lines > 1 ? 80 : 240, stopAtEos: lines > 1, rng })) if (c.id !== EOS_ID) s += c.text;
      out.push(s);
    }
    samples.textContent = out.join('\n');
  };

  /** A save with a new best model: it becomes the page's model at once. */
  const saved = (s: PageStore, weights: boolean) => {
    downloadButton.disabled = false;
    if (!weights) return;
    const m = modelFrom(s.source(), hooks.backend(), `trained here on ${name}`);
    hooks.useModel(m);
    showSamples(m);
  };

  const onStep = (s: StepInfo) => {
    losses.push(s.loss);
    section.dataset.steps = String(losses.length);
    section.dataset.step = String(s.step);
    chart.add(s.step, s.loss, null);
    chart.draw();
    const val = lastVal === null ? '' : ` · val ${(lastVal / LN2).toFixed(3)}`;
    say(`step ${s.step}${s.totalSteps === null ? '' : `/${s.totalSteps}`} · epoch ${s.epoch.toFixed(2)} · train ${(s.loss / LN2).toFixed(3)} bits/char${val} · ${Math.round(s.charsPerSec).toLocaleString('en')} chars/s on ${hooks.backend()} · ETA ${duration(s.etaSeconds)}`, 'training');
  };

  const choiceLines = (lines: Array<[string, string]>) => choices.replaceChildren(...lines.map(([k, v]) => el('li', `${k.padEnd(9)} ${v}`)));

  const begin = async (work: (signal: AbortSignal) => Promise<TrainResult>) => {
    if (running) return;
    running = new AbortController();
    runButton.disabled = resumeButton.disabled = true;
    stopButton.disabled = false;
    section.dataset.state = 'starting';
    try {
      const want = backendPick.value;
      if (want && want !== tf.getBackend()) {
        const b = await startBackend(want);
        hooks.setBackend(b.name, 'chosen in the Train part');
      }
      const r = await work(running.signal);
      const best = r.meta.progress.bestVal;
      say(`${STOP_TEXT[r.stopped]} after ${r.meta.progress.step} steps (${duration(r.seconds)}, ${Math.round(r.charsPerSec).toLocaleString('en')} chars/s on ${hooks.backend()})${best === null ? '' : `; best validation ${(best / LN2).toFixed(3)} bits/char`}`, r.stopped === 'interrupted' ? 'stopped' : 'done');
      section.dataset.losses = JSON.stringify(losses);
      chart.draw(true);
    } catch (e) {
      say(`Training stopped: ${(e as Error).message}`, 'error');
    } finally {
      running = null;
      runButton.disabled = false;
      stopButton.disabled = true;
      resumeButton.disabled = !store?.files.has(FILES.resume);
    }
  };

  const events = {
    onStart: (s: Parameters<NonNullable<Parameters<typeof trainNew>[4]['onStart']>>[0]) => {
      const m = s.model;
      const t = s.training;
      const lines: Array<[string, string]> = [
        ['corpus', `${name}: ${(s.corpus.train.length - 1).toLocaleString('en')} training tokens, ${s.corpus.val ? (s.corpus.val.length - 1).toLocaleString('en') : 0} validation tokens (${s.segmentation} mode)`],
        ['model', `${m.layers}-layer ${m.cell.toUpperCase()}, hidden ${m.hidden}, ${s.parameters.toLocaleString('en')} parameters${m.dropout ? `, dropout ${m.dropout}` : ''}`],
        ['training', `batch ${t.batchSize} × ${t.seqLen} steps, Adam lr ${t.lr}${t.time ? `, budget ${duration(t.time)}` : ''}`],
        ...s.choices.map((c): [string, string] => ['auto', `${c.what} ${c.value}: ${c.reason}`]),
        ['backend', hooks.backend()],
      ];
      choiceLines(lines);
      if (s.resumedAt !== null) say(`resuming at step ${s.resumedAt}…`, 'training');
    },
    onNGram: (n: { order: number; val: number | null; seconds: number }) => {
      chart.setNGram(n.val);
      choices.append(el('li', `baseline  a ${n.order}-gram of this text (${n.seconds.toFixed(1)} s)${n.val === null ? '' : `: ${(n.val / LN2).toFixed(3)} bits/char on validation; the network has to beat that`}`));
    },
    onStep,
    onEval: (e: { step: number; train: number; val: number | null }) => {
      if (e.val !== null) lastVal = e.val;
      chart.add(e.step, e.train, e.val);
      chart.draw(true);
    },
  };

  runButton.addEventListener('click', () => {
    let text: string;
    let s: RunSettings;
    try {
      text = decodeText(new TextEncoder().encode(textBox.value), name);
      s = settings();
    } catch (e) {
      say((e as Error).message, 'error');
      return;
    }
    losses = [];
    lastVal = null;
    chart.reset();
    samples.textContent = '';
    store = new PageStore(name, [], persist, saved);
    const st = store;
    say('choosing the settings (timing candidate sizes on this machine)…', 'starting');
    void begin((signal) => trainNew(name, text, s, st, events, signal, hooks.backend()));
  });

  stopButton.addEventListener('click', () => running?.abort());

  resumeButton.addEventListener('click', () => {
    if (!store) return;
    const st = store;
    const text = textBox.value.replace(/\r\n?/g, '\n');
    if (corpusInfo(name, text).sha256 !== JSON.parse(new TextDecoder().decode(st.files.get(FILES.meta)!)).corpus.sha256) {
      say(`Resume needs the text this model was trained on: choose that file (${st.name}) first`, 'error');
      return;
    }
    const n = numberIn(steps);
    const minutes = numberIn(time);
    void begin((signal) => trainOn(name, text, { maxSteps: n !== undefined && n >= 1 ? Math.floor(n) : undefined, time: minutes !== undefined && minutes > 0 ? minutes * 60 : undefined }, st, events, signal, hooks.backend()));
  });

  downloadButton.addEventListener('click', () => {
    if (!store) return;
    const folder = folderFor(store.name);
    download(zipCheckpoint(store.files, folder), `${folder}.zip`);
  });

  const opened = async (list: File[]) => {
    try {
      const ck = await checkpointFromFiles(list);
      const m = modelFrom({ where: ck.name, read: (n) => ck.files.get(n) ?? null }, hooks.backend(), ck.name);
      hooks.useModel(m);
      store = new PageStore(m.meta.corpus.path, ck.files, persist, saved);
      chart.reset(m.meta.history);
      chart.setNGram(m.meta.ngram?.val ?? null);
      chart.draw(true);
      downloadButton.disabled = false;
      resumeButton.disabled = !ck.files.has(FILES.resume);
      say(`opened ${ck.name}: trained on ${m.meta.corpus.path}, step ${m.meta.progress.step}${ck.files.has(FILES.resume) ? '. To train on, choose the same text and press Resume' : ' (no resume.bin: it can be used, not trained on)'}`, 'opened');
    } catch (e) {
      say(`Could not open the checkpoint: ${(e as Error).message}`, 'error');
    }
  };
  open.addEventListener('change', () => void opened([...(open.files ?? [])]));
  openDir.addEventListener('change', () => void opened([...(openDir.files ?? [])]));

  for (const c of CELLS) if (![...cell.options].some((o) => o.value === c)) cell.append(el('option', c, { value: c }));
  mode.value = DEFAULT_SEGMENTATION;

  // A run kept in this browser: its text and files come back, ready to Resume.
  void loadRun()
    .then((r) => {
      if (!r) return;
      setText(r.text, r.name);
      store = new PageStore(r.name, r.files, persist, saved);
      const m = modelFrom(store.source(), hooks.backend(), `trained here on ${r.name}`);
      chart.reset(m.meta.history);
      chart.setNGram(m.meta.ngram?.val ?? null);
      chart.draw(true);
      downloadButton.disabled = false;
      resumeButton.disabled = !store.files.has(FILES.resume);
      say(`A run kept in this browser (${r.name}, step ${m.meta.progress.step}, saved ${r.savedAt.slice(0, 19).replace('T', ' ')}): Resume goes on with it, Train starts over.`, 'restored');
      if (!hooks.hasModel()) hooks.useModel(m);
    })
    .catch((e: Error) => {
      section.dataset.saved = 'none';
      textInfo.textContent = `Training here is not kept across reloads in this browser (${e.message}): download the checkpoint to keep it.`;
    });
  byId('train-forget').addEventListener('click', () => void forgetRun().then(() => say('Forgot the run kept in this browser.')));
}
