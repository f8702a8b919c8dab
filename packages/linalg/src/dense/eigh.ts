/**
 * Symmetric eigendecomposition `A = V·diag(λ)·Vᵀ`.
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { zeros } from '../core/matrix.js';
import { InvalidArgumentError } from '../core/errors.js';
import {
  assertFinite,
  assertInteger,
  assertNumber,
  assertSquare,
  assertSymmetric,
} from '../core/validate.js';
import { optionsObject } from '../core/options.js';
import { symmetricEigenInto } from './eigh-kernel.js';

/**
 * Options of {@link eigh}.
 * @category Dense decompositions
 */
export interface EighOptions {
  /** Compute the eigenvalues only, not the eigenvectors (default `false`). */
  valuesOnly?: boolean;
  /**
   * Return only the `top` largest eigenpairs, an integer in `[0, n]`
   * (default `n`: all). Cheaper than the full decomposition when `top ≪ n`.
   */
  top?: number;
  /**
   * Relative tolerance of the symmetry check `|a[i,j] − a[j,i]| <= tol·max|a|`
   * (default `1e-10`); a non-negative number.
   */
  symmetryTolerance?: number;
}

/**
 * Eigenpairs from {@link eigh}.
 * @category Dense decompositions
 */
export interface EighResult {
  /** The `k` largest eigenvalues, in descending order (`k = top`, default `n`). */
  values: Float64Array;
  /** `n x k` matrix of orthonormal eigenvectors: column `i` belongs to `values[i]` (column-major storage). */
  vectors: Matrix;
}

/**
 * Eigenvalues alone, from {@link eigh} with `valuesOnly: true`.
 * @category Dense decompositions
 */
export interface EighValuesResult {
  /** The `k` largest eigenvalues, in descending order (`k = top`, default `n`). */
  values: Float64Array;
}

/**
 * Symmetric eigendecomposition `A = V·diag(λ)·Vᵀ`, `VᵀV = I`, `λ` descending.
 *
 * Reads both triangles: it validates symmetry and then decomposes the
 * symmetric part `(A + Aᵀ)/2` (equal to `A` when `A` is exactly symmetric).
 * Householder tridiagonalization blocked so that half its work runs in GEMM,
 * eigenvalues of the tridiagonal by implicit QL (all) or bisection (`top`),
 * eigenvectors by inverse iteration with reorthogonalization inside clusters,
 * or by divide and conquer when large clusters (repeated or fast-decaying
 * eigenvalues) would make that costly, back-transformed with compact-WY
 * blocks of reflectors (GEMM). Backward stable: `‖A − VΛVᵀ‖` and `‖VᵀV − I‖`
 * are small multiples of `n·eps` (times `‖A‖`), including repeated and
 * clustered eigenvalues. `top: k` costs the reduction plus `O(n²k)` for
 * well-separated eigenvalues. `A` may have any strides and is not modified.
 *
 * @param a - `n x n` symmetric matrix, finite
 * @param options - `top`, `symmetryTolerance`; see {@link EighOptions}
 * @returns `{ values, vectors }`: `k` descending eigenvalues and the `n x k` eigenvectors
 * @throws {@link ShapeError} if `a` is not 2-D or not square
 * @throws {@link InvalidArgumentError} if `a` is not a float64 matrix or an option is invalid (`top` outside `[0, n]`)
 * @throws {@link NonFiniteError} if `a` holds NaN or ±Infinity, or a value of the result lies beyond float64 (entries near 1e308)
 * @throws {@link NonSymmetricError} if `a` is not symmetric within `symmetryTolerance`
 * @throws {@link ConvergenceError} if the tridiagonal eigensolver does not converge (not observed in practice)
 * @example
 * ```ts
 * import { eigh, fromRows, toRows } from '@bkfac/linalg';
 * const { values, vectors } = eigh(fromRows([[2, 1], [1, 2]]));
 * const round = (x: number): number => Math.round(x * 1e4) / 1e4;
 * console.log(Array.from(values, round)); // [3, 1]
 * console.log(toRows(vectors).map((r) => r.map((x) => round(Math.abs(x))))); // [[0.7071, 0.7071], [0.7071, 0.7071]]
 * ```
 * @category Dense decompositions
 */
