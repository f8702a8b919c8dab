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
 *
 * On the WebAssembly path the matrix and the panel buffers are copied into
 * the engine's memory once, so those products (SIMD) and the trailing GEMM
 * run there without per-call staging; the scalar parts of a step work on
 * views of the same memory.
 * @module
 */
import ndarray from 'ndarray';
import { gemmUnchecked } from '../blas/gemm.js';
import { Workspace } from '../blas/workspace.js';
import { activeEngine } from '../compute/config.js';
import type { WasmEngine } from '../wasm/engine.js';
import { scale } from './column-kernels.js';
import { columnMajor, copyColumns, generateReflector } from './householder.js';
import { enginePanelKernels, scalarPanelKernels } from './panel-kernels.js';
import type { PanelKernels } from './panel-kernels.js';

/** Columns (and rows) reduced per panel. */
const PANEL = 32;

const xSpace = new Workspace();
const ySpace = new Workspace();
const uSpace = new Workspace();
const rowSpace = new Workspace();
const dotSpace = new Workspace();

/**
 * Buffers of one reduction: `[V | X]` (leading dimension m), `[Y | U]` and
 * the right reflectors `ul` (n), the current row and the coefficients.
 */
interface Buffers {
  vx: Float64Array;
  yu: Float64Array;
  ul: Float64Array;
  row: Float64Array;
  dots: Float64Array;
}

/** Sizes of the buffers for an `m x n` reduction. */
function bufferSizes(m: number, n: number) {
  const width = Math.min(PANEL, n);
  return { vx: m * 2 * width, yu: n * 2 * width, ul: n * width, row: n, dots: 4 * PANEL + 2 };
}

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
  const size = bufferSizes(m, n);
  const engine = activeEngine();
  if (engine !== null && reduceInEngine(engine, size, m, n, a, lda, d, e, tauq, taup, right))
    return;
  const buffers = {
    vx: xSpace.get(size.vx),
    yu: ySpace.get(size.yu),
    ul: uSpace.get(size.ul),
    row: rowSpace.get(size.row),
    dots: dotSpace.get(size.dots),
  };
  reduce(scalarPanelKernels, m, n, a, lda, d, e, tauq, taup, right, buffers);
}

/**
 * The reduction on a copy of `a` in the engine's memory.
 * @returns `false`, with nothing done, if the memory cannot hold it
 */
function reduceInEngine(
  engine: WasmEngine,
  size: ReturnType<typeof bufferSizes>,
  m: number,
  n: number,
  a: Float64Array,
  lda: number,
  d: Float64Array,
  e: Float64Array,
  tauq: Float64Array,
  taup: Float64Array,
  right: Float64Array,
): boolean {
  const sizes = [m * n, size.vx, size.yu, size.ul, size.row, size.dots];
  return engine.withClaim(sizes, ([matrix, vx, yu, ul, row, dots]) => {
    const given = ndarray(a, [m, n], [1, lda]);
    const resident = columnMajor(matrix!, m, n, 0);
    copyColumns(given, resident);
    const buffers = { vx: vx!, yu: yu!, ul: ul!, row: row!, dots: dots! };
    reduce(enginePanelKernels(engine), m, n, matrix!, m, d, e, tauq, taup, right, buffers);
    copyColumns(resident, given);
  });
}

