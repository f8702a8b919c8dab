/**
 * Inner product of two vectors.
 * @module
 */
import { NonFiniteError } from '../core/errors.js';
import { assertVector } from '../core/vector.js';

/**
 * Inner product `xᵀy = Σ_i x_i·y_i`.
 *
 * @param x - vector of length `n`
 * @param y - vector of length `n`
 * @returns the inner product (`0` for empty vectors)
 * @throws {@link ShapeError} if the lengths differ
 * @throws {@link InvalidArgumentError} if an argument is not a `Float64Array`
 * @throws {@link NonFiniteError} if an entry is NaN or ±Infinity, or the product overflows float64
 * @example
 * ```ts
 * import { dot } from '@bkfac/linalg';
 * console.log(dot(new Float64Array([1, 2, 3]), new Float64Array([4, 5, 6]))); // 32
 * ```
 * @category Dense kernels (BLAS)
 */
export function dot(x: Float64Array, y: Float64Array): number {
  assertVector('dot', 'x', x);
  assertVector('dot', 'y', y, x.length);
  const result = dotUnchecked(x, y);
  if (!Number.isFinite(result)) {
    throw new NonFiniteError('dot', 'result', 'xᵀy, which overflows float64', result);
  }
  return result;
}

/**
 * Unchecked kernel of {@link dot}; lengths must agree.
 * @internal
 */
export function dotUnchecked(x: Float64Array, y: Float64Array): number {
  const n = x.length;
  // Two accumulators shorten the dependency chain of the additions.
  let s0 = 0;
  let s1 = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    s0 += x[i]! * y[i]!;
    s1 += x[i + 1]! * y[i + 1]!;
  }
  if (i < n) s0 += x[i]! * y[i]!;
  return s0 + s1;
}
