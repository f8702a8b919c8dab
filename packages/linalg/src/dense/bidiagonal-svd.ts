/**
 * SVD of an upper bidiagonal matrix through its Golub–Kahan (TGK) form.
 *
 * For `B` (`n x n`, diagonal `d`, super-diagonal `e`) the perfect shuffle of
 * `[0 Bᵀ; B 0]` is the `2n x 2n` tridiagonal with zero diagonal and
 * off-diagonal `(d_0, e_0, d_1, …, d_{n−1})`; its eigenvalues are `±σ_i` and
 * the eigenvector of `+σ_i` interleaves `(v_i, u_i)/√2`. The `n` largest
 * eigenpairs from the tridiagonal solver give `σ` (backward stable, absolute
 * accuracy `eps·‖B‖`) and, split and normalized, `U` and `V`.
 *
 * Split halves lose orthogonality where `σ` is small: the `±σ` pair of a tiny
 * `σ` is a cluster the solver cannot separate (Großer–Lang). So columns with
 * `σ_j < 1e-2·σ_max` are reorthogonalized, separately in `U` and `V`, against
 * all earlier columns (this moves `u_j`, `v_j` by `O(eps·‖B‖/σ_j)` and hence
 * `B` by `O(eps·‖B‖)`), and columns whose halves are unusable (`σ_j` at
 * rounding level, e.g. exact zero singular values) are replaced by an
 * orthonormal completion, which changes `B` by at most those `σ_j`.
 * @module
 */
import { gemmUnchecked } from '../blas/gemm.js';
import { Workspace } from '../blas/workspace.js';
import { columnMajor } from './householder.js';
import { blockFactorsFor, formQInPlace, householderQrInPlace } from './qr-factor.js';
import { tridiagonalEigen } from './tridiagonal-eigen.js';

/** Columns with `σ_j` below this fraction of `σ_max` are reorthogonalized. */
const SMALL_SINGULAR_VALUE = 1e-2;
/** A half of a unit TGK eigenvector normally has norm `1/√2`; below this it is unusable. */
const USABLE_HALF = 0.25;
/** Reorthogonalization that leaves less than this of a unit column means it was not independent. */
const USABLE_REMAINDER = 0.5;

const zeroSpace = new Workspace();
const offDiagonalSpace = new Workspace();
const tgkVectorSpace = new Workspace();
const projectionSpace = new Workspace();
const completionSpace = new Workspace();

/**
 * Singular values of the `n x n` upper bidiagonal `B` (diagonal `d[0..n)`,
 * super-diagonal `e[0..n−1)`) in descending order into `s[0..n)` and, when
 * `u` and `v` are given, its singular vectors `B = U·diag(s)·Vᵀ` into the
 * column-major `n x n` buffers `u`, `v` (leading dimension `n`).
 * @throws {@link ConvergenceError} if the tridiagonal eigensolver fails
 * @internal
 */
export function bidiagonalSvd(
  fn: string,
  n: number,
  d: Float64Array,
  e: Float64Array,
  s: Float64Array,
  u: Float64Array | null,
  v: Float64Array | null,
): void {
  if (n === 0) return;
  const size = 2 * n;
  const diagonal = zeroSpace.get(size).fill(0, 0, size);
  const off = offDiagonalSpace.get(size);
  for (let i = 0; i < n; i++) {
    off[2 * i] = d[i]!;
    if (i < n - 1) off[2 * i + 1] = e[i]!;
  }
  const z = u === null || v === null ? null : tgkVectorSpace.get(size * n);
  tridiagonalEigen(fn, size, diagonal, off, n, s, z, size);
  for (let j = 0; j < n; j++) s[j] = Math.max(0, s[j]!);
  if (z === null || u === null || v === null) return;

  // Split every eigenvector into its v (even) and u (odd) halves, normalized separately.
  let unusable = n;
  for (let j = 0; j < n; j++) {
    const nv = splitHalf(z, j * size, n, 0, v, j * n);
    const nu = splitHalf(z, j * size, n, 1, u, j * n);
    if (unusable === n && (s[j] === 0 || Math.min(nu, nv) < USABLE_HALF)) unusable = j;
  }
  let small = 0;
  while (small < unusable && s[small]! >= SMALL_SINGULAR_VALUE * s[0]!) small++;
  if (small < unusable) {
    unusable = Math.min(
      reorthogonalize(u, n, small, unusable),
      reorthogonalize(v, n, small, unusable),
    );
  }
  if (unusable < n) {
    completeBasis(u, n, unusable);
    completeBasis(v, n, unusable);
  }
}

