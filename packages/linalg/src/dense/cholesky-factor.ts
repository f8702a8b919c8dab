/**
 * Blocked Cholesky kernel (unchecked), LAPACK `dpotrf` lower, left-looking:
 * each diagonal block is updated by SYRK, factored unblocked, and the
 * column panel below it is updated by GEMM and solved by TRSM.
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { gemmUnchecked } from '../blas/gemm.js';
import { syrkUnchecked } from '../blas/syrk.js';
import { trsmUnchecked } from '../blas/trsm.js';

/** Columns per block. */
const CHOLESKY_BLOCK = 48;

/**
 * Cholesky factorization in place, `A = L·Lᵀ`, on the lower triangle of the
 * column-major `n x n` view `a` (`stride[0] === 1`); the strictly upper
 * triangle is used as scratch and left unspecified.
 *
 * A pivot `d_j` is accepted only when `d_j > eps·a_jj` (the original diagonal
 * entry): smaller pivots are rounding noise of a matrix that is positive
 * semidefinite or indefinite at working precision. The test is invariant
 * under diagonal scaling `D·A·D`.
 * @returns `-1` on success, otherwise the index `j` of the first rejected
 *   pivot, whose value (before the square root) is left in `a[j, j]`
 * @internal
 */
export function choleskyInPlace(a: Matrix): number {
  const n = a.shape[0]!;
  const ld = a.stride[1]!;
  const d = a.data;
  const threshold = new Float64Array(n);
  for (let j = 0; j < n; j++) threshold[j] = Number.EPSILON * d[a.offset + j * (ld + 1)]!;
  for (let j = 0; j < n; j += CHOLESKY_BLOCK) {
    const jb = Math.min(CHOLESKY_BLOCK, n - j);
    const a11 = a.lo(j, j).hi(jb, jb);
    const l10 = a.lo(j, 0).hi(jb, j);
    syrkUnchecked(false, -1, l10, 1, a11);
    const failed = factorDiagonalBlock(a11, threshold, j);
    if (failed >= 0) return j + failed;
    if (j + jb < n) {
      const a21 = a.lo(j + jb, j).hi(n - j - jb, jb);
      gemmUnchecked(false, true, -1, a.lo(j + jb, 0).hi(n - j - jb, j), l10, 1, a21);
      trsmUnchecked('right', true, true, false, 1, a11, a21);
    }
  }
  return -1;
}

/**
 * Unblocked right-looking Cholesky of a small column-major block (lower
 * triangle), unit-stride inner loops.
 * @returns `-1` or the block-relative index of the first rejected pivot
 */
function factorDiagonalBlock(a: Matrix, threshold: Float64Array, first: number): number {
  const n = a.shape[0]!;
  const ld = a.stride[1]!;
  const d = a.data;
  const o = a.offset;
  for (let j = 0; j < n; j++) {
    const cj = o + j * ld;
    const pivot = d[cj + j]!;
    if (!(pivot > threshold[first + j]!)) return j;
    const ljj = Math.sqrt(pivot);
    d[cj + j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < n; i++) d[cj + i]! *= inv;
    for (let c = j + 1; c < n; c++) {
      const cc = o + c * ld;
      const f = d[cj + c]!;
      for (let i = c; i < n; i++) d[cc + i]! -= d[cj + i]! * f;
    }
  }
  return -1;
}
