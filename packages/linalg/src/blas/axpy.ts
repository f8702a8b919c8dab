/**
 * Scaled vector sum alpha·x + y.
 * @module
 */
import { NonFiniteError } from '../core/errors.js';
import { assertNumber } from '../core/validate.js';
import { assertVector } from './vector.js';

/**
 * Scaled vector sum `out = alpha·x + y`.
 *
 * @param alpha - scale of `x`
 * @param x - vector of length `n`
 * @param y - vector of length `n` (not modified unless passed as `out`)
 * @param out - destination of length `n` (default: fresh); may be `y` or `x` for an in-place update
 * @returns `out`
 * @throws {@link ShapeError} if the lengths differ
 * @throws {@link InvalidArgumentError} if `alpha` is not finite or a vector is not a `Float64Array`
 * @throws {@link NonFiniteError} if an entry of `x` or `y` is NaN or ±Infinity, or the result overflows float64 (then `out` is unchanged)
 * @example
 * ```ts
 * import { axpy } from '@bkfac/linalg';
 * const y = new Float64Array([1, 1]);
 * console.log(Array.from(axpy(2, new Float64Array([1, 2]), y))); // [3, 5]
 * axpy(2, new Float64Array([1, 2]), y, y); // in place: y is now [3, 5]
 * ```
 * @category Dense kernels (BLAS)
 */
export function axpy(
  alpha: number,
  x: Float64Array,
  y: Float64Array,
  out?: Float64Array,
): Float64Array {
  assertNumber('axpy', 'alpha', alpha);
  assertVector('axpy', 'x', x);
  assertVector('axpy', 'y', y, x.length);
  const n = x.length;
  if (out === undefined) out = new Float64Array(n);
  else assertVector('axpy', 'out', out, n, false);
  // Checked before anything is written, so an overflowing call leaves `out` (perhaps `y`) as it was.
  for (let i = 0; i < n; i++) {
    const v = alpha * x[i]! + y[i]!;
    if (v - v !== 0)
      throw new NonFiniteError('axpy', 'result', `[${i}]: alpha·x + y overflows float64`, v);
  }
  for (let i = 0; i < n; i++) out[i] = alpha * x[i]! + y[i]!;
  return out;
}
