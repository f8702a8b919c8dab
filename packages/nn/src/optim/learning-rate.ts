/**
 * Learning rates: a constant or the reference's schedules, as data, over
 * 0-based epochs like every other schedule of bkfac.
 * @module
 */
import { InvalidArgumentError, NonFiniteError } from '@bkfac/linalg';
import { assertInteger, assertNumber } from '@bkfac/linalg/validate';
import { normalizeSchedule, scheduleValue } from '@bkfac/kfactors';
import type { PiecewiseSchedule } from '@bkfac/kfactors';

/**
 * A learning-rate schedule over the 0-based epoch `k`. The reference's formulas
 * are written over the 1-based epoch `e = k + 1` (fractional within an epoch):
 * - `exp`: `lr = initial·max(0, 1 − e/period)^rate`;
 * - `staircase`: `lr = initial / rate^⌊e/period⌋`;
 * - `cos`: `lr = 0.001 + 0.5(initial − 0.001)(1 + cos(π e/period))` for `e < period`, else `0.0005`;
 * - `constant`: `lr = initial`;
 * - `piecewise`: a table `{ epoch: lr }` looked up at the 0-based `k` (keys include 0).
 *
 * @example
 * ```ts
 * import { learningRateAt, type LearningRateSchedule } from '@bkfac/nn';
 * const lr: LearningRateSchedule = { kind: 'exp', initial: 0.3, rate: 9, period: 80 };
 * console.log(learningRateAt(lr, 0).toFixed(4)); // 0.2679
 * ```
 * @category Learning rates
 */
export type LearningRateSchedule =
  | {
      /** Polynomial decay to zero at `e = period`. */
      readonly kind: 'exp';
      /** `lr0`. */
      readonly initial: number;
      /** Exponent `R`. */
      readonly rate: number;
      /** Decay period `P` in epochs. */
      readonly period: number;
    }
  | {
      /** Division by `rate` every `period` epochs. */
      readonly kind: 'staircase';
      /** `lr0`. */
      readonly initial: number;
      /** Divisor `R`. */
      readonly rate: number;
      /** Period `P` in epochs. */
      readonly period: number;
    }
  | {
      /** Cosine annealing to 0.001, then 0.0005. */
      readonly kind: 'cos';
      /** `lr0`. */
      readonly initial: number;
      /** Annealing length `P` in epochs. */
      readonly period: number;
    }
  | {
      /** Fixed learning rate. */
      readonly kind: 'constant';
      /** The learning rate. */
      readonly initial: number;
    }
  | {
      /** Hand-written table. */
      readonly kind: 'piecewise';
      /** `{ epoch: lr }`, looked up at the (possibly auto-scaled) 0-based epoch. */
      readonly table: PiecewiseSchedule;
    };

/**
 * The reference's hand-written table (`from_file`) over 0-based epochs: 0.3
 * (epoch 0), 0.2 (1), 0.1 (2–11), 0.03 (12–16), 0.01 (17–25), 0.003 (26–38),
 * 0.001 (≥ 39) — the reference's 1-based epochs 1, 2, 3–12, … shifted by one.
 *
 * @example
 * ```ts
 * import { learningRateAt, REFERENCE_LEARNING_RATE_TABLE } from '@bkfac/nn';
 * console.log([11, 12].map((k) => learningRateAt(REFERENCE_LEARNING_RATE_TABLE, k))); // [0.1, 0.03]
 * ```
 * @category Learning rates
 */
export const REFERENCE_LEARNING_RATE_TABLE: LearningRateSchedule = {
  kind: 'piecewise',
  table: { 0: 0.3, 1: 0.2, 2: 0.1, 12: 0.03, 17: 0.01, 26: 0.003, 39: 0.001 },
};

/**
 * Auto-scaling of a schedule to the effective batch (the reference's
 * `auto_scale_forGPUs_and_BS`): with `s = workers·batchSize/256`, the
 * schedule is evaluated at epoch `e/s` and multiplied by `√s`.
 *
 * @example
 * ```ts
 * import { learningRateAt, type LearningRateScaling } from '@bkfac/nn';
 * const scaling: LearningRateScaling = { workers: 1, batchSize: 1024 };
 * console.log(learningRateAt({ kind: 'constant', initial: 0.1 }, 3, scaling)); // 0.2
 * ```
 * @category Learning rates
 */
export interface LearningRateScaling {
  /** Number of data-parallel workers (GPUs in the reference). */
  readonly workers: number;
  /** Per-worker minibatch size `n`. */
  readonly batchSize: number;
}

