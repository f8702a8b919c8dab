/**
 * Post-condition shared by the solvers: a solution that overflowed means the
 * system is numerically singular, reported as an error instead of ±Infinity/NaN.
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { InvalidArgumentError } from '../core/errors.js';

/**
 * Throws when the contiguous solution `x` holds a non-finite entry.
 * @param fn - public function name for the message
 * @param arg - argument blamed (the matrix that was solved with)
 * @param x - freshly allocated solution (its whole `data` is the solution)
 * @throws {@link InvalidArgumentError} on the first NaN or ±Infinity
 * @internal
 */
export function assertSolutionFinite(fn: string, arg: string, x: Matrix): void {
  for (const v of x.data) {
    if (v - v !== 0) {
      throw new InvalidArgumentError(
        fn,
        arg,
        'well enough conditioned for a finite solution',
        `a solve that overflows to ${v}`,
      );
    }
  }
}
