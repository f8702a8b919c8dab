/**
 * Matrix-vector product y = alpha·op(A)·x + beta·y.
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { fromArray } from '../core/matrix.js';
import { maxAbs } from '../core/strided.js';
import { computeWithoutOverflow } from '../core/overflow.js';
import { assertBoolean, assertFinite, assertMatrix, assertNumber } from '../core/validate.js';
import { optionsObject } from '../core/options.js';
import { assertOutputVector } from '../core/output.js';
import { assertVector } from '../core/vector.js';

/**
 * Options of {@link gemv}.
 * @category Dense kernels (BLAS)
 */
export interface GemvOptions {
  /** Use `Aᵀ` instead of `A` (default `false`). */
  trans?: boolean;
  /** Scale of the product (default `1`). */
  alpha?: number;
  /** Scale of the existing `out` (default `0`; ignored without `out`). */
  beta?: number;
  /**
   * Output vector of length `m` (`n` if `trans`), accumulated into and returned (default: a
   * fresh vector). It must not share any element with `a` or `x` (checked).
   */
  out?: Float64Array;
}

/**
 * Matrix-vector product `y = alpha·op(A)·x + beta·y`, with `y` the
 * `options.out` vector (or a fresh one, then `beta` is ignored).
 *
 * @param a - `m x n` matrix (any strides)
 * @param x - vector of length `n` (`m` if `trans`)
 * @param options - transposition flag, scalars and an optional output
 * @returns `options.out` (or a fresh vector of length `m`, `n` if `trans`)
 * @throws {@link ShapeError} if `x` or `options.out` has the wrong length or `a` is not 2-D
 * @throws {@link InvalidArgumentError} if `x`/`out` is not a `Float64Array`, a scalar is not finite, or
 *   `out` shares elements with `x` or `a`
 * @throws {@link NonFiniteError} if an input (or, when `beta ≠ 0`, `out`) holds NaN or ±Infinity
 * @throws {@link NonFiniteError} if the result would overflow float64 (then `out` is left as it was)
 * @throws {@link InvalidArgumentError} if `trans` is given and is not a boolean
 * @example
 * ```ts
 * import { fromRows, gemv } from '@bkfac/linalg';
 * const y = gemv(fromRows([[1, 2], [3, 4]]), new Float64Array([1, 1]));
 * console.log(Array.from(y)); // [3, 7]
 * ```
 * @category Dense kernels (BLAS)
 */
export function gemv(a: Matrix, x: Float64Array, options?: GemvOptions): Float64Array {
  options = optionsObject('gemv', options);
  const { trans = false, alpha = 1, beta = 0 } = options;
  const [m, n] = assertMatrix('gemv', 'a', a);
  assertBoolean('gemv', 'options.trans', trans);
  assertNumber('gemv', 'alpha', alpha);
  assertNumber('gemv', 'beta', beta);
  assertVector('gemv', 'x', x, trans ? m : n);
  assertFinite('gemv', 'a', a);
  const length = trans ? n : m;
  const given = options.out;
  if (given !== undefined) {
    assertOutputVector(
      'gemv',
      'options.out',
      given,
      length,
      [
        ['x', x],
        ['a', a],
      ],
      beta !== 0,
    );
  }
  const y = given ?? new Float64Array(length);
  const effectiveBeta = given === undefined ? 0 : beta;
  let maxX = 0;
  for (const v of x) maxX = Math.max(maxX, Math.abs(v));
  let maxY = 0;
  if (given !== undefined && beta !== 0) for (const v of given) maxY = Math.max(maxY, Math.abs(v));
  computeWithoutOverflow(
    'gemv',
    'a, x',
    fromArray(y, [length, 1]),
    given === undefined,
    () => Math.abs(alpha) * (trans ? m : n) * maxAbs(a) * maxX + Math.abs(beta) * maxY,
    // A column view's data is the vector itself (or the scratch copy's, from offset 0).
    (target) => gemvUnchecked(trans, alpha, a, x, effectiveBeta, target.data),
  );
  return y;
}

/**
 * Unchecked kernel of {@link gemv}: `y = alpha·op(A)·x + beta·y` with any
 * strides of `A`. When `beta === 0`, `y` is overwritten (NaN does not propagate);
 * `y` must not overlap `x` or `A`.
 * @internal
 */
export function gemvUnchecked(
  trans: boolean,
  alpha: number,
  a: Matrix,
  x: Float64Array,
  beta: number,
  y: Float64Array,
): void {
  gemvStridedUnchecked(trans, alpha, a, x, 0, 1, beta, y, 0, 1);
}

/**
 * `y = alpha·op(A)·x + beta·y` on strided vectors (`x[i]` at `xd[xo + i·xs]`,
 * likewise `y`): the kernel of {@link gemv} and of GEMM with a single row or
 * column. The loop order follows the strides of `A`: dot products along its
 * rows, or column updates (axpy) down its columns, whichever is unit-stride.
 * @internal
 */
export function gemvStridedUnchecked(
  trans: boolean,
  alpha: number,
  a: Matrix,
  xd: Float64Array,
  xo: number,
  xs: number,
  beta: number,
  yd: Float64Array,
  yo: number,
  ys: number,
): void {
  const rows = a.shape[trans ? 1 : 0]!;
  const cols = a.shape[trans ? 0 : 1]!;
  const sr = a.stride[trans ? 1 : 0]!;
  const sc = a.stride[trans ? 0 : 1]!;
  const ad = a.data;
  const ao = a.offset;
  for (let i = 0, q = yo; i < rows; i++, q += ys) yd[q] = beta === 0 ? 0 : beta * yd[q]!;
  if (alpha === 0) return;
  if (Math.abs(sc) <= Math.abs(sr)) {
    // Four accumulators break the dependency chain of the additions.
    for (let i = 0, q = yo; i < rows; i++, q += ys) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let p = ao + i * sr;
      let r = xo;
      let j = 0;
      for (; j + 3 < cols; j += 4, p += 4 * sc, r += 4 * xs) {
        s0 += ad[p]! * xd[r]!;
        s1 += ad[p + sc]! * xd[r + xs]!;
        s2 += ad[p + 2 * sc]! * xd[r + 2 * xs]!;
        s3 += ad[p + 3 * sc]! * xd[r + 3 * xs]!;
      }
      for (; j < cols; j++, p += sc, r += xs) s0 += ad[p]! * xd[r]!;
      yd[q]! += alpha * (s0 + s1 + (s2 + s3));
    }
  } else {
    // Four columns per sweep of y: a quarter of the loads and stores of y.
    let j = 0;
    for (; j + 3 < cols; j += 4) {
      const r = xo + j * xs;
      const t0 = alpha * xd[r]!;
      const t1 = alpha * xd[r + xs]!;
      const t2 = alpha * xd[r + 2 * xs]!;
      const t3 = alpha * xd[r + 3 * xs]!;
      for (let i = 0, p = ao + j * sc, q = yo; i < rows; i++, p += sr, q += ys) {
        yd[q]! += t0 * ad[p]! + t1 * ad[p + sc]! + (t2 * ad[p + 2 * sc]! + t3 * ad[p + 3 * sc]!);
      }
    }
    for (; j < cols; j++) {
      const t = alpha * xd[xo + j * xs]!;
      for (let i = 0, p = ao + j * sc, q = yo; i < rows; i++, p += sr, q += ys)
        yd[q]! += t * ad[p]!;
    }
  }
}