/**
 * Learning rate of a schedule during 0-based epoch `k`, optionally auto-scaled.
 *
 * @param schedule - the schedule
 * @param epoch - 0-based epoch `k ≥ 0` (fractional values allowed)
 * @param scaling - optional auto-scaling by the effective batch size
 * @returns the learning rate
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `epoch`, a schedule parameter or the scaling is invalid
 * @throws {@link @bkfac/kfactors!InvalidScheduleError} if a `piecewise` table is malformed
 * @throws {@link @bkfac/linalg!NonFiniteError} if the (scaled) rate exceeds float64
 * @example
 * ```ts
 * import { learningRateAt } from '@bkfac/nn';
 * const lr = { kind: 'staircase', initial: 0.3, rate: 3, period: 12 } as const;
 * console.log([learningRateAt(lr, 10).toFixed(2), learningRateAt(lr, 11).toFixed(2)]); // ["0.30", "0.10"]
 * ```
 * @category Learning rates
 */
export function learningRateAt(
  schedule: LearningRateSchedule,
  epoch: number,
  scaling?: LearningRateScaling,
): number {
  const fn = 'learningRateAt';
  assertNumber(fn, 'epoch', epoch, 0);
  let s = 1;
  if (scaling !== undefined) {
    if (typeof scaling !== 'object' || scaling === null) {
      throw new InvalidArgumentError(fn, 'scaling', 'an object { workers, batchSize }', scaling);
    }
    const workers = assertInteger(fn, 'scaling.workers', scaling.workers, 1);
    const batch = assertInteger(fn, 'scaling.batchSize', scaling.batchSize, 1);
    s = (workers * batch) / 256;
  }
  const rate = Math.sqrt(s) * unscaledRate(schedule, epoch, s);
  if (!Number.isFinite(rate)) throw new NonFiniteError(fn, 'result', 'the learning rate', rate);
  return rate;
}

/** The schedule's value during 0-based epoch `k` at batch scale `s`: formulas at `e = (k + 1)/s`, tables at `k/s`. */
function unscaledRate(schedule: LearningRateSchedule, k: number, s: number): number {
  const fn = 'learningRateAt';
  const e = (k + 1) / s;
  switch (schedule?.kind) {
    case 'exp': {
      const lr0 = assertNumber(fn, 'schedule.initial', schedule.initial, 0);
      const rate = assertNumber(fn, 'schedule.rate', schedule.rate, 0);
      const period = assertNumber(fn, 'schedule.period', schedule.period, Number.MIN_VALUE);
      return lr0 * Math.max(0, 1 - e / period) ** rate;
    }
    case 'staircase': {
      const lr0 = assertNumber(fn, 'schedule.initial', schedule.initial, 0);
      const rate = assertNumber(fn, 'schedule.rate', schedule.rate, Number.MIN_VALUE);
      const period = assertNumber(fn, 'schedule.period', schedule.period, Number.MIN_VALUE);
      return lr0 / rate ** Math.floor(e / period);
    }
    case 'cos': {
      const lr0 = assertNumber(fn, 'schedule.initial', schedule.initial, 0);
      const period = assertNumber(fn, 'schedule.period', schedule.period, Number.MIN_VALUE);
      return e < period
        ? 0.001 + 0.5 * (lr0 - 0.001) * (1 + Math.cos((Math.PI * e) / period))
        : 0.0005;
    }
    case 'constant':
      return assertNumber(fn, 'schedule.initial', schedule.initial, 0);
    case 'piecewise':
      return scheduleValue(
        normalizeSchedule(fn, 'schedule.table', schedule.table, { min: 0 }),
        k / s,
      );
    default:
      throw new InvalidArgumentError(
        fn,
        'schedule.kind',
        "one of 'exp', 'staircase', 'cos', 'constant', 'piecewise'",
        (schedule as { kind?: unknown } | undefined)?.kind,
      );
  }
}

/**
 * A schedule auto-scaled to the effective batch size (the reference's `auto_scale_forGPUs_and_BS`).
 * @category Learning rates
 */
export interface ScaledLearningRate {
  /** The schedule over 0-based epochs. */
  readonly schedule: LearningRateSchedule;
  /** Workers and per-worker batch size: the schedule runs at `k/s` and is multiplied by `√s`, `s = workers·batch/256`. */
  readonly scaling: LearningRateScaling;
}

/**
 * A learning rate: a constant, a schedule over epochs, or an auto-scaled schedule.
 * @category Learning rates
 */
export type LearningRate = number | LearningRateSchedule | ScaledLearningRate;

/**
 * Validates a learning rate once, at construction.
 * @internal
 */
export function checkLearningRate(fn: string, arg: string, lr: LearningRate): void {
  if (typeof lr === 'number') assertNumber(fn, arg, lr, 0);
  else if (lr === null || typeof lr !== 'object') {
    throw new InvalidArgumentError(fn, arg, 'a number, a schedule or { schedule, scaling }', lr);
  } else learningRateFor(lr, 0);
}

/**
 * The learning rate in force during 0-based epoch `epoch`.
 * @internal
 */
export function learningRateFor(lr: LearningRate, epoch: number): number {
  if (typeof lr === 'number') return lr;
  return 'schedule' in lr
    ? learningRateAt(lr.schedule, epoch, lr.scaling)
    : learningRateAt(lr, epoch);
}
