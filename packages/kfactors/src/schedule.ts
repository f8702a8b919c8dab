/**
 * Per-epoch piecewise-constant schedules (damping, ranks, periods), as data.
 * @module
 */
import { InvalidArgumentError } from '@bkfac/linalg';
import { InvalidScheduleError } from './errors.js';

/**
 * A value that is constant, or piecewise constant over 0-based epochs:
 * `{ 0: 0.1, 25: 0.05, 35: 0.01 }` means 0.1 for epochs 0–24, 0.05 for 25–34
 * and 0.01 from epoch 35 on (the reference's damping schedule).
 * Keys are non-negative integers and must include `0`.
 *
 * @example
 * ```ts
 * import { normalizeSchedule, scheduleValue, type PiecewiseSchedule } from '@bkfac/kfactors';
 * const damping: PiecewiseSchedule = { 0: 0.1, 25: 0.05, 35: 0.01 };
 * console.log(scheduleValue(normalizeSchedule('demo', 'damping', damping), 30)); // 0.05
 * ```
 * @category Configuration
 */
export type PiecewiseSchedule = number | { readonly [epoch: number]: number };

/**
 * A {@link PiecewiseSchedule} in validated, sorted, JSON-friendly form:
 * `values[i]` holds from epoch `epochs[i]` (inclusive) until `epochs[i + 1]`.
 *
 * @example
 * ```ts
 * import { scheduleValue, type NormalizedSchedule } from '@bkfac/kfactors';
 * const s: NormalizedSchedule = { epochs: [0, 5], values: [100, 50] };
 * console.log(scheduleValue(s, 7)); // 50
 * ```
 * @category Configuration
 */
export interface NormalizedSchedule {
  /** Strictly increasing start epochs; the first is `0`. */
  readonly epochs: readonly number[];
  /** Value of each piece, same length as `epochs`. */
  readonly values: readonly number[];
}

/**
 * Constraint on every value of a schedule.
 *
 * @example
 * ```ts
 * import { normalizeSchedule, type ScheduleBounds } from '@bkfac/kfactors';
 * const ranks: ScheduleBounds = { min: 1, integer: true };
 * console.log(normalizeSchedule('demo', 'rank', { 0: 64, 10: 128 }, ranks).values); // [64, 128]
 * ```
 * @category Configuration
 */
export interface ScheduleBounds {
  /** Smallest allowed value (inclusive). */
  readonly min: number;
  /** Largest allowed value (inclusive; default `Infinity`). */
  readonly max?: number;
  /** Values must be integers (default `false`). */
  readonly integer?: boolean;
}

/**
 * Validates a {@link PiecewiseSchedule} and brings it to {@link NormalizedSchedule} form.
 *
 * @param fn - calling function (for error messages)
 * @param arg - argument name (for error messages)
 * @param schedule - a number or an `{ epoch: value }` object
 * @param bounds - allowed range of the values (default: any finite number)
 * @returns the normalized schedule
 * @throws {@link @bkfac/linalg!InvalidArgumentError} naming `fn` if `bounds` is not an object
 * @throws {@link InvalidScheduleError} if a key is not a non-negative integer, `0` is missing,
 *   or a value is not finite or outside `bounds`
 * @example
 * ```ts
 * import { normalizeSchedule } from '@bkfac/kfactors';
 * console.log(normalizeSchedule('demo', 'rank', { 15: 230, 0: 220 })); // {"epochs":[0,15],"values":[220,230]}
 * ```
 * @category Configuration
 */
