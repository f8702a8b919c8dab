/**
 * Householder reduction of a symmetric matrix to tridiagonal form,
 * `T = Qᵀ·A·Q`, blocked as in LAPACK's dsytrd/dlatrd (lower triangle).
 *
 * Columns are reduced in panels of {@link PANEL}. Inside a panel the trailing
 * matrix is not touched: each new column is first brought up to date from
 * the panel's reflectors `V` and their companions `W` (so that the trailing
 * update is `A ← A − V·Wᵀ − W·Vᵀ`), and the panel ends with that rank-2·PANEL
 * update, done by GEMM on column blocks of the lower triangle. The remaining
 * half of the flops is the symmetric matrix-vector product of each step.
 * @module
 */
import ndarray from 'ndarray';
import { gemmUnchecked } from '../blas/gemm.js';
import { Workspace } from '../blas/workspace.js';
import { dotTwo, subtractTwo } from './column-kernels.js';
import { generateReflector } from './householder.js';

/** Columns reduced per panel. */
const PANEL = 16;
/** Width of the column blocks of the trailing GEMM update (lower triangle only). */
const UPDATE_COLUMNS = 128;

const companionSpace = new Workspace();
const swappedSpace = new Workspace();
const coefficientSpace = new Workspace();

/**
 * Reduces the symmetric `n x n` matrix whose lower triangle is stored
 * column-major in `a` (element `(i, j)`, `i >= j`, at `i + j·lda`) to
 * tridiagonal form `T = Qᵀ·A·Q`: diagonal into `d[0..n)`, off-diagonal into
 * `e[0..n−1)`. `Q = H_0·H_1···H_{n−2}`, `H_c = I − tau[c]·v_c·v_cᵀ` with
 * `v_c(c+1) = 1` (stored as 1 in `a`) and `v_c(c+2..)` below it in column `c`.
 * The strictly upper triangle of `a` is never read.
 * @internal
 */
export function tridiagonalize(
  n: number,
  a: Float64Array,
  lda: number,
  d: Float64Array,
  e: Float64Array,
  tau: Float64Array,
): void {
  // [V | W]: the panel's reflectors and companions side by side (leading dimension n).
  const vw = companionSpace.get(n * 2 * PANEL);
  for (let p = 0; p < n; p += PANEL) {
    const nb = Math.min(PANEL, n - p);
    reducePanel(n, a, lda, p, nb, vw, d, e, tau);
    if (p + nb < n) updateTrailing(n, a, lda, p, nb, vw);
  }
}

/**
 * Reduces columns `p..p+nb−1`, leaving the trailing matrix stale and the
 * companions `W` in columns `nb..2nb−1` of `vw` (rows `> c` of column `nb+i`
 * belong to column `c = p+i`).
 */
function reducePanel(
  n: number,
  a: Float64Array,
  lda: number,
  p: number,
  nb: number,
  vw: Float64Array,
  d: Float64Array,
  e: Float64Array,
  tau: Float64Array,
): void {
  const ldw = n;
  const w0 = nb * ldw; // offset of W inside vw
  const coef = coefficientSpace.get(2 * PANEL);
  for (let i = 0; i < nb; i++) {
    const c = p + i;
    const col = c * lda;
    // Bring column c (rows c..n−1) up to date: A(:,c) −= V·W(c,:)ᵀ + W·V(c,:)ᵀ.
    for (let t = 0; t < i; t++) {
      const vt = (p + t) * lda + c;
      const wt = w0 + t * ldw + c;
      subtractTwo(n - c, a, col + c, a, vt, vw[wt]!, vw, wt, a[vt]!);
    }
    d[c] = a[col + c]!;
    if (c === n - 1) break;
    const top = col + c + 1;
    const len = n - c - 1;
    tau[c] = generateReflector(a, top, len);
    e[c] = a[top]!;
    a[top] = 1;
    // W(:,i) = tau·(A22·v − V·(Wᵀv) − W·(Vᵀv)), then W(:,i) −= (tau/2)(W(:,i)ᵀv)·v.
    const y = w0 + i * ldw + c + 1;
    symvLower(len, a, top + lda, lda, a, top, vw, y);
    for (let t = 0; t < i; t++) {
      dotTwo(len, a, top, vw, w0 + t * ldw + c + 1, a, (p + t) * lda + c + 1, coef, t, PANEL + t);
    }
    for (let t = 0; t < i; t++) {
      const vt = (p + t) * lda + c + 1;
      subtractTwo(len, vw, y, a, vt, coef[t]!, vw, w0 + t * ldw + c + 1, coef[PANEL + t]!);
    }
    const tc = tau[c]!;
    let dot = 0;
    for (let r = 0; r < len; r++) {
      vw[y + r]! *= tc;
      dot += vw[y + r]! * a[top + r]!;
    }
    const shift = -0.5 * tc * dot;
    for (let r = 0; r < len; r++) vw[y + r]! += shift * a[top + r]!;
  }
}

