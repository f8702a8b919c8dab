/**
 * General matrix product C = alpha·op(A)·op(B) + beta·C.
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { zeros } from '../core/matrix.js';
import { assertFinite, assertMatrix, assertNumber } from '../core/validate.js';
import { ShapeError } from '../core/errors.js';

/** Options of {@link gemm}. */
export interface GemmOptions {
  /** Use `Aᵀ` instead of `A` (default `false`). */
  transA?: boolean;
  /** Use `Bᵀ` instead of `B` (default `false`). */
  transB?: boolean;
  /** Scale of the product (default `1`). */
  alpha?: number;
  /** Scale of the existing `c` (default `0`; ignored without `c`). */
  beta?: number;
  /** Output `m x n` matrix, accumulated into and returned (default: a fresh row-major matrix). */
  c?: Matrix;
}

/**
 * General matrix product `C = alpha·op(A)·op(B) + beta·C`.
 *
 * @param a - `m x k` matrix (`k x m` if `transA`)
 * @param b - `k x n` matrix (`n x k` if `transB`)
 * @param options - transposition flags, scalars and an optional output
 * @returns `c` (or a fresh `m x n` matrix)
 * @throws {@link ShapeError} if the inner dimensions or `c` do not match
 * @throws {@link NonFiniteError} if an input holds NaN or ±Infinity
 * @example
 * ```ts
 * import { fromRows, gemm, toRows } from '@bkfac/linalg';
 * const c = gemm(fromRows([[1, 2]]), fromRows([[3], [4]]));
 * console.log(toRows(c)); // [[11]]
 * ```
 */
export function gemm(a: Matrix, b: Matrix, options: GemmOptions = {}): Matrix {
  const { transA = false, transB = false, alpha = 1, beta = 0 } = options;
  const [ar, ac] = assertMatrix('gemm', 'a', a);
  const [br, bc] = assertMatrix('gemm', 'b', b);
  assertNumber('gemm', 'alpha', alpha);
  assertNumber('gemm', 'beta', beta);
  const m = transA ? ac : ar;
  const k = transA ? ar : ac;
  const kb = transB ? bc : br;
  const n = transB ? br : bc;
  if (k !== kb) {
    throw new ShapeError('gemm', 'b', `with ${k} ${transB ? 'columns' : 'rows'}`, `[${br}, ${bc}]`);
  }
  assertFinite('gemm', 'a', a);
  assertFinite('gemm', 'b', b);
  let c = options.c;
  if (c === undefined) {
    c = zeros(m, n);
  } else {
    const [cr, cc] = assertMatrix('gemm', 'c', c);
    if (cr !== m || cc !== n) throw new ShapeError('gemm', 'c', `[${m}, ${n}]`, `[${cr}, ${cc}]`);
    if (beta !== 0) assertFinite('gemm', 'c', c);
  }
  gemmUnchecked(transA, transB, alpha, a, b, options.c === undefined ? 0 : beta, c);
  return c;
}

/**
 * Matrix product `A·B` into a fresh matrix.
 *
 * @param a - `m x k` matrix
 * @param b - `k x n` matrix
 * @returns the `m x n` product
 * @throws {@link ShapeError} if the inner dimensions differ
 * @throws {@link NonFiniteError} if an input holds NaN or ±Infinity
 * @example
 * ```ts
 * import { eye, fromRows, matmul, toRows } from '@bkfac/linalg';
 * console.log(toRows(matmul(eye(2), fromRows([[1, 2], [3, 4]])))); // [[1, 2], [3, 4]]
 * ```
 */
export function matmul(a: Matrix, b: Matrix): Matrix {
  return gemm(a, b);
}

/**
 * Unchecked kernel of {@link gemm}: `C = alpha·op(A)·op(B) + beta·C` with any
 * strides. Shapes must already agree; when `beta === 0`, `C` is overwritten
 * (NaN in `C` does not propagate).
 * @internal
 */
export function gemmUnchecked(
  transA: boolean,
  transB: boolean,
  alpha: number,
  a: Matrix,
  b: Matrix,
  beta: number,
  c: Matrix,
): void {
  const m = c.shape[0]!;
  const n = c.shape[1]!;
  const k = transA ? a.shape[0]! : a.shape[1]!;
  const ad = a.data;
  const bd = b.data;
  const cd = c.data;
  const ai = transA ? a.stride[1]! : a.stride[0]!;
  const ap = transA ? a.stride[0]! : a.stride[1]!;
  const bp = transB ? b.stride[1]! : b.stride[0]!;
  const bj = transB ? b.stride[0]! : b.stride[1]!;
  const ci = c.stride[0]!;
  const cj = c.stride[1]!;
  const ao = a.offset;
  const bo = b.offset;
  const co = c.offset;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let pa = ao + i * ai;
      let pb = bo + j * bj;
      for (let p = 0; p < k; p++, pa += ap, pb += bp) s += ad[pa]! * bd[pb]!;
      const q = co + i * ci + j * cj;
      cd[q] = beta === 0 ? alpha * s : alpha * s + beta * cd[q]!;
    }
  }
}
