/**
 * Golub–Kahan reduction of a tall matrix to upper bidiagonal form,
 * `B = Qᵀ·A·P`, blocked as in LAPACK's dgebrd/dlabrd.
 *
 * Columns and rows are reduced in panels of {@link PANEL}. Inside a panel the
 * trailing matrix is left stale: each new column and row is brought up to
 * date from the panel's left reflectors `V`, right reflectors `U` and their
 * companions `X`, `Y` (so that the trailing update is
 * `A ← A − V·Yᵀ − X·Uᵀ`), and the panel ends with that update as one GEMM.
 * The other half of the flops are the two matrix-vector products per step.
 * @module
 */
import ndarray from 'ndarray';
import { gemmUnchecked } from '../blas/gemm.js';
import { Workspace } from '../blas/workspace.js';
import { addProduct, dotTwo, scale, subtractTwo, transposedProduct } from './column-kernels.js';
import { generateReflector } from './householder.js';

/** Columns (and rows) reduced per panel. */
const PANEL = 32;

const xSpace = new Workspace();
const ySpace = new Workspace();
const uSpace = new Workspace();
const rowSpace = new Workspace();
const dotSpace = new Workspace();

/**
 * Reduces the column-major `m x n` matrix `a` (`m >= n`, element `(i, j)` at
 * `i + j·lda`) to upper bidiagonal form in place: diagonal into `d[0..n)`,
 * super-diagonal into `e[0..n−1)`.
 *
 * `Q = H_0···H_{n−1}`: `H_j = I − tauq[j]·v_j·v_jᵀ` with `v_j(j) = 1` and
 * `v_j(j+1..m−1)` left in column `j` below the diagonal (LAPACK's QR layout).
 * `P = G_0···G_{n−2}`: `G_j = I − taup[j]·w_j·w_jᵀ` acting on coordinates
 * `j+1..n−1`, `w_j(j+1) = 1`, `w_j(j+2..n−1)` written to column `j` of the
 * column-major `(n−1) x (n−1)` `right` at rows `j+1..n−2` (QR layout shifted
 * by one coordinate).
 * @internal
 */
export function bidiagonalize(
  m: number,
  n: number,
  a: Float64Array,
  lda: number,
  d: Float64Array,
  e: Float64Array,
  tauq: Float64Array,
  taup: Float64Array,
  right: Float64Array,
): void {
  const width = Math.min(PANEL, n);
  // Panel buffers, leading dimension m (x) or n (y, u): [V | X] and [Y | U] side by side.
  const vx = xSpace.get(m * 2 * width);
  const yu = ySpace.get(n * 2 * width);
  const ul = uSpace.get(n * width);
  for (let p = 0; p < n; p += PANEL) {
    const nb = Math.min(PANEL, n - p);
    reducePanel(m, n, a, lda, p, nb, vx, yu, ul, d, e, tauq, taup, right);
    const q = p + nb;
    if (q >= n) break;
    // A(q:m, q:n) −= [V X]·[Y U]ᵀ: copy V next to X and U next to Y, then one GEMM.
    for (let t = 0; t < nb; t++) {
      vx.set(a.subarray((p + t) * lda + q, (p + t) * lda + m), t * m + q);
      yu.set(ul.subarray(t * n + q, t * n + n), (nb + t) * n + q);
    }
    const left = ndarray(vx, [m - q, 2 * nb], [1, m], q);
    const rightFactor = ndarray(yu, [n - q, 2 * nb], [1, n], q);
    const target = ndarray(a, [m - q, n - q], [1, lda], q + q * lda);
    gemmUnchecked(false, true, -1, left, rightFactor, 1, target);
  }
}

/**
 * Reduces columns and rows `p..p+nb−1`, leaving the trailing matrix stale.
 * On return `vx` holds `X` in columns `nb..2nb−1` (leading dimension `m`),
 * `yu` holds `Y` in columns `0..nb−1` (leading dimension `n`) and `ul`
 * the right reflectors as columns (leading dimension `n`, zero above the unit).
 */
