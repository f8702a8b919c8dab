/**
 * Singular value decomposition `A = U·diag(s)·Vᵀ`.
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { zeros } from '../core/matrix.js';
import { InvalidArgumentError } from '../core/errors.js';
import { assertFinite, assertMatrix } from '../core/validate.js';
import { optionsObject } from '../core/options.js';
import { tallSvdInto } from './svd-kernel.js';

/**
 * Options of {@link svd}.
 * @category Dense decompositions
 */
export interface SvdOptions {
  /**
   * Return square `U` (`m x m`) and `V` (`n x n`) instead of the thin factors
   * (default `false`).
   */
  full?: boolean;
  /** Compute the singular values only (default `false`). */
  valuesOnly?: boolean;
}

/**
 * Factors from {@link svd}, `k = min(m, n)`.
 * @category Dense decompositions
 */
export interface SvdResult {
  /** `m x k` (thin) or `m x m` (full) matrix with orthonormal columns, the left singular vectors (column-major storage). */
  u: Matrix;
  /** The `k` singular values, descending, non-negative. */
  s: Float64Array;
  /** `n x k` (thin) or `n x n` (full) matrix with orthonormal columns, the right singular vectors (column-major storage). */
  v: Matrix;
}

/**
 * Singular values alone, from {@link svd} with `valuesOnly: true`.
 * @category Dense decompositions
 */
export interface SvdValuesResult {
  /** The `min(m, n)` singular values, descending, non-negative. */
  s: Float64Array;
}

/**
 * Singular value decomposition `A = U·diag(s)·Vᵀ`, `UᵀU = VᵀV = I`, `s` descending.
 *
 * Backward stable (never forms `AᵀA`): Householder QR first when `m >= 1.6n`,
 * Golub–Kahan bidiagonalization, singular values and vectors of the
 * bidiagonal from the tridiagonal eigensolver on its Golub–Kahan form, then
 * back-transformations in GEMM. `‖A − U·diag(s)·Vᵀ‖`, `‖UᵀU − I‖` and
 * `‖VᵀV − I‖` are small multiples of `k·eps` (times `‖A‖`), for rank-deficient
 * and zero matrices too. Wide matrices are handled through `Aᵀ`. `A` may have
 * any strides and is not modified.
 *
 * @param a - `m x n` matrix, finite
 * @param options - `full` for square `U` and `V`; see {@link SvdOptions}
 * @returns `{ u, s, v }`, thin (`u` `m x k`, `v` `n x k`) unless `full`
 * @throws {@link ShapeError} if `a` is not 2-D
 * @throws {@link InvalidArgumentError} if `a` is not a float64 matrix or an option is not a boolean
 * @throws {@link NonFiniteError} if `a` holds NaN or ±Infinity, or a value of the result lies beyond float64 (entries near 1e308)
 * @throws {@link ConvergenceError} if the eigensolver behind the bidiagonal SVD does not converge (not observed in practice)
 * @example
 * ```ts
 * import { fromRows, svd, toRows } from '@bkfac/linalg';
 * const { u, s, v } = svd(fromRows([[3, 0], [0, -2], [0, 0]]));
 * const round = (x: number): number => Math.round(x * 1e12) / 1e12;
 * console.log(Array.from(s, round)); // [3, 2]
 * console.log([u.shape, v.shape]); // [[3, 2], [2, 2]]
 * console.log(toRows(v).map((r) => r.map((x) => round(Math.abs(x))))); // [[1, 0], [0, 1]]
 * ```
 * @category Dense decompositions
 */
export function svd(a: Matrix, options?: SvdOptions & { valuesOnly?: false }): SvdResult;
/**
 * Singular values of a matrix, descending, without singular vectors.
 *
 * @param a - `m x n` matrix, finite
 * @param options - `{ valuesOnly: true }`
 * @returns `{ s }`: the `min(m, n)` singular values, descending
 * @throws {@link ShapeError} if `a` is not 2-D
 * @throws {@link InvalidArgumentError} if `a` is not a float64 matrix or an option is not a boolean
 * @throws {@link NonFiniteError} if `a` holds NaN or ±Infinity, or a value of the result lies beyond float64 (entries near 1e308)
 * @throws {@link ConvergenceError} if the eigensolver behind the bidiagonal SVD does not converge
 * @example
 * ```ts
 * import { fromRows, svd } from '@bkfac/linalg';
 * const { s } = svd(fromRows([[0, 2, 0], [1, 0, 0]]), { valuesOnly: true });
 * console.log(Array.from(s, (x) => Math.round(x * 1e12) / 1e12)); // [2, 1]
 * ```
 */
export function svd(a: Matrix, options: SvdOptions & { valuesOnly: true }): SvdValuesResult;
/**
 * Singular value decomposition with `valuesOnly` known only at run time.
 *
 * @param a - `m x n` matrix, finite
 * @param options - see {@link SvdOptions}
 * @returns {@link SvdResult}, or {@link SvdValuesResult} when `valuesOnly`
 * @throws {@link ShapeError} if `a` is not 2-D
 * @throws {@link InvalidArgumentError} if `a` is not a float64 matrix or an option is not a boolean
 * @throws {@link NonFiniteError} if `a` holds NaN or ±Infinity, or a value of the result lies beyond float64 (entries near 1e308)
 * @throws {@link ConvergenceError} if the eigensolver behind the bidiagonal SVD does not converge
 * @example
 * ```ts
 * import { eye, svd } from '@bkfac/linalg';
 * import type { SvdOptions } from '@bkfac/linalg';
 * const options: SvdOptions = { valuesOnly: true };
 * console.log('u' in svd(eye(2), options)); // false
 * ```
 */
export function svd(a: Matrix, options?: SvdOptions): SvdResult | SvdValuesResult;
export function svd(a: Matrix, options?: SvdOptions): SvdResult | SvdValuesResult {
  options = optionsObject('svd', options);
  const [m, n] = assertMatrix('svd', 'a', a);
  const full = booleanOption('full', options.full);
  const valuesOnly = booleanOption('valuesOnly', options.valuesOnly);
  assertFinite('svd', 'a', a);
  const wide = m < n;
  const tall = wide ? a.transpose(1, 0) : a;
  const rows = Math.max(m, n);
  const k = Math.min(m, n);
  const s = new Float64Array(k);
  if (valuesOnly) {
    tallSvdInto('svd', tall, s, null, null);
    return { s };
  }
  // Factors of the tall matrix: `left` is rows x (k or rows), `right` is k x k.
  const left = zeros(rows, full ? rows : k, 'col');
  const right = zeros(k, k, 'col');
  tallSvdInto('svd', tall, s, left, right);
  if (!wide) return { u: left, s, v: right };
  return { u: right, s, v: left };
}

function booleanOption(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') {
    throw new InvalidArgumentError('svd', `options.${name}`, 'a boolean', value);
  }
  return value;
}
