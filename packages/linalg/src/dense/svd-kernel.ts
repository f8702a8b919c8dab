/**
 * Unchecked SVD kernel for tall matrices: power-of-two scaling, Householder
 * QR first when the matrix is much taller than wide, Golub–Kahan
 * bidiagonalization, bidiagonal SVD through the TGK tridiagonal eigensolver,
 * blocked back-transformations.
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { Workspace } from '../blas/workspace.js';
import { bidiagonalize } from './bidiagonal-reduce.js';
import { bidiagonalSvd } from './bidiagonal-svd.js';
import { columnMajor, copyColumns } from './householder.js';
import { applyReflectorSequence } from './householder-sequence.js';
import { QR_BLOCK, householderQrInPlace } from './qr-factor.js';
import { copyScaled, unscaleValues } from './scaling.js';

/** From this aspect ratio on, a QR factorization first shrinks the bidiagonalization to `n x n`. */
const QR_FIRST_RATIO = 1.6;

const workSpace = new Workspace();
const triangleSpace = new Workspace();
const qrFactorSpace = new Workspace();
const qrTauSpace = new Workspace();
const diagonalSpace = new Workspace();
const superSpace = new Workspace();
const tauqSpace = new Workspace();
const taupSpace = new Workspace();
const rightSpace = new Workspace();
const uSpace = new Workspace();
const vSpace = new Workspace();

/**
 * Singular values of the `m x n` matrix `a` (`m >= n`, any strides, not
 * modified) in descending order into `s[0..n)`, and when `u`, `v` are given
 * the singular vectors `A = U·diag(s)·Vᵀ`: `u` is column-major `m x n`
 * (thin) or `m x m` (full), `v` column-major `n x n`; both are overwritten.
 * No validation: `a` must be finite.
 * @throws {@link ConvergenceError} if the tridiagonal eigensolver fails
 * @throws {@link NonFiniteError} if a singular value lies beyond float64
 * @internal
 */
export function tallSvdInto(
  fn: string,
  a: Matrix,
  s: Float64Array,
  u: Matrix | null,
  v: Matrix | null,
): void {
  const m = a.shape[0]!;
  const n = a.shape[1]!;
  const work = workSpace.get(m * n);
  const exponent = copyScaled(a, work);
  const vectors = u !== null && v !== null;
  const qrFirst = m >= QR_FIRST_RATIO * n;
  let target = work;
  let rows = m;
  if (qrFirst && n > 0) {
    const t = columnMajor(qrFactorSpace.get(QR_BLOCK * n), QR_BLOCK, n, 0);
    householderQrInPlace(columnMajor(work, m, n, 0), t);
    target = triangleSpace.get(n * n);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) target[i + j * n] = i <= j ? work[i + j * m]! : 0;
    }
    rows = n;
    if (vectors) qrTauFromFactors(t, n);
  }
  const d = diagonalSpace.get(n);
  const e = superSpace.get(n);
  const tauq = tauqSpace.get(n);
  const taup = taupSpace.get(n);
  const right = rightSpace.get(n * n);
  bidiagonalize(rows, n, target, rows, d, e, tauq, taup, right);
  const ub = vectors ? uSpace.get(n * n) : null;
  const vb = vectors ? vSpace.get(n * n) : null;
  bidiagonalSvd(fn, n, d, e, s, ub, vb);
  unscaleValues(fn, 'singular value', s, n, exponent);
  if (u === null || v === null || ub === null || vb === null) return;

  // V = P·V_B.
  copyColumns(columnMajor(vb, n, n, 0), v.hi(n, n));
  if (n > 1) applyReflectorSequence(columnMajor(right, n - 1, n - 1, 0), taup, v.lo(1, 0));
  // U = Q_qr·diag(Q_b·U_B, I) (thin: only the first n columns).
  const uc = u.shape[1]!;
  fillColumns(u, 0);
  copyColumns(columnMajor(ub, n, n, 0), u.hi(n, n));
  for (let j = n; j < uc; j++) u.data[u.offset + j + j * u.stride[1]!] = 1;
  applyReflectorSequence(columnMajor(target, rows, n, 0), tauq, u.hi(rows, uc));
  if (rows < m) applyReflectorSequence(columnMajor(work, m, n, 0), qrTauSpace.get(n), u);
}

/** The reflector scalars `tau_j`, the diagonals of the QR's compact-WY factors. */
function qrTauFromFactors(t: Matrix, n: number): void {
  const tau = qrTauSpace.get(n);
  const ld = t.stride[1]!;
  for (let j = 0; j < n; j++) tau[j] = t.data[(j % QR_BLOCK) + j * ld]!;
}

/** Sets every entry of the column-major `dst` to `value`. */
function fillColumns(dst: Matrix, value: number): void {
  const [rows, cols] = dst.shape as [number, number];
  const ld = dst.stride[1]!;
  for (let j = 0; j < cols; j++)
    dst.data.fill(value, dst.offset + j * ld, dst.offset + j * ld + rows);
}