function reducePanel(
  m: number,
  n: number,
  a: Float64Array,
  lda: number,
  p: number,
  nb: number,
  vx: Float64Array,
  yu: Float64Array,
  ul: Float64Array,
  d: Float64Array,
  e: Float64Array,
  tauq: Float64Array,
  taup: Float64Array,
  right: Float64Array,
): void {
  const x0 = nb * m; // X inside vx
  const row = rowSpace.get(n);
  const dots = dotSpace.get(2 * PANEL + 2);
  for (let i = 0; i < nb; i++) {
    const j = p + i;
    const col = j * lda;
    // Column j, rows j..m−1: A(:,j) −= V·Y(j,:)ᵀ + X·U(j,:)ᵀ over the panel so far.
    for (let t = 0; t < i; t++) {
      subtractTwo(
        m - j,
        a,
        col + j,
        a,
        (p + t) * lda + j,
        yu[t * n + j]!,
        vx,
        x0 + t * m + j,
        ul[t * n + j]!,
      );
    }
    const tq = generateReflector(a, col + j, m - j);
    tauq[j] = tq;
    d[j] = a[col + j]!;
    a[col + j] = 1;
    if (j === n - 1) break;

    // Y(j+1:n, i) = tq·(A(j:m, j+1:n)ᵀ·v − Y·(Vᵀv) − U·(Xᵀv)).
    const yCol = i * n;
    transposedProduct(m - j, n - j - 1, a, j + (j + 1) * lda, lda, a, col + j, yu, yCol + j + 1);
    for (let t = 0; t < i; t++) {
      dotTwo(m - j, a, col + j, a, (p + t) * lda + j, vx, x0 + t * m + j, dots, t, PANEL + t);
    }
    const yStart = yCol + j + 1;
    for (let t = 0; t < i; t++) {
      subtractTwo(
        n - j - 1,
        yu,
        yStart,
        yu,
        t * n + j + 1,
        dots[t]!,
        ul,
        t * n + j + 1,
        dots[PANEL + t]!,
      );
    }
    scale(n - j - 1, yu, yStart, tq);

    // Row j, columns j+1..n−1: A(j,:) −= Y·V(j,:)ᵀ (V(j,i) = 1) + U·X(j,:)ᵀ.
    const len = n - j - 1;
    for (let c = 0; c < len; c++) row[c] = a[(j + 1 + c) * lda + j]! - yu[yStart + c]!;
    for (let t = 0; t < i; t++) {
      const vj = a[(p + t) * lda + j]!;
      const xj = vx[x0 + t * m + j]!;
      subtractTwo(len, row, 0, yu, t * n + j + 1, vj, ul, t * n + j + 1, xj);
    }
    const tp = generateReflector(row, 0, len);
    taup[j] = tp;
    e[j] = row[0]!;
    const uCol = i * n;
    ul.fill(0, uCol, uCol + j + 1);
    ul[uCol + j + 1] = 1;
    for (let c = 1; c < len; c++) {
      ul[uCol + j + 1 + c] = row[c]!;
      right[j + c + j * (n - 1)] = row[c]!;
    }

    // X(j+1:m, i) = tp·(A(j+1:m, j+1:n)·u − V·(Yᵀu) − X·(Uᵀu)).
    const xCol = x0 + i * m;
    vx.fill(0, xCol + j + 1, xCol + m);
    addProduct(
      m - j - 1,
      n - j - 1,
      a,
      j + 1 + (j + 1) * lda,
      lda,
      ul,
      uCol + j + 1,
      vx,
      xCol + j + 1,
    );
    for (let t = 0; t <= i; t++) {
      dotTwo(len, ul, uCol + j + 1, yu, t * n + j + 1, ul, t * n + j + 1, dots, t, PANEL + 1 + t);
    }
    dots[PANEL + 1 + i] = 0; // X(:, i) is the column being formed: no U term of its own
    const xStart = xCol + j + 1;
    for (let t = 0; t <= i; t++) {
      subtractTwo(
        m - j - 1,
        vx,
        xStart,
        a,
        (p + t) * lda + j + 1,
        dots[t]!,
        vx,
        x0 + t * m + j + 1,
        dots[PANEL + 1 + t]!,
      );
    }
    scale(m - j - 1, vx, xStart, tp);
  }
}
