// The Train part: a text (file picker, drop, paste), the CLI's settings as fields (`auto`
// shown with the reasons the CLI prints), Train / Stop / Resume, the loss chart, speed and
// backend as it trains, samples at each new best model, Download and Open checkpoint. The
// training runs in a Web Worker (worker.ts) so the page stays responsive; each save's files
// come back here, where a new best model goes at once to Generate, Score and Inside, and the
// run is kept in IndexedDB (saved.ts).

import type { Auto } from '../training/auto.js';
import { FILES, memorySource } from '../checkpoint/codec.js';
import { decodeText } from '../text/corpus.js';
import { DEFAULT_SEGMENTATION, MODEL_DEFAULTS, TRAINING_DEFAULTS } from '../training/defaults.js';
import { CELLS, type CellKind } from '../model/config.js';
import { Rng } from '../common/rng.js';
import { sampleChars } from '../inference/sample.js';
import { LN2 } from '../inference/sentence.js';
import { EOS_ID, type Segmentation } from '../text/tokenizer.js';
import type { EvalInfo, StepInfo } from '../training/trainer.js';
import { checkpointFromFiles, download, folderFor, zipCheckpoint } from './checkpoint-files.js';
import { byId, el, numberIn } from './dom.js';
import { hash, modelFrom, type PageModel } from './load.js';
import { LossChart } from './losschart.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { corpusInfo, type RunSettings, type StartMessage } from '../training/memory-run.js';
import { forgetRun, loadRun, saveRun } from './saved.js';

export interface TrainHooks {
  /** Make `m` the model of Generate, Score, Inside and Model. */
  useModel(m: PageModel): void;
  /** Whether the page has a model already (served with it, opened or trained). */
  hasModel(): boolean;
  /** The page's backend (Generate, Score, Inside); the trainer thread starts the same unless the Backend field says otherwise. */
  backend(): string;
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

const int = (n: number) => Math.round(n).toLocaleString('en');

/** The checkpoint the part holds: trained here, kept from an earlier visit, or opened. */
interface Held {
  name: string;
  files: Map<string, Uint8Array>;
}

class TrainPart {
  private readonly section = byId('train');
  private readonly textBox = byId<HTMLTextAreaElement>('train-text');
  private readonly textInfo = byId('train-text-info');
  private readonly status = byId('train-status');
  private readonly choices = byId('train-choices');
  private readonly samples = byId('train-samples');
  private readonly runButton = byId<HTMLButtonElement>('train-run');
  private readonly stopButton = byId<HTMLButtonElement>('train-stop');
  private readonly resumeButton = byId<HTMLButtonElement>('train-resume');
  private readonly downloadButton = byId<HTMLButtonElement>('train-download');
  private readonly backendPick = byId<HTMLSelectElement>('train-backend');
  private readonly chart = new LossChart(byId('train-chart'));
  private name = 'pasted.txt';
  private held: Held | null = null;
  private worker: Worker | null = null;
  private running = false;
  private trainBackend = '';
  /** Per-step training losses of this page's runs (Train starts them over), for tests and the curious. */
  private losses: number[] = [];
  private lastVal: number | null = null;

  constructor(private readonly hooks: TrainHooks) {}

  // ---- the text

  setText(text: string, name: string): void {
    this.textBox.value = text;
    this.name = name;
    this.showText();
  }

  showText(): void {
    const t = this.textBox.value;
    const chars = [...t].length;
    this.textInfo.textContent = chars ? `${this.name}: ${int(chars)} characters, ${int(t.split('\n').length)} lines` : '';
  }

  async readFile(f: File): Promise<void> {
    try {
      this.setText(decodeText(new Uint8Array(await f.arrayBuffer()), f.name), f.name);
    } catch (e) {
      this.say((e as Error).message, 'error');
    }
  }

  typed(): void {
    this.name = 'pasted.txt';
    this.showText();
  }

  // ---- runs

  /** `from`: start from the checkpoint held here (opened, or trained here) rather than random weights. */
  train(s: RunSettings, from = false): void {
    const start = from ? this.startingFiles() : undefined;
    if (from && !start) {
      this.say('Start from: no checkpoint is held here. Open one, or train one first', 'error');
      return;
    }
    let text: string;
    try {
      text = decodeText(new TextEncoder().encode(this.textBox.value), this.name);
    } catch (e) {
      this.say((e as Error).message, 'error');
      return;
    }
    this.losses = [];
    this.lastVal = null;
    this.chart.reset();
    this.samples.textContent = '';
    this.held = { name: this.name, files: new Map() };
    this.say('choosing the settings (timing candidate sizes in this browser)…', 'starting');
    this.send({ kind: 'new', name: this.name, text, settings: s, backend: this.backendPick.value || this.hooks.backend(), ...(start ? { from: start } : {}) });
  }

