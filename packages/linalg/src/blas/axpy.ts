/**
 * Scaled vector sum alpha·x + y.
 * @module
 */
import { NonFiniteError } from '../core/errors.js';
import { assertNumber } from '../core/validate.js';
import { optionsObject } from '../core/options.js';
import { assertOutputVector } from '../core/output.js';
import { assertVector } from '../core/vector.js';

/**
 * Options of {@link axpy}.
 * @category Dense kernels (BLAS)
 */
export interface AxpyOptions {
  /**
   * Output vector of length `n`, overwritten and returned (default: a fresh vector). It must
   * not share any element with `x` or `y` (checked).
   */
  out?: Float64Array;
}

/**
 * Scaled vector sum `alpha·x + y`, into `options.out` or a fresh vector.
 *
 * @param alpha - scale of `x`
 * @param x - vector of length `n`
 * @param y - vector of length `n` (not modified)
 * @param options - an optional output
 * @returns `options.out` (or a fresh vector of length `n`)
 * @throws {@link ShapeError} if the lengths differ
 * @throws {@link InvalidArgumentError} if `alpha` is not finite, a vector is not a `Float64Array`,
 *   or `options.out` shares elements with `x` or `y`
 * @throws {@link NonFiniteError} if an entry of `x` or `y` is NaN or ±Infinity, or the result overflows float64 (then `out` is unchanged)
 * @example
 * ```ts
 * import { axpy } from '@bkfac/linalg';
 * const x = new Float64Array([1, 2]);
 * const y = new Float64Array([1, 1]);
 * console.log(Array.from(axpy(2, x, y))); // [3, 5]
 * const out = new Float64Array(2);
 * console.log(axpy(-1, x, y, { out }) === out, Array.from(out)); // true [0, -1]
 * ```
 * @category Dense kernels (BLAS)
 */
export function axpy(
  alpha: number,
  x: Float64Array,
  y: Float64Array,
  options?: AxpyOptions,
): Float64Array {
  options = optionsObject('axpy', options);
  assertNumber('axpy', 'alpha', alpha);
  assertVector('axpy', 'x', x);
  assertVector('axpy', 'y', y, x.length);
  const n = x.length;
  const given = options.out;
  if (given !== undefined) {
    assertOutputVector('axpy', 'options.out', given, n, [
      ['x', x],
      ['y', y],
    ]);
  }
  // Checked before anything is written, so an overflowing call leaves `out` as it was.
  for (let i = 0; i < n; i++) {
    const v = alpha * x[i]! + y[i]!;
    if (v - v !== 0)
      throw new NonFiniteError('axpy', 'result', `[${i}]: alpha·x + y overflows float64`, v);
  }
  const out = given ?? new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = alpha * x[i]! + y[i]!;
  return out;
}
