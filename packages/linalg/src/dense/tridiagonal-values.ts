/**
 * Eigenvalues of a symmetric tridiagonal block `T = tridiag(e, d, e)`:
 * implicit QL with Wilkinson shifts (all values, O(n²)) and Sturm-count
 * bisection (selected values, O(n) per step).
 * @module
 */
import { ConvergenceError } from '../core/errors.js';

const EPS = 2 ** -52;
/** QL sweeps allowed per eigenvalue before giving up (typically 1–3 are needed). */
const MAX_SWEEPS = 40;

/**
 * Where {@link qlEigenvalues} accumulates its rotations: the eigenvector of
 * `d[i]` is column `i − lo` of the column-major `rows x (hi−lo+1)` matrix at
 * `z[offset + r + c·ld]`, which must hold the identity (or a basis to rotate) on entry.
 * @internal
 */
export interface RotationTarget {
  readonly z: Float64Array;
  readonly offset: number;
  readonly ld: number;
  readonly rows: number;
}

/**
 * All eigenvalues of the block `d[lo..hi]`, `e[lo..hi−1]` by implicit QL with
 * Wilkinson shifts; they overwrite `d[lo..hi]` (unsorted) and `e[lo..hi]` is
 * destroyed (`e` needs an entry at `hi`). An off-diagonal is treated as zero
 * when `|e_i| <= tol` or when it is negligible next to its diagonal neighbours.
 * With `vectors`, the rotations are applied to its columns (EISPACK's tql2).
 * @throws {@link ConvergenceError} if an eigenvalue needs more than 40 sweeps
 * @internal
 */
export function qlEigenvalues(
  fn: string,
  d: Float64Array,
  e: Float64Array,
  lo: number,
  hi: number,
  tol: number,
  vectors: RotationTarget | null = null,
): void {
  for (let l = lo; l <= hi; l++) {
    for (let sweep = 0; ; sweep++) {
      let m = l;
      while (m < hi) {
        const em = Math.abs(e[m]!);
        if (em <= tol || em <= EPS * (Math.abs(d[m]!) + Math.abs(d[m + 1]!))) break;
        m++;
      }
      if (m === l) break;
      if (sweep === MAX_SWEEPS) {
        throw new ConvergenceError(fn, sweep, `tridiagonal QL for eigenvalue ${l - lo}`);
      }
      qlSweep(d, e, l, m, lo, vectors);
    }
  }
}

/** One implicit QL sweep with a Wilkinson shift over the unreduced block `l..m`. */
function qlSweep(
  d: Float64Array,
  e: Float64Array,
  l: number,
  m: number,
  lo: number,
  vectors: RotationTarget | null,
): void {
  let g = (d[l + 1]! - d[l]!) / (2 * e[l]!);
  let r = hypot(g, 1);
  g = d[m]! - d[l]! + e[l]! / (g + (g >= 0 ? r : -r));
  let s = 1;
  let c = 1;
  let p = 0;
  for (let i = m - 1; i >= l; i--) {
    const f = s * e[i]!;
    const b = c * e[i]!;
    r = hypot(f, g);
    e[i + 1] = r;
    if (r === 0) {
      // Exact deflation inside the sweep: the block splits at i + 1.
      d[i + 1]! -= p;
      e[m] = 0;
      return;
    }
    s = f / r;
    c = g / r;
    g = d[i + 1]! - p;
    r = (d[i]! - g) * s + 2 * c * b;
    p = s * r;
    d[i + 1] = g + p;
    g = c * r - b;
    if (vectors !== null) rotateColumns(vectors, i - lo, c, s);
  }
  d[l]! -= p;
  e[l] = g;
  e[m] = 0;
}

/** Columns `(k, k+1)` ← `(c·z_k − s·z_{k+1}, s·z_k + c·z_{k+1})`. */
function rotateColumns(t: RotationTarget, k: number, c: number, s: number): void {
  const z = t.z;
  const p = t.offset + k * t.ld;
  const q = p + t.ld;
  for (let r = 0; r < t.rows; r++) {
    const zk = z[p + r]!;
    const zk1 = z[q + r]!;
    z[q + r] = s * zk + c * zk1;
    z[p + r] = c * zk - s * zk1;
  }
}

/**
 * All eigenvalues of the block `d[lo..hi]` with squared off-diagonals
 * `e2[lo..hi−1]` by the root-free QL iteration of Pal, Walker and Kahan
 * (the scheme of LAPACK's dsterf): the same shifted QL as
 * {@link qlEigenvalues} carried out on squares, so a step needs no square
 * root. Values overwrite `d[lo..hi]` (unsorted); `e2` is destroyed. An
 * off-diagonal is negligible when `e_i² <= tol²` or `e_i² <= eps²·|d_i·d_{i+1}|`.
 * @throws {@link ConvergenceError} if an eigenvalue needs more than 40 sweeps
 * @internal
 */
