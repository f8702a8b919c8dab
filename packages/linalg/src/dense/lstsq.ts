/**
 * Linear least squares by Householder QR.
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { copyInto, zeros } from '../core/matrix.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { assertFinite, assertMatrix, assertShape } from '../core/validate.js';
import { trsmUnchecked } from '../blas/trsm.js';
import { assertSolutionFinite } from './solution-check.js';
import { applyQTransposeInPlace, blockFactorsFor, householderQrInPlace } from './qr-factor.js';

/**
 * Least-squares solution `X = argmin ‖A·X − B‖_F` for a tall `A` of full
 * column rank: `A = Q·R`, `X = R⁻¹·(Qᵀ·B)[0:n]`, without forming `Q`.
 *
 * Backward stable (Householder). Rank deficiency is detected on the
 * diagonal of `R` (no column pivoting): `|R[i,i]| <= max(m, n)·eps·max_j |R[j,j]|`
 * is rejected, which catches exactly dependent columns; a merely
 * ill-conditioned `A` passes and gets the accuracy its condition allows.
 *
 * @param a - `m x n` matrix, `m >= n`, full column rank, any strides
 * @param b - `m x k` right-hand sides
 * @returns `X`, a fresh row-major `n x k` matrix
 * @throws {@link ShapeError} if `m < n` or `b` does not have `m` rows
 * @throws {@link NonFiniteError} if `a` or `b` holds NaN or ±Infinity
 * @throws {@link InvalidArgumentError} if `a` is rank deficient, the solution
 *   overflows, or an argument is not a float64 matrix
 * @example
 * ```ts
 * import { fromRows, lstsq, toRows } from '@bkfac/linalg';
 * // fit y = c0 + c1·t through (0, 1), (1, 3), (2, 5)
 * const x = lstsq(fromRows([[1, 0], [1, 1], [1, 2]]), fromRows([[1], [3], [5]]));
 * console.log(toRows(x)); // ≈ [[1.0], [2.0]]
 * ```
 * @category Dense decompositions
 */
export function lstsq(a: Matrix, b: Matrix): Matrix {
  const [m, n] = assertMatrix('lstsq', 'a', a);
  if (m < n) throw new ShapeError('lstsq', 'a', '[m, n] with m >= n (tall)', `[${m}, ${n}]`);
  const k = assertShape('lstsq', 'b', b, [m, null])[1];
  assertFinite('lstsq', 'a', a);
  assertFinite('lstsq', 'b', b);
  const factors = zeros(m, n, 'col');
  copyInto(factors, a);
  const t = blockFactorsFor(m, n);
  householderQrInPlace(factors, t);
  assertFullRank(factors, Math.max(m, n));
  const rhs = zeros(m, k, 'col');
  copyInto(rhs, b);
  applyQTransposeInPlace(factors, t, rhs);
  const x = rhs.hi(n, k);
  trsmUnchecked('left', false, false, false, 1, factors.hi(n, n), x);
  const out = zeros(n, k);
  copyInto(out, x);
  assertSolutionFinite('lstsq', 'a', out);
  return out;
}

/** Rejects a numerically zero diagonal entry of `R` (column-major upper triangle of `r`). */
function assertFullRank(r: Matrix, size: number): void {
  const n = r.shape[1]!;
  const step = r.stride[1]! + 1;
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(r.data[r.offset + i * step]!));
  const tolerance = size * Number.EPSILON * largest;
  for (let i = 0; i < n; i++) {
    const rii = Math.abs(r.data[r.offset + i * step]!);
    if (!(rii > tolerance)) {
      throw new InvalidArgumentError(
        'lstsq',
        'a',
        'of full column rank',
        `column ${i} numerically dependent on the previous ones (|R[${i},${i}]| = ${rii.toExponential(3)})`,
      );
    }
  }
}
