// The messages between the page and its trainer thread (worker.ts): what to train (a new
// run with the Train part's settings, or going on with a checkpoint's files) and Stop; back,
// the backend, the run's description, steps, evaluations, each save's files, and the end.

import type { EvalInfo, StepInfo, StopReason } from '../training/trainer.js';
import type { RunSettings, StartMessage } from '../training/memory-run.js';

export type ToWorker =
  /** A new run; `from`: the checkpoint files of the model it starts from (train --from). */
  | { kind: 'new'; name: string; text: string; settings: RunSettings; backend: string; from?: { name: string; files: Array<[string, Uint8Array]> } }
  | { kind: 'resume'; name: string; text: string; files: Array<[string, Uint8Array]>; maxSteps?: number; time?: number | null; backend: string }
  | { kind: 'stop' };

export type FromWorker =
  | { kind: 'backend'; name: string; why: string }
  | { kind: 'start'; info: StartMessage }
  | { kind: 'ngram'; order: number; val: number | null; seconds: number }
  | { kind: 'step'; info: StepInfo }
  | { kind: 'eval'; info: EvalInfo }
  /** A save: the checkpoint's files; `weights` when they hold a new best model. */
  | { kind: 'saved'; files: Array<[string, Uint8Array]>; weights: boolean }
  | { kind: 'done'; stopped: StopReason; step: number; seconds: number; charsPerSec: number; bestVal: number | null }
  | { kind: 'error'; message: string };