export function rootFreeEigenvalues(
  fn: string,
  d: Float64Array,
  e2: Float64Array,
  lo: number,
  hi: number,
  tol: number,
): void {
  const tol2 = tol * tol;
  let l = lo;
  let sweeps = 0;
  while (l <= hi) {
    let m = l;
    while (m < hi) {
      const em = e2[m]!;
      if (em <= tol2 || em <= EPS * EPS * Math.abs(d[m]! * d[m + 1]!)) break;
      m++;
    }
    if (m < hi) e2[m] = 0;
    if (m === l) {
      l++;
      sweeps = 0;
      continue;
    }
    if (m === l + 1) {
      // 2x2 block: closed form.
      symmetric2x2(d[l]!, Math.sqrt(e2[l]!), d[l + 1]!, d, l);
      e2[l] = 0;
      l += 2;
      sweeps = 0;
      continue;
    }
    if (sweeps === MAX_SWEEPS) {
      throw new ConvergenceError(fn, sweeps, `root-free tridiagonal QL for eigenvalue ${l - lo}`);
    }
    sweeps++;
    rootFreeSweep(d, e2, l, m);
  }
}

/** One root-free QL sweep with a Wilkinson shift over the unreduced block `l..m`. */
function rootFreeSweep(d: Float64Array, e2: Float64Array, l: number, m: number): void {
  const rte = Math.sqrt(e2[l]!);
  let sigma = (d[l + 1]! - d[l]!) / (2 * rte);
  const r0 = hypot(sigma, 1);
  sigma = d[l]! - rte / (sigma + (sigma >= 0 ? r0 : -r0));
  let c = 1;
  let s = 0;
  let gamma = d[m]! - sigma;
  let p = gamma * gamma;
  for (let i = m - 1; i >= l; i--) {
    const bb = e2[i]!;
    const r = p + bb;
    if (i !== m - 1) e2[i + 1] = s * r;
    const oldc = c;
    c = p / r;
    s = bb / r;
    const oldgam = gamma;
    const alpha = d[i]!;
    gamma = c * (alpha - sigma) - s * oldgam;
    d[i + 1] = oldgam + (alpha - gamma);
    p = c !== 0 ? (gamma * gamma) / c : oldc * bb;
  }
  e2[l] = s * p;
  d[l] = sigma + gamma;
}

/** Eigenvalues of `[[a, b], [b, c]]` into `out[at]`, `out[at+1]` (LAPACK's dlae2). */
function symmetric2x2(a: number, b: number, c: number, out: Float64Array, at: number): void {
  const sm = a + c;
  const adf = Math.abs(a - c);
  const ab = Math.abs(2 * b);
  const big = Math.abs(a) > Math.abs(c) ? a : c;
  const small = Math.abs(a) > Math.abs(c) ? c : a;
  let rt: number;
  if (adf > ab) rt = adf * Math.sqrt(1 + (ab / adf) ** 2);
  else if (adf < ab) rt = ab * Math.sqrt(1 + (adf / ab) ** 2);
  else rt = ab * Math.SQRT2;
  if (sm === 0) {
    out[at] = 0.5 * rt;
    out[at + 1] = -0.5 * rt;
    return;
  }
  const rt1 = sm < 0 ? 0.5 * (sm - rt) : 0.5 * (sm + rt);
  // The other root from the determinant, avoiding cancellation.
  out[at] = rt1;
  out[at + 1] = (big / rt1) * small - (b / rt1) * b;
}

/** `sqrt(a² + b²)` without overflow or harmful underflow. */
function hypot(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  if (x < y) {
    const t = x;
    x = y;
    y = t;
  }
  if (x === 0) return 0;
  const q = y / x;
  return x * Math.sqrt(1 + q * q);
}

/**
 * Number of eigenvalues of the block `d[lo..hi]` (squared off-diagonals
 * `e2[lo..hi−1]`) that are smaller than `x`: the count of negative pivots of
 * `LDLᵀ = T − xI`, with pivots of magnitude below `pivmin` replaced by
 * `−pivmin` (Kahan's safeguard, keeps the count monotone in `x`).
 * @internal
 */
export function sturmCount(
  d: Float64Array,
  e2: Float64Array,
  lo: number,
  hi: number,
  x: number,
  pivmin: number,
): number {
  let q = d[lo]! - x;
  if (Math.abs(q) < pivmin) q = -pivmin;
  let count = q < 0 ? 1 : 0;
  for (let i = lo + 1; i <= hi; i++) {
    q = d[i]! - x - e2[i - 1]! / q;
    if (Math.abs(q) < pivmin) q = -pivmin;
    if (q < 0) count++;
  }
  return count;
}

/**
 * The eigenvalue of ascending index `j` (0-based within the block) by
 * bisection of `[lower, upper]`, which must contain it; stops when the
 * bracket is narrower than `tol` or than two ulps of its ends.
 * @internal
 */
export function bisectEigenvalue(
  d: Float64Array,
  e2: Float64Array,
  lo: number,
  hi: number,
  j: number,
  lower: number,
  upper: number,
  tol: number,
  pivmin: number,
): number {
  let a = lower;
  let b = upper;
  while (b - a > Math.max(tol, 2 * EPS * Math.max(Math.abs(a), Math.abs(b)))) {
    const mid = 0.5 * (a + b);
    if (mid <= a || mid >= b) break;
    if (sturmCount(d, e2, lo, hi, mid, pivmin) > j) b = mid;
    else a = mid;
  }
  return 0.5 * (a + b);
}