/**
 * Copies entries `parity, parity+2, …` of the `2n` vector at `z[zo..]` into
 * `out[oo .. oo+n)`, normalized; returns the half's norm (0: left as zeros).
 */
function splitHalf(
  z: Float64Array,
  zo: number,
  n: number,
  parity: number,
  out: Float64Array,
  oo: number,
): number {
  let ss = 0;
  for (let i = 0; i < n; i++) ss += z[zo + 2 * i + parity]! ** 2;
  const norm = Math.sqrt(ss);
  const inv = norm === 0 ? 0 : 1 / norm;
  for (let i = 0; i < n; i++) out[oo + i] = z[zo + 2 * i + parity]! * inv;
  return norm;
}

/**
 * Makes columns `from..to−1` of the column-major `n x n` `q` orthonormal to
 * columns `0..from−1` (two block Gram–Schmidt passes) and to each other, in
 * order (the `Q` of their Householder QR, signed like the columns: what
 * Gram–Schmidt gives, computed stably), all through GEMM. Returns the first
 * column that lost more than half its norm (it was not independent), else `to`.
 */
function reorthogonalize(q: Float64Array, n: number, from: number, to: number): number {
  const width = to - from;
  const all = columnMajor(q, n, n, 0);
  const block = all.lo(0, from).hi(n, width);
  if (from > 0) {
    const kept = all.hi(n, from);
    const g = columnMajor(projectionSpace.get(from * width), from, width, 0);
    for (let pass = 0; pass < 2; pass++) {
      gemmUnchecked(true, false, 1, kept, block, 0, g);
      gemmUnchecked(false, false, -1, kept, g, 1, block);
    }
  }
  const work = columnMajor(completionSpace.get(n * width), n, width, 0);
  work.data.set(q.subarray(n * from, n * to));
  const t = blockFactorsFor(n, width);
  householderQrInPlace(work, t);
  let usable = 0;
  while (usable < width && Math.abs(work.data[usable * (n + 1)]!) >= USABLE_REMAINDER) usable++;
  const negative = (j: number): boolean => work.data[j * (n + 1)]! < 0;
  const flip = Array.from({ length: usable }, (_, j) => negative(j));
  formQInPlace(work, width, t);
  for (let j = 0; j < usable; j++) {
    const src = j * n;
    const dst = (from + j) * n;
    const s = flip[j] ? -1 : 1;
    for (let r = 0; r < n; r++) q[dst + r] = s * work.data[src + r]!;
  }
  return from + usable;
}

/**
 * Overwrites columns `from..n−1` of the column-major `n x n` `q` by an
 * orthonormal basis of the orthogonal complement of its (orthonormal)
 * columns `0..from−1`: the trailing columns of the complete `Q` of their
 * Householder QR.
 */
function completeBasis(q: Float64Array, n: number, from: number): void {
  const work = columnMajor(completionSpace.get(n * n), n, n, 0);
  work.data.set(q.subarray(0, n * from));
  const t = blockFactorsFor(n, Math.max(from, 1));
  if (from > 0) householderQrInPlace(work.hi(n, from), t);
  formQInPlace(work, from, t);
  q.set(work.data.subarray(n * from, n * n), n * from);
}