/** Lower triangle of `A[q:n, q:n] −= [V W]·[W V]ᵀ` (`q = p + nb`), by GEMM on column blocks. */
function updateTrailing(
  n: number,
  a: Float64Array,
  lda: number,
  p: number,
  nb: number,
  vw: Float64Array,
): void {
  const q = p + nb;
  const wv = swappedSpace.get(n * 2 * nb);
  for (let t = 0; t < nb; t++) {
    const vCol = (p + t) * lda;
    const vDst = t * n;
    const wSrc = (nb + t) * n;
    for (let r = q; r < n; r++) {
      const v = a[vCol + r]!;
      vw[vDst + r] = v;
      wv[vDst + r] = vw[wSrc + r]!;
      wv[wSrc + r] = v;
    }
  }
  for (let j = q; j < n; j += UPDATE_COLUMNS) {
    const cols = Math.min(UPDATE_COLUMNS, n - j);
    const left = ndarray(vw, [n - j, 2 * nb], [1, n], j);
    const right = ndarray(wv, [cols, 2 * nb], [1, n], j);
    const target = ndarray(a, [n - j, cols], [1, lda], j + j * lda);
    gemmUnchecked(false, true, -1, left, right, 1, target);
  }
}

/**
 * `y[yo .. yo+m) = A·x[xo .. xo+m)` for the symmetric `m x m` `A` whose
 * lower triangle is stored column-major at `a[ao + i + j·lda]`. Four columns
 * per pass, so each loaded `y[i]` and `x[i]` serves eight multiply-adds.
 */
function symvLower(
  m: number,
  a: Float64Array,
  ao: number,
  lda: number,
  x: Float64Array,
  xo: number,
  y: Float64Array,
  yo: number,
): void {
  y.fill(0, yo, yo + m);
  let j = 0;
  for (; j + 3 < m; j += 4) {
    const b0 = ao + j * lda;
    const b1 = b0 + lda;
    const b2 = b1 + lda;
    const b3 = b2 + lda;
    const x0 = x[xo + j]!;
    const x1 = x[xo + j + 1]!;
    const x2 = x[xo + j + 2]!;
    const x3 = x[xo + j + 3]!;
    const a10 = a[b0 + j + 1]!;
    const a20 = a[b0 + j + 2]!;
    const a30 = a[b0 + j + 3]!;
    const a21 = a[b1 + j + 2]!;
    const a31 = a[b1 + j + 3]!;
    const a32 = a[b2 + j + 3]!;
    let s0 = a[b0 + j]! * x0 + a10 * x1 + a20 * x2 + a30 * x3;
    let s1 = a10 * x0 + a[b1 + j + 1]! * x1 + a21 * x2 + a31 * x3;
    let s2 = a20 * x0 + a21 * x1 + a[b2 + j + 2]! * x2 + a32 * x3;
    let s3 = a30 * x0 + a31 * x1 + a32 * x2 + a[b3 + j + 3]! * x3;
    // One running index q over column j; the other operands at fixed int32 distances.
    const d1 = lda | 0;
    const d2 = (2 * lda) | 0;
    const d3 = (3 * lda) | 0;
    const dx = (xo - b0) | 0;
    const dy = (yo - b0) | 0;
    const end = (b0 + m) | 0;
    for (let q = (b0 + j + 4) | 0; q < end; q = (q + 1) | 0) {
      const c0 = a[q]!;
      const c1 = a[(q + d1) | 0]!;
      const c2 = a[(q + d2) | 0]!;
      const c3 = a[(q + d3) | 0]!;
      const xi = x[(q + dx) | 0]!;
      const iy = (q + dy) | 0;
      y[iy] = y[iy]! + c0 * x0 + c1 * x1 + c2 * x2 + c3 * x3;
      s0 += c0 * xi;
      s1 += c1 * xi;
      s2 += c2 * xi;
      s3 += c3 * xi;
    }
    y[yo + j]! += s0;
    y[yo + j + 1]! += s1;
    y[yo + j + 2]! += s2;
    y[yo + j + 3]! += s3;
  }
  for (; j < m; j++) {
    const b0 = ao + j * lda;
    const xj = x[xo + j]!;
    let s = a[b0 + j]! * xj;
    for (let i = j + 1; i < m; i++) {
      const c0 = a[b0 + i]!;
      y[yo + i]! += c0 * xj;
      s += c0 * x[xo + i]!;
    }
    y[yo + j]! += s;
  }
}