export function normalizeSchedule(
  fn: string,
  arg: string,
  schedule: PiecewiseSchedule,
  bounds: ScheduleBounds = { min: -Infinity },
): NormalizedSchedule {
  if (typeof bounds !== 'object' || bounds === null) {
    throw new InvalidArgumentError(
      fn,
      `${arg} bounds`,
      'an object { min, max?, integer? }',
      bounds,
    );
  }
  if (typeof schedule === 'number') {
    checkValue(fn, arg, schedule, bounds, 0);
    return { epochs: [0], values: [schedule] };
  }
  if (typeof schedule !== 'object' || schedule === null || Array.isArray(schedule)) {
    throw new InvalidScheduleError(
      fn,
      arg,
      'a number or an object { epoch: value }',
      describeSchedule(schedule),
    );
  }
  const entries = Object.entries(schedule).map(([key, value]) => {
    const epoch = Number(key);
    if (!Number.isInteger(epoch) || epoch < 0 || String(epoch) !== key) {
      throw new InvalidScheduleError(fn, arg, 'epoch keys that are non-negative integers', key);
    }
    checkValue(fn, `${arg}[${epoch}]`, value, bounds, epoch);
    return [epoch, value] as const;
  });
  entries.sort((x, y) => x[0] - y[0]);
  if (entries.length === 0 || entries[0]![0] !== 0) {
    throw new InvalidScheduleError(fn, arg, 'an entry for epoch 0', describeSchedule(schedule));
  }
  return { epochs: entries.map((e) => e[0]), values: entries.map((e) => e[1]) };
}

/**
 * The value of a schedule at an epoch: the piece with the largest start `≤ epoch`.
 *
 * @param schedule - a normalized schedule
 * @param epoch - 0-based epoch (fractional epochs are allowed)
 * @returns the value in force at `epoch` (the first piece for `epoch < 0`)
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `epoch` is NaN or `schedule` is not a normalized schedule
 * @example
 * ```ts
 * import { normalizeSchedule, scheduleValue } from '@bkfac/kfactors';
 * const s = normalizeSchedule('demo', 'damping', { 0: 0.1, 25: 0.05 });
 * console.log([scheduleValue(s, 24), scheduleValue(s, 25)]); // [0.1, 0.05]
 * ```
 * @category Configuration
 */
export function scheduleValue(schedule: NormalizedSchedule, epoch: number): number {
  if (typeof epoch !== 'number' || Number.isNaN(epoch)) {
    throw new InvalidArgumentError('scheduleValue', 'epoch', 'a number (not NaN)', epoch);
  }
  assertNormalizedSchedule('scheduleValue', 'schedule', schedule);
  const { epochs, values } = schedule;
  let i = 0;
  while (i + 1 < epochs.length && epochs[i + 1]! <= epoch) i++;
  return values[i]!;
}

/** `{ epochs, values }` of equal non-zero length, epochs strictly increasing from 0, values finite. */
function assertNormalizedSchedule(
  fn: string,
  arg: string,
  schedule: unknown,
): asserts schedule is NormalizedSchedule {
  const { epochs, values } = (
    typeof schedule === 'object' && schedule !== null ? schedule : {}
  ) as {
    epochs?: unknown;
    values?: unknown;
  };
  const valid =
    Array.isArray(epochs) &&
    Array.isArray(values) &&
    epochs.length === values.length &&
    epochs[0] === 0 &&
    epochs.every((e, i) => Number.isInteger(e) && (i === 0 || e > epochs[i - 1])) &&
    values.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!valid) {
    throw new InvalidArgumentError(
      fn,
      arg,
      'a normalized schedule { epochs: [0, ...increasing], values: finite numbers }',
      describeSchedule(schedule),
    );
  }
}

function checkValue(
  fn: string,
  arg: string,
  value: unknown,
  bounds: ScheduleBounds,
  epoch: number,
): void {
  const { min, max = Infinity, integer = false } = bounds;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    const kind = integer ? 'an integer' : 'a finite number';
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new InvalidScheduleError(fn, arg, `${kind} ${range}`, value, epoch);
  }
}

function describeSchedule(schedule: unknown): string {
  try {
    return JSON.stringify(schedule) ?? String(schedule);
  } catch {
    return String(schedule);
  }
}
