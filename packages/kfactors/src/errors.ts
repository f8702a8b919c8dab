/**
 * The one error kind specific to K-factors: an inconsistent schedule.
 * @module
 */
import { InvalidArgumentError } from '@bkfac/linalg';

/**
 * A schedule (periods, damping, rank) is malformed or its periods are
 * inconsistent, e.g. `T_brand` not a multiple of `T_updt`.
 * A subclass of `InvalidArgumentError`, so catching that catches this too.
 *
 * @example
 * ```ts
 * import { InvalidScheduleError, resolveConfig } from '@bkfac/kfactors';
 * try {
 *   resolveConfig({ strategy: 'b-kfac', periods: { update: 20, brand: 30 } });
 * } catch (e) {
 *   console.log(e instanceof InvalidScheduleError); // true
 * }
 * ```
 * @category Errors
 */
export class InvalidScheduleError extends InvalidArgumentError {
  override name = 'InvalidScheduleError';
  /** First 0-based epoch at which the schedule is invalid (`0` when it is invalid throughout). */
  readonly epoch: number;

  /**
   * @param fn - function name
   * @param arg - argument name, e.g. `'periods.brand'`
   * @param expected - what the schedule must satisfy
   * @param received - what was passed or resolved
   * @param epoch - first epoch at which the problem appears
   */
  constructor(fn: string, arg: string, expected: string, received: unknown, epoch = 0) {
    super(fn, arg, expected, received);
    this.epoch = epoch;
  }
}
