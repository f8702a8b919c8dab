/**
 * Cholesky factorization `A = L·Lᵀ` and the solves built on it.
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { copyInto, zeros } from '../core/matrix.js';
import { InvalidArgumentError, NotPositiveDefiniteError } from '../core/errors.js';
import { assertFinite, assertShape, assertSquare, assertSymmetric } from '../core/validate.js';
import { trsmUnchecked } from '../blas/trsm.js';
import { choleskyInPlace } from './cholesky-factor.js';
import { assertSolutionFinite } from './solution-check.js';

/**
 * Cholesky factorization `A = L·Lᵀ` of a symmetric positive definite matrix,
 * `L` lower triangular with a positive diagonal.
 *
 * Blocked (SYRK/GEMM/TRSM), reading the lower triangle of `A` after checking
 * that `A` is symmetric. A pivot is rejected when it is not larger than
 * `eps·a_jj` (so exactly semidefinite matrices, whose pivots are zero up to
 * rounding, are rejected too). In exact arithmetic `d_j >= λ_min(A)` and
 * `a_jj <= λ_max(A)`, so every `A` with condition number below
 * `1/eps ≈ 4.5e15` passes; the test is invariant under diagonal scaling `D·A·D`.
 *
 * @param a - `n x n` symmetric positive definite matrix, any strides
 * @returns `L`, `n x n` lower triangular (upper triangle exactly zero), column-major
 * @throws {@link NotPositiveDefiniteError} if a pivot is not positive; `pivot` is its index
 * @throws {@link ShapeError} if `a` is not square
 * @throws {@link NonFiniteError} if `a` holds NaN or ±Infinity
 * @throws {@link NonSymmetricError} if `a` is not symmetric (relative tolerance 1e-10)
 * @throws {@link InvalidArgumentError} if `a` is not a float64 matrix
 * @example
 * ```ts
 * import { cholesky, fromRows, toRows } from '@bkfac/linalg';
 * console.log(toRows(cholesky(fromRows([[4, 2], [2, 5]])))); // [[2, 0], [1, 2]]
 * ```
 * @category Dense decompositions
 */
export function cholesky(a: Matrix): Matrix {
  return factor('cholesky', a);
}

/**
 * Solves `(L·Lᵀ)·X = B` given the Cholesky factor `L` of `A = L·Lᵀ`, by two
 * triangular solves.
 *
 * Only the lower triangle of `l` is read.
 *
 * @param l - `n x n` lower triangular factor (as returned by {@link cholesky}), non-zero diagonal
 * @param b - `n x k` right-hand sides
 * @returns `X`, a fresh row-major `n x k` matrix
 * @throws {@link ShapeError} if `l` is not square or `b` does not have `n` rows
 * @throws {@link NonFiniteError} if `l` or `b` holds NaN or ±Infinity
 * @throws {@link InvalidArgumentError} if `l` has a zero diagonal entry, the solution
 *   overflows, or an argument is not a float64 matrix
 * @example
 * ```ts
 * import { cholesky, choleskySolve, fromRows, toRows } from '@bkfac/linalg';
 * const l = cholesky(fromRows([[4, 2], [2, 5]]));
 * console.log(toRows(choleskySolve(l, fromRows([[6], [7]])))); // [[1], [1]]
 * ```
 * @category Dense decompositions
 */
export function choleskySolve(l: Matrix, b: Matrix): Matrix {
  const n = assertSquare('choleskySolve', 'l', l);
  assertShape('choleskySolve', 'b', b, [n, null]);
  assertFinite('choleskySolve', 'l', l);
  assertFinite('choleskySolve', 'b', b);
  assertNonZeroDiagonal(l);
  return solveWithFactor('choleskySolve', 'l', l, b);
}

/**
 * Solves `A·X = B` for a symmetric positive definite `A`, through its
 * Cholesky factorization (equivalent to `choleskySolve(cholesky(a), b)`,
 * with errors naming `solveSpd`).
 *
 * @param a - `n x n` symmetric positive definite matrix
 * @param b - `n x k` right-hand sides
 * @returns `X`, a fresh row-major `n x k` matrix
 * @throws {@link NotPositiveDefiniteError} if `a` is not positive definite
 * @throws {@link ShapeError} if `a` is not square or `b` does not have `n` rows
 * @throws {@link NonFiniteError} if `a` or `b` holds NaN or ±Infinity
 * @throws {@link NonSymmetricError} if `a` is not symmetric
 * @throws {@link InvalidArgumentError} if the solution overflows or an argument is not a float64 matrix
 * @example
 * ```ts
 * import { fromRows, solveSpd, toRows } from '@bkfac/linalg';
 * const a = fromRows([[4, 2], [2, 5]]);
 * console.log(toRows(solveSpd(a, fromRows([[6], [7]])))); // [[1], [1]]
 * ```
 * @category Dense decompositions
 */
export function solveSpd(a: Matrix, b: Matrix): Matrix {
  const n = assertSquare('solveSpd', 'a', a);
  assertShape('solveSpd', 'b', b, [n, null]);
  assertFinite('solveSpd', 'b', b);
  return solveWithFactor('solveSpd', 'a', factor('solveSpd', a), b);
}

/** Validates `a` and returns its Cholesky factor; errors name `fn`. */
function factor(fn: string, a: Matrix): Matrix {
  const n = assertSquare(fn, 'a', a);
  assertFinite(fn, 'a', a);
  assertSymmetric(fn, 'a', a);
  const l = zeros(n, n, 'col');
  copyInto(l, a);
  const failed = choleskyInPlace(l);
  if (failed >= 0) throw new NotPositiveDefiniteError(fn, 'a', failed, l.data[failed * (n + 1)]!);
  // The kernel used the strict upper triangle as scratch.
  for (let j = 1; j < n; j++) l.data.fill(0, j * n, j * n + j);
  return l;
}

/** `X = L⁻ᵀ·L⁻¹·B` into a fresh row-major matrix; overflow is reported against `arg`. */
function solveWithFactor(fn: string, arg: string, l: Matrix, b: Matrix): Matrix {
  const [n, k] = b.shape as [number, number];
  const x = zeros(n, k);
  copyInto(x, b);
  trsmUnchecked('left', true, false, false, 1, l, x);
  trsmUnchecked('left', true, true, false, 1, l, x);
  assertSolutionFinite(fn, arg, x);
  return x;
}

function assertNonZeroDiagonal(l: Matrix): void {
  const n = l.shape[0]!;
  const step = l.stride[0]! + l.stride[1]!;
  for (let i = 0; i < n; i++) {
    const v = l.data[l.offset + i * step]!;
    if (v === 0) {
      throw new InvalidArgumentError(
        'choleskySolve',
        'l',
        'a non-zero diagonal (non-singular)',
        `l[${i},${i}] = 0`,
      );
    }
  }
}