  /** The held checkpoint's model files, named by the text it was trained on (as `rnnlm info` names a --from). */
  private startingFiles(): { name: string; files: Array<[string, Uint8Array]> } | undefined {
    const h = this.held;
    if (!h || ![FILES.meta, FILES.model, FILES.weights].every((f) => h.files.has(f))) return undefined;
    const files = [FILES.meta, FILES.model, FILES.weights, FILES.ngram].filter((f) => h.files.has(f));
    return { name: heldName(h), files: files.map((f) => [f, h.files.get(f)!]) };
  }

  resume(maxSteps: number | undefined, time: number | undefined): void {
    const h = this.held;
    if (!h) return;
    const text = this.textBox.value.replace(/\r\n?/g, '\n');
    const meta = JSON.parse(new TextDecoder().decode(h.files.get(FILES.meta)!)) as { corpus: { sha256: string; path: string } };
    if (corpusInfo(this.name, text, hash).sha256 !== meta.corpus.sha256) {
      this.say(`Resume needs the text this model was trained on: choose that file (${meta.corpus.path}) first`, 'error');
      return;
    }
    this.send({ kind: 'resume', name: this.name, text, files: [...h.files], maxSteps, time, backend: this.backendPick.value || this.hooks.backend() });
  }

  stop(): void {
    this.worker?.postMessage({ kind: 'stop' } satisfies ToWorker);
  }

  private send(m: ToWorker): void {
    if (this.running) return;
    this.worker ??= this.startWorker();
    this.running = true;
    this.runButton.disabled = this.resumeButton.disabled = true;
    this.stopButton.disabled = false;
    this.section.dataset.state = 'starting';
    this.worker.postMessage(m);
  }

  private startWorker(): Worker {
    const w = new Worker(new URL('trainer.js', location.href), { type: 'module' });
    w.onmessage = (e: MessageEvent<FromWorker>) => this.received(e.data);
    w.onerror = (e) => this.ended(`the trainer thread failed: ${e.message}`);
    return w;
  }

  private received(m: FromWorker): void {
    switch (m.kind) {
      case 'backend':
        this.trainBackend = m.name;
        break;
      case 'start':
        this.started(m.info);
        break;
      case 'ngram':
        this.chart.setNGram(m.val);
        this.choices.append(
          el(
            'li',
            `baseline  a ${m.order}-gram of this text (${m.seconds.toFixed(1)} s)${m.val === null ? '' : `: ${(m.val / LN2).toFixed(3)} bits/char on validation; the network has to beat that`}`,
          ),
        );
        break;
      case 'step':
        this.stepped(m.info);
        break;
      case 'eval':
        this.evaluated(m.info);
        break;
      case 'saved':
        void this.saved(new Map(m.files), m.weights);
        break;
      case 'done': {
        const best = m.bestVal === null ? '' : `; best validation ${(m.bestVal / LN2).toFixed(3)} bits/char`;
        this.ended(
          null,
          `${STOP_TEXT[m.stopped]} after ${m.step} steps (${duration(m.seconds)}, ${int(m.charsPerSec)} chars/s on ${this.trainBackend})${best}`,
          m.stopped === 'interrupted' ? 'stopped' : 'done',
        );
        break;
      }
      case 'error':
        this.ended(m.message);
        break;
    }
  }

  private started(s: StartMessage): void {
    const m = s.model;
    const t = s.training;
    const lines: Array<[string, string]> = [
      ['corpus', `${this.name}: ${int(s.trainTokens)} training tokens, ${int(s.valTokens)} validation tokens (${s.segmentation} mode)`],
      ['model', `${m.layers}-layer ${m.cell.toUpperCase()}, hidden ${m.hidden}, ${int(s.parameters)} parameters${m.dropout ? `, dropout ${m.dropout}` : ''}`],
      ['training', `batch ${t.batchSize} × ${t.seqLen} steps, Adam lr ${t.lr}${t.time ? `, budget ${duration(t.time)}` : ''}`],
      ...s.choices.map((c): [string, string] => ['auto', `${c.what} ${c.value}: ${c.reason}`]),
      ['backend', `${this.trainBackend}, in a worker thread`],
    ];
    this.choices.replaceChildren(...lines.map(([k, v]) => el('li', `${k.padEnd(9)} ${v}`)));
    if (s.resumedAt !== null) this.say(`resuming at step ${s.resumedAt}…`, 'training');
  }

