/**
 * Block views, gathers and stacks used by the low-rank routines.
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { copyInto, zeros } from '../core/matrix.js';
import { gemmUnchecked } from '../blas/gemm.js';

/**
 * View of the first `k` columns of `a` (no copy).
 * @internal
 */
export function leadingColumns(a: Matrix, k: number): Matrix {
  return a.hi(a.shape[0]!, k);
}

/**
 * View of rows `[start, end)` of `a` (no copy).
 * @internal
 */
export function rowRange(a: Matrix, start: number, end: number): Matrix {
  return a.hi(end, a.shape[1]!).lo(start, 0);
}

/**
 * Fresh column-major copy of the columns `indices` of `a`, in that order.
 * @internal
 */
export function gatherColumns(a: Matrix, indices: readonly number[]): Matrix {
  const out = zeros(a.shape[0]!, indices.length, 'col');
  indices.forEach((from, j) => copyInto(column(out, j), column(a, from)));
  return out;
}

/**
 * View of column `j` of `a` (no copy).
 * @internal
 */
export function column(a: Matrix, j: number): Matrix {
  return a.hi(a.shape[0]!, j + 1).lo(0, j);
}

/**
 * Fresh column-major `[top; bottom]` (the blocks have equal column counts).
 * @internal
 */
export function stackRows(top: Matrix, bottom: Matrix): Matrix {
  const t = top.shape[0]!;
  const rows = t + bottom.shape[0]!;
  const out = zeros(rows, top.shape[1]!, 'col');
  copyInto(rowRange(out, 0, t), top);
  copyInto(rowRange(out, t, rows), bottom);
  return out;
}

/**
 * `out = [first, second]·z` without forming `[first, second]`: the rotation
 * of a Brand update, `out = first·z[0:a, :] + second·z[a:, :]` with `a` the
 * column count of `first`.
 * @internal
 */
export function rotateInto(out: Matrix, first: Matrix, second: Matrix, z: Matrix): void {
  const a = first.shape[1]!;
  gemmUnchecked(false, false, 1, first, rowRange(z, 0, a), 0, out);
  gemmUnchecked(false, false, 1, second, rowRange(z, a, z.shape[0]!), 1, out);
}
