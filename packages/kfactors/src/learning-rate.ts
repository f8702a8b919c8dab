/**
 * The reference's learning-rate schedules, as data.
 * @module
 */
import { assertInteger, assertNumber, InvalidArgumentError, NonFiniteError } from '@bkfac/linalg';
import { normalizeSchedule, scheduleValue } from './schedule.js';
import type { PiecewiseSchedule } from './schedule.js';

/**
 * A learning-rate schedule over 1-based epochs `e`:
 * - `exp`: `lr = initial·max(0, 1 − e/period)^rate`;
 * - `staircase`: `lr = initial / rate^⌊e/period⌋`;
 * - `cos`: `lr = 0.001 + 0.5(initial − 0.001)(1 + cos(π e/period))` for `e < period`, else `0.0005`;
 * - `constant`: `lr = initial`;
 * - `piecewise`: a table `{ epoch: lr }` looked up at `e` (keys include 0).
 *
 * @example
 * ```ts
 * import { learningRateAt, type LearningRateSchedule } from '@bkfac/kfactors';
 * const lr: LearningRateSchedule = { kind: 'exp', initial: 0.3, rate: 9, period: 80 };
 * console.log(learningRateAt(lr, 1).toFixed(4)); // 0.2679
 * ```
 * @category Configuration
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
      /** `{ epoch: lr }`, looked up at the (possibly auto-scaled) 1-based epoch. */
      readonly table: PiecewiseSchedule;
    };

/**
 * The reference's hand-written table (`from_file`): 0.3 (e ≤ 1), 0.2 (e = 2),
 * 0.1 (3–12), 0.03 (13–17), 0.01 (18–26), 0.003 (27–39), 0.001 (≥ 40).
 *
 * @example
 * ```ts
 * import { learningRateAt, REFERENCE_LEARNING_RATE_TABLE } from '@bkfac/kfactors';
 * console.log(learningRateAt(REFERENCE_LEARNING_RATE_TABLE, 13)); // 0.03
 * ```
 * @category Configuration
 */
export const REFERENCE_LEARNING_RATE_TABLE: LearningRateSchedule = {
  kind: 'piecewise',
  table: { 0: 0.3, 2: 0.2, 3: 0.1, 13: 0.03, 18: 0.01, 27: 0.003, 40: 0.001 },
};

/**
 * Auto-scaling of a schedule to the effective batch (the reference's
 * `auto_scale_forGPUs_and_BS`): with `s = workers·batchSize/256`, the
 * schedule is evaluated at `e/s` and multiplied by `√s`.
 *
 * @example
 * ```ts
 * import { learningRateAt, type LearningRateScaling } from '@bkfac/kfactors';
 * const scaling: LearningRateScaling = { workers: 1, batchSize: 1024 };
 * console.log(learningRateAt({ kind: 'constant', initial: 0.1 }, 3, scaling)); // 0.2
 * ```
 * @category Configuration
 */
export interface LearningRateScaling {
  /** Number of data-parallel workers (GPUs in the reference). */
  readonly workers: number;
  /** Per-worker minibatch size `n`. */
  readonly batchSize: number;
}

/**
 * Learning rate of a schedule at a 1-based epoch, optionally auto-scaled.
 *
 * @param schedule - the schedule
 * @param epoch - 1-based epoch `e ≥ 0` (fractional values allowed)
 * @param scaling - optional auto-scaling by the effective batch size
 * @returns the learning rate
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `epoch`, a schedule parameter or the scaling is invalid
 * @throws {@link InvalidScheduleError} if a `piecewise` table is malformed
 * @throws {@link @bkfac/linalg!NonFiniteError} if the (scaled) rate exceeds float64
 * @example
 * ```ts
 * import { learningRateAt } from '@bkfac/kfactors';
 * const lr = { kind: 'staircase', initial: 0.3, rate: 3, period: 12 } as const;
 * console.log(learningRateAt(lr, 12).toFixed(2)); // 0.10
 * ```
 * @category Configuration
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
  const rate = Math.sqrt(s) * unscaledRate(schedule, epoch / s);
  if (!Number.isFinite(rate)) throw new NonFiniteError(fn, 'result', 'the learning rate', rate);
  return rate;
}

function unscaledRate(schedule: LearningRateSchedule, e: number): number {
  const fn = 'learningRateAt';
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
      return scheduleValue(normalizeSchedule(fn, 'schedule.table', schedule.table, { min: 0 }), e);
    default:
      throw new InvalidArgumentError(
        fn,
        'schedule.kind',
        "one of 'exp', 'staircase', 'cos', 'constant', 'piecewise'",
        (schedule as { kind?: unknown } | undefined)?.kind,
      );
  }
}