  private stepped(s: StepInfo): void {
    this.losses.push(s.loss);
    this.section.dataset.steps = String(this.losses.length);
    this.section.dataset.step = String(s.step);
    this.chart.add(s.step, s.loss, null);
    this.chart.draw();
    const val = this.lastVal === null ? '' : ` · val ${(this.lastVal / LN2).toFixed(3)}`;
    this.say(
      `step ${s.step}${s.totalSteps === null ? '' : `/${s.totalSteps}`} · epoch ${s.epoch.toFixed(2)} · train ${(s.loss / LN2).toFixed(3)} bits/char${val} · ${int(s.charsPerSec)} chars/s on ${this.trainBackend} · ETA ${duration(s.etaSeconds)}`,
      'training',
    );
  }

  private evaluated(e: EvalInfo): void {
    if (e.val !== null) this.lastVal = e.val;
    this.chart.add(e.step, e.train, e.val);
    this.chart.draw(true);
  }

  /** A save: the files are the run's now; kept in IndexedDB; a new best model goes to the other parts at once. */
  private async saved(files: Map<string, Uint8Array>, weights: boolean): Promise<void> {
    this.held = { name: this.name, files };
    this.downloadButton.disabled = false;
    if (weights) {
      const m = modelFrom(memorySource(this.held.name, this.held.files), this.hooks.backend(), `trained here on ${this.name}`);
      this.hooks.useModel(m);
      this.showSamples(m);
    }
    try {
      await saveRun({ name: this.name, text: this.textBox.value, files: [...files], savedAt: new Date().toISOString() });
      this.section.dataset.saved = 'indexeddb';
    } catch (e) {
      this.section.dataset.saved = 'none';
      this.textInfo.textContent = `Not kept in this browser (${(e as Error).message}): download the checkpoint to keep it.`;
    }
  }

  private ended(error: string | null, text = '', state = 'done'): void {
    this.running = false;
    if (error !== null) this.say(`Training stopped: ${error}`, 'error');
    else this.say(text, state);
    this.section.dataset.losses = JSON.stringify(this.losses);
    this.chart.draw(true);
    this.runButton.disabled = false;
    this.stopButton.disabled = true;
    this.resumeButton.disabled = !this.held?.files.has(FILES.resume);
  }

  private showSamples(m: PageModel): void {
    const lines = m.meta.segmentation === 'line' ? 4 : 1;
    const out: string[] = [];
    const rng = new Rng(1);
    for (let i = 0; i < lines; i++) {
      let s = '';
      for (const c of sampleChars(m.predictor(), m.vocab, { temperature: 0.8, length: lines > 1 ? 80 : 240, stopAtEos: lines > 1, rng }))
        if (c.id !== EOS_ID) s += c.text;
      out.push(s);
    }
    this.samples.textContent = out.join('\n');
  }

  // ---- checkpoints

  download(): void {
    if (!this.held) return;
    const folder = folderFor(this.held.name);
    download(zipCheckpoint(this.held.files, folder), `${folder}.zip`);
  }

  async open(list: File[]): Promise<void> {
    try {
      const ck = await checkpointFromFiles(list);
      const m = modelFrom(memorySource(ck.name, ck.files), this.hooks.backend(), ck.name);
      this.hooks.useModel(m);
      this.show({ name: m.meta.corpus.path, files: ck.files }, m);
      this.say(
        `opened ${ck.name}: trained on ${m.meta.corpus.path}, step ${m.meta.progress.step}${ck.files.has(FILES.resume) ? '. To train on, choose the same text and press Resume' : ' (no resume.bin: it can be used, not trained on)'}`,
        'opened',
      );
    } catch (e) {
      this.say(`Could not open the checkpoint: ${(e as Error).message}`, 'error');
    }
  }

  /** A run kept in this browser: its text and files come back, ready to Resume. */
  async restore(): Promise<void> {
    try {
      const r = await loadRun();
      if (!r) return;
      this.setText(r.text, r.name);
      const held = { name: r.name, files: new Map(r.files) };
      const m = modelFrom(memorySource(held.name, held.files), this.hooks.backend(), `trained here on ${r.name}`);
      this.show(held, m);
      this.say(
        `A run kept in this browser (${r.name}, step ${m.meta.progress.step}, saved ${r.savedAt.slice(0, 19).replace('T', ' ')}): Resume goes on with it, Train starts over.`,
        'restored',
      );
      if (!this.hooks.hasModel()) this.hooks.useModel(m);
    } catch (e) {
      this.section.dataset.saved = 'none';
      this.textInfo.textContent = `Training here is not kept across reloads in this browser (${(e as Error).message}): download the checkpoint to keep it.`;
    }
  }

