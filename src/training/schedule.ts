// The learning-rate schedule. With a time budget (or a fixed number of epochs) the rate
// warms up linearly, then follows a cosine from `lr` down to MIN_LR_FRACTION·lr that ends
// exactly at the deadline, as nanoGPT does over its iterations; the position in the
// schedule is the larger of the time spent and the epochs done, as fractions of their
// budgets. Without a budget it is the plateau schedule: constant after warm-up, times
// `lrDecay` after each evaluation that does not improve.

export type ScheduleKind = 'cosine' | 'plateau';
export const SCHEDULES: readonly ScheduleKind[] = ['cosine', 'plateau'];

/** The cosine ends at this fraction of the peak rate. */
export const MIN_LR_FRACTION = 0.1;

export interface ScheduleInput {
  kind: ScheduleKind;
  lr: number;
  warmup: number;
  /** Steps done before this one (the rate is for step + 1). */
  step: number;
  /** Fraction of the budget used, 0..1 (cosine only). */
  done: number;
  /** Plateau factor accumulated so far (plateau only). */
  lrScale: number;
}

/**
 * Learning rate of the next step.
 * Examples: cosine, lr 1, warmup 0: done 0 → 1, done 0.5 → 0.55, done 1 → 0.1;
 * warmup 10, step 4 → half of that.
 */
export function learningRate(s: ScheduleInput): number {
  const warm = Math.min(1, (s.step + 1) / Math.max(1, s.warmup));
  if (s.kind === 'plateau') return s.lr * warm * s.lrScale;
  const f = Math.min(1, Math.max(0, s.done));
  const cos = MIN_LR_FRACTION + (1 - MIN_LR_FRACTION) * 0.5 * (1 + Math.cos(Math.PI * f));
  return s.lr * warm * cos;
}

/**
 * How far into its budget a run is: the larger of the time fraction and the epoch
 * fraction, for whichever budgets exist (0 when neither does).
 */
export function budgetUsed(elapsedSeconds: number, time: number | null, epochsDone: number, epochs: number | null): number {
  const byTime = time !== null && time > 0 ? elapsedSeconds / time : 0;
  const byEpochs = epochs !== null && epochs > 0 ? epochsDone / epochs : 0;
  return Math.min(1, Math.max(byTime, byEpochs));
}
