/**
 * Matrix-free linear operators: sketch a matrix you never form.
 * @module
 */
import { assertRepresentable } from '../core/overflow.js';
import type { Matrix } from '../core/matrix.js';
import { checkDimension, typeName, zeros } from '../core/matrix.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import {
  assertFinite,
  assertMatrix,
  assertShape,
  assertSquare,
  assertSymmetric,
} from '../core/validate.js';
import { gemmUnchecked } from '../blas/gemm.js';

/**
 * A linear map `A: R^cols → R^rows` known only through its action on blocks
 * of vectors, so that randomized decompositions can sketch a matrix that is
 * never formed (a product of factors, a Kronecker product, a Hessian…).
 *
 * @example
 * ```ts
 * import { gemm, rsvd, fromRows, type LinearOperator } from '@bkfac/linalg';
 * // A = F·Fᵀ (3 x 3) applied as F·(Fᵀ·X), never formed.
 * const f = fromRows([[1, 0], [0, 2], [0, 0]]);
 * const op: LinearOperator = {
 *   rows: 3,
 *   cols: 3,
 *   symmetric: true,
 *   apply: (x) => gemm(f, gemm(f, x, { transA: true })),
 * };
 * console.log(Array.from(rsvd(op, 2, { seed: 1 }).s).map(Math.round)); // [4, 1]
 * ```
 * @category Low-rank and online decompositions
 */
export interface LinearOperator {
  /** Number of rows of `A` (the length of `A·x`). */
  readonly rows: number;
  /** Number of columns of `A` (the length of `x`). */
  readonly cols: number;
  /**
   * `A·X` for a block of vectors.
   * @param x - `cols x k` matrix (do not keep or modify it)
   * @returns a `rows x k` matrix
   */
  apply(x: Matrix): Matrix;
  /**
   * `Aᵀ·Y` for a block of vectors; required by power iterations and by
   * {@link rsvd} unless {@link LinearOperator.symmetric} is `true`.
   * @param y - `rows x k` matrix (do not keep or modify it)
   * @returns a `cols x k` matrix
   */
  applyTranspose?(y: Matrix): Matrix;
  /** `true` when `A = Aᵀ` (then `apply` serves for `Aᵀ` too). Default `false`. */
  readonly symmetric?: boolean;
}

/**
 * A validated operator: both products available, outputs shape- and
 * finiteness-checked.
 * @internal
 */
export interface CheckedOperator {
  readonly rows: number;
  readonly cols: number;
  apply(x: Matrix): Matrix;
  applyTranspose(y: Matrix): Matrix;
}

/**
 * Validates a matrix or {@link LinearOperator} argument. With `symmetric`,
 * a matrix must be square and symmetric and an operator square (its
 * symmetry is the caller's contract); without it, an operator needs
 * `applyTranspose` or `symmetric: true`.
 * @internal
 */
export function checkOperator(
  fn: string,
  arg: string,
  a: Matrix | LinearOperator,
  symmetric: boolean,
): CheckedOperator {
  if (isOperator(a)) return checkMatrixFree(fn, arg, a, symmetric);
  assertMatrix(fn, arg, a);
  if (symmetric) {
    assertSquare(fn, arg, a);
    assertFinite(fn, arg, a);
    assertSymmetric(fn, arg, a);
  } else {
    assertFinite(fn, arg, a);
  }
  const [rows, cols] = a.shape as [number, number];
  return {
    rows,
    cols,
    apply: (x) => product(fn, arg, false, a, x, rows),
    applyTranspose: (y) => product(fn, arg, true, a, y, cols),
  };
}

function isOperator(a: unknown): a is LinearOperator {
  return (
    typeof a === 'object' &&
    a !== null &&
    typeof (a as Partial<LinearOperator>).apply === 'function' &&
    !('data' in a)
  );
}

function checkMatrixFree(
  fn: string,
  arg: string,
  op: LinearOperator,
  symmetric: boolean,
): CheckedOperator {
  const { rows, cols } = op;
  checkDimension(fn, `${arg}.rows`, rows);
  checkDimension(fn, `${arg}.cols`, cols);
  if (symmetric && rows !== cols) {
    throw new ShapeError(fn, arg, '[n, n] (square operator)', `[${rows}, ${cols}]`);
  }
  const transpose = op.applyTranspose;
  if (!symmetric && op.symmetric !== true && typeof transpose !== 'function') {
    throw new InvalidArgumentError(
      fn,
      `${arg}.applyTranspose`,
      'a function (or the operator must declare symmetric: true)',
      typeName(transpose),
    );
  }
  const checked = (label: string, outRows: number, y: unknown, k: number): Matrix => {
    assertShape(fn, `${arg}.${label}`, y, [outRows, k]);
    assertFinite(fn, `${arg}.${label}`, y as Matrix);
    return y as Matrix;
  };
  const apply = (x: Matrix): Matrix => checked('apply(x)', rows, op.apply(x), x.shape[1]!);
  const applyT =
    symmetric || op.symmetric === true || transpose === undefined
      ? apply
      : (y: Matrix): Matrix =>
          checked('applyTranspose(y)', cols, transpose.call(op, y), y.shape[1]!);
  return { rows, cols, apply, applyTranspose: applyT };
}

/**
 * `op(A)·X` into a fresh column-major matrix with `outRows` rows; a product
 * beyond float64 (entries of `A` near the maximum) is an error naming `fn`.
 */
function product(
  fn: string,
  arg: string,
  trans: boolean,
  a: Matrix,
  x: Matrix,
  outRows: number,
): Matrix {
  const y = zeros(outRows, x.shape[1]!, 'col');
  gemmUnchecked(trans, false, 1, a, x, 0, y);
  assertRepresentable(fn, `${arg}·x`, y);
  return y;
}