  async forget(): Promise<void> {
    await forgetRun();
    this.say('Forgot the run kept in this browser.');
  }

  private show(held: Held, m: PageModel): void {
    this.held = held;
    this.chart.reset(m.meta.history);
    this.chart.setNGram(m.meta.ngram?.val ?? null);
    this.chart.draw(true);
    this.downloadButton.disabled = false;
    this.resumeButton.disabled = this.running || !held.files.has(FILES.resume);
    const option = byId<HTMLSelectElement>('train-from').querySelector<HTMLOptionElement>('option[value="held"]')!;
    option.disabled = false;
    option.textContent = `the checkpoint held here (${heldName(held)})`;
  }

  private say(text: string, state?: string): void {
    this.status.textContent = text;
    if (state) this.section.dataset.state = state;
  }
}

/** A held checkpoint by the name of the text it was trained on, as a folder: "/tmp/x/corpus.txt" → "corpus". */
function heldName(h: Held): string {
  return folderFor(h.name.split(/[\\/]/).pop() ?? h.name);
}

export function setupTrain(hooks: TrainHooks): void {
  const part = new TrainPart(hooks);
  const file = byId<HTMLInputElement>('train-file');
  const textBox = byId<HTMLTextAreaElement>('train-text');
  const mode = byId<HTMLSelectElement>('train-mode');
  const cell = byId<HTMLSelectElement>('train-cell');
  const steps = byId<HTMLInputElement>('train-steps');
  const time = byId<HTMLInputElement>('train-time');
  const open = byId<HTMLInputElement>('train-open');
  const openDir = byId<HTMLInputElement>('train-open-folder');
  const stepCap = () => {
    const n = numberIn(steps);
    return n !== undefined && n >= 1 ? Math.floor(n) : undefined;
  };
  const budget = () => {
    const m = numberIn(time);
    return m !== undefined && m > 0 ? m * 60 : undefined;
  };
  const settings = (): RunSettings => {
    const rate = byId<HTMLInputElement>('train-lr').value.trim();
    if (rate !== '' && rate !== 'auto' && !(Number(rate) > 0)) throw new Error('Learning rate: a number above 0, or auto');
    return {
      segmentation: mode.value as Auto<Segmentation>,
      model: {
        ...MODEL_DEFAULTS,
        cell: cell.value as CellKind,
        layers: autoInt(byId('train-layers'), 'Layers'),
        hidden: autoInt(byId('train-hidden'), 'Hidden'),
      },
      training: {
        ...TRAINING_DEFAULTS,
        time: budget() ?? null,
        lr: rate === '' || rate === 'auto' ? 'auto' : Number(rate),
        seed: Math.max(0, Math.floor(numberIn(byId('train-seed')) ?? 1)),
      },
      maxSteps: stepCap(),
    };
  };

  file.addEventListener('change', () => void (file.files?.[0] && part.readFile(file.files[0])));
  textBox.addEventListener('input', () => part.typed());
  textBox.addEventListener('dragover', (e) => e.preventDefault());
  textBox.addEventListener('drop', (e) => {
    const f = e.dataTransfer?.files[0];
    if (!f) return;
    e.preventDefault();
    void part.readFile(f);
  });
  byId('train-run').addEventListener('click', () => {
    try {
      part.train(settings(), byId<HTMLSelectElement>('train-from').value === 'held');
    } catch (e) {
      byId('train-status').textContent = (e as Error).message;
    }
  });
  byId('train-stop').addEventListener('click', () => part.stop());
  byId('train-resume').addEventListener('click', () => part.resume(stepCap(), budget()));
  byId('train-download').addEventListener('click', () => part.download());
  open.addEventListener('change', () => void part.open([...(open.files ?? [])]));
  openDir.addEventListener('change', () => void part.open([...(openDir.files ?? [])]));
  byId('train-forget').addEventListener('click', () => void part.forget());
  for (const c of CELLS) if (![...cell.options].some((o) => o.value === c)) cell.append(el('option', c, { value: c }));
  mode.value = DEFAULT_SEGMENTATION;
  void part.restore();
}