/** The panel loop, its matrix-vector products on `kernels`. */
function reduce(
  kernels: PanelKernels,
  m: number,
  n: number,
  a: Float64Array,
  lda: number,
  d: Float64Array,
  e: Float64Array,
  tauq: Float64Array,
  taup: Float64Array,
  right: Float64Array,
  buffers: Buffers,
): void {
  const { vx, yu, ul } = buffers;
  for (let p = 0; p < n; p += PANEL) {
    const nb = Math.min(PANEL, n - p);
    reducePanel(kernels, m, n, a, lda, p, nb, buffers, d, e, tauq, taup, right);
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
  kernels: PanelKernels,
  m: number,
  n: number,
  a: Float64Array,
  lda: number,
  p: number,
  nb: number,
  buffers: Buffers,
  d: Float64Array,
  e: Float64Array,
  tauq: Float64Array,
  taup: Float64Array,
  right: Float64Array,
): void {
  const { vx, yu, ul, row, dots } = buffers;
  const x0 = nb * m; // X inside vx
  const vp = p * lda; // V: the panel's columns of a
  // Coefficient vectors inside dots: two of PANEL, then two of PANEL + 1.
  const c1 = 0;
  const c2 = PANEL;
  const d1 = 2 * PANEL;
  const d2 = 3 * PANEL + 1;
  for (let i = 0; i < nb; i++) {
    const j = p + i;
    const col = j * lda;
    // Column j, rows j..m−1: A(:,j) −= V·Y(j,:)ᵀ + X·U(j,:)ᵀ over the panel so far.
    for (let t = 0; t < i; t++) {
      dots[c1 + t] = yu[t * n + j]!;
      dots[c2 + t] = ul[t * n + j]!;
    }
    kernels.gemvN(m - j, i, -1, a, vp + j, lda, dots, c1, a, col + j);
    kernels.gemvN(m - j, i, -1, vx, x0 + j, m, dots, c2, a, col + j);
    const tq = generateReflector(a, col + j, m - j);
    tauq[j] = tq;
    d[j] = a[col + j]!;
    a[col + j] = 1;
    if (j === n - 1) break;

    // Y(j+1:n, i) = tq·(A(j:m, j+1:n)ᵀ·v − Y·(Vᵀv) − U·(Xᵀv)).
    const len = n - j - 1;
    const yStart = i * n + j + 1;
    kernels.gemvT(m - j, len, a, j + (j + 1) * lda, lda, a, col + j, yu, yStart);
    kernels.gemvT(m - j, i, a, vp + j, lda, a, col + j, dots, d1);
    kernels.gemvT(m - j, i, vx, x0 + j, m, a, col + j, dots, d2);
    kernels.gemvN(len, i, -1, yu, j + 1, n, dots, d1, yu, yStart);
    kernels.gemvN(len, i, -1, ul, j + 1, n, dots, d2, yu, yStart);
    scale(len, yu, yStart, tq);

    // Row j, columns j+1..n−1: A(j,:) −= Y·V(j,:)ᵀ (V(j,i) = 1) + U·X(j,:)ᵀ.
    for (let c = 0; c < len; c++) row[c] = a[(j + 1 + c) * lda + j]! - yu[yStart + c]!;
    for (let t = 0; t < i; t++) {
      dots[c1 + t] = a[vp + t * lda + j]!;
      dots[c2 + t] = vx[x0 + t * m + j]!;
    }
    kernels.gemvN(len, i, -1, yu, j + 1, n, dots, c1, row, 0);
    kernels.gemvN(len, i, -1, ul, j + 1, n, dots, c2, row, 0);
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

    // X(j+1:m, i) = tp·(A(j+1:m, j+1:n)·u − V·(Yᵀu) − X·(Uᵀu)); V's column i is v_j, X's
    // own column i is the one being formed (no term of its own).
    const xStart = x0 + i * m + j + 1;
    vx.fill(0, xStart, x0 + (i + 1) * m);
    kernels.gemvN(m - j - 1, len, 1, a, j + 1 + (j + 1) * lda, lda, ul, uCol + j + 1, vx, xStart);
    kernels.gemvT(len, i + 1, yu, j + 1, n, ul, uCol + j + 1, dots, d1);
    kernels.gemvT(len, i, ul, j + 1, n, ul, uCol + j + 1, dots, d2);
    kernels.gemvN(m - j - 1, i + 1, -1, a, vp + j + 1, lda, dots, d1, vx, xStart);
    kernels.gemvN(m - j - 1, i, -1, vx, x0 + j + 1, m, dots, d2, vx, xStart);
    scale(m - j - 1, vx, xStart, tp);
  }
}