export function eigh(a: Matrix, options?: EighOptions & { valuesOnly?: false }): EighResult;
/**
 * Eigenvalues of a symmetric matrix, in descending order, without eigenvectors.
 *
 * @param a - `n x n` symmetric matrix, finite
 * @param options - `{ valuesOnly: true }` plus optional `top` and `symmetryTolerance`
 * @returns `{ values }`: the `k` largest eigenvalues, descending
 * @throws {@link ShapeError} if `a` is not 2-D or not square
 * @throws {@link InvalidArgumentError} if `a` is not a float64 matrix or an option is invalid
 * @throws {@link NonFiniteError} if `a` holds NaN or ±Infinity, or a value of the result lies beyond float64 (entries near 1e308)
 * @throws {@link NonSymmetricError} if `a` is not symmetric within `symmetryTolerance`
 * @throws {@link ConvergenceError} if the tridiagonal eigensolver does not converge
 * @example
 * ```ts
 * import { eigh, fromRows } from '@bkfac/linalg';
 * const { values } = eigh(fromRows([[4, 0, 0], [0, 1, 0], [0, 0, 9]]), { valuesOnly: true, top: 2 });
 * console.log(Array.from(values)); // [9, 4]
 * ```
 */
export function eigh(a: Matrix, options: EighOptions & { valuesOnly: true }): EighValuesResult;
/**
 * Symmetric eigendecomposition with `valuesOnly` known only at run time.
 *
 * @param a - `n x n` symmetric matrix, finite
 * @param options - see {@link EighOptions}
 * @returns {@link EighResult}, or {@link EighValuesResult} when `valuesOnly`
 * @throws {@link ShapeError} if `a` is not 2-D or not square
 * @throws {@link InvalidArgumentError} if `a` is not a float64 matrix or an option is invalid
 * @throws {@link NonFiniteError} if `a` holds NaN or ±Infinity, or a value of the result lies beyond float64 (entries near 1e308)
 * @throws {@link NonSymmetricError} if `a` is not symmetric within `symmetryTolerance`
 * @throws {@link ConvergenceError} if the tridiagonal eigensolver does not converge
 * @example
 * ```ts
 * import { eigh, eye } from '@bkfac/linalg';
 * import type { EighOptions } from '@bkfac/linalg';
 * const options: EighOptions = { valuesOnly: true };
 * console.log('vectors' in eigh(eye(2), options)); // false
 * ```
 */
export function eigh(a: Matrix, options?: EighOptions): EighResult | EighValuesResult;
export function eigh(a: Matrix, options?: EighOptions): EighResult | EighValuesResult {
  options = optionsObject('eigh', options);
  const n = assertSquare('eigh', 'a', a);
  const valuesOnly = options.valuesOnly ?? false;
  if (typeof valuesOnly !== 'boolean') {
    throw new InvalidArgumentError('eigh', 'options.valuesOnly', 'a boolean', valuesOnly);
  }
  const k = assertInteger('eigh', 'options.top', options.top ?? n, 0, n);
  const tolerance = assertNumber(
    'eigh',
    'options.symmetryTolerance',
    options.symmetryTolerance ?? 1e-10,
    0,
  );
  assertFinite('eigh', 'a', a);
  assertSymmetric('eigh', 'a', a, tolerance);
  const values = new Float64Array(k);
  if (valuesOnly) {
    symmetricEigenInto('eigh', a, k, values, null);
    return { values };
  }
  const vectors = zeros(n, k, 'col');
  symmetricEigenInto('eigh', a, k, values, vectors);
  return { values, vectors };
}
