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
 *
 * On the WebAssembly path the matrix and the panel buffers are copied into
 * the engine's memory once, so the products of every step (SIMD `symv`, the
 * trailing GEMM) run there without per-call staging; the scalar parts of a
 * step work on views of the same memory.
 * @module
 */
import ndarray from 'ndarray';
import { gemmUnchecked } from '../blas/gemm.js';
import { Workspace } from '../blas/workspace.js';
import { activeEngine } from '../compute/config.js';
import type { WasmEngine } from '../wasm/engine.js';
import { generateReflector } from './householder.js';
import { enginePanelKernels, scalarPanelKernels } from './panel-kernels.js';
import type { PanelKernels } from './panel-kernels.js';

/** Columns reduced per panel. */
const PANEL = 16;
/** Width of the column blocks of the trailing GEMM update (lower triangle only). */
const UPDATE_COLUMNS = 128;

const companionSpace = new Workspace();
const swappedSpace = new Workspace();
const coefficientSpace = new Workspace();

/** Buffers of one reduction: the panel `[V | W]`, its swapped copy `[W | V]`, and coefficients. */
interface Buffers {
  vw: Float64Array;
  wv: Float64Array;
  coef: Float64Array;
}

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
  const engine = activeEngine();
  if (engine !== null && reduceInEngine(engine, n, a, lda, d, e, tau)) return;
  const buffers = {
    vw: companionSpace.get(n * 2 * PANEL),
    wv: swappedSpace.get(n * 2 * PANEL),
    coef: coefficientSpace.get(4 * PANEL),
  };
  reduce(scalarPanelKernels, n, a, lda, d, e, tau, buffers);
}

/**
 * The reduction on a copy of the lower triangle in the engine's memory.
 * @returns `false`, with nothing done, if the memory cannot hold it
 */
function reduceInEngine(
  engine: WasmEngine,
  n: number,
  a: Float64Array,
  lda: number,
  d: Float64Array,
  e: Float64Array,
  tau: Float64Array,
): boolean {
  const panelSize = n * 2 * PANEL;
  const sizes = [n * n, panelSize, panelSize, 4 * PANEL];
  return engine.withClaim(sizes, ([resident, vw, wv, coef]) => {
    for (let j = 0; j < n; j++) resident!.set(a.subarray(j + j * lda, n + j * lda), j + j * n);
    const buffers = { vw: vw!, wv: wv!, coef: coef! };
    reduce(enginePanelKernels(engine), n, resident!, n, d, e, tau, buffers);
    for (let j = 0; j < n; j++) a.set(resident!.subarray(j + j * n, (j + 1) * n), j + j * lda);
  });
}

/** The panel loop, its matrix-vector products on `kernels`. */
function reduce(
  kernels: PanelKernels,
  n: number,
  a: Float64Array,
  lda: number,
  d: Float64Array,
  e: Float64Array,
  tau: Float64Array,
  buffers: Buffers,
): void {
  for (let p = 0; p < n; p += PANEL) {
    const nb = Math.min(PANEL, n - p);
    reducePanel(kernels, n, a, lda, p, nb, buffers, d, e, tau);
    if (p + nb < n) updateTrailing(n, a, lda, p, nb, buffers);
  }
}

/**
 * Reduces columns `p..p+nb−1`, leaving the trailing matrix stale and the
 * companions `W` in columns `nb..2nb−1` of `vw` (rows `> c` of column `nb+i`
 * belong to column `c = p+i`).
 */
function reducePanel(
  kernels: PanelKernels,
  n: number,
  a: Float64Array,
  lda: number,
  p: number,
  nb: number,
  buffers: Buffers,
  d: Float64Array,
  e: Float64Array,
  tau: Float64Array,
): void {
  const { vw, coef } = buffers;
  const ldw = n;
  const w0 = nb * ldw; // offset of W inside vw
  const vp = p * lda; // V: the panel's columns of a
  for (let i = 0; i < nb; i++) {
    const c = p + i;
    const col = c * lda;
    // Bring column c (rows c..n−1) up to date: A(:,c) −= V·W(c,:)ᵀ + W·V(c,:)ᵀ.
    for (let t = 0; t < i; t++) {
      coef[t] = vw[w0 + t * ldw + c]!;
      coef[PANEL + t] = a[vp + t * lda + c]!;
    }
    kernels.gemvN(n - c, i, -1, a, vp + c, lda, coef, 0, a, col + c);
    kernels.gemvN(n - c, i, -1, vw, w0 + c, ldw, coef, PANEL, a, col + c);
    d[c] = a[col + c]!;
    if (c === n - 1) break;
    const top = col + c + 1;
    const len = n - c - 1;
    tau[c] = generateReflector(a, top, len);
    e[c] = a[top]!;
    a[top] = 1;
    // W(:,i) = tau·(A22·v − V·(Wᵀv) − W·(Vᵀv)), then W(:,i) −= (tau/2)(W(:,i)ᵀv)·v.
    const y = w0 + i * ldw + c + 1;
    kernels.symv(len, a, top + lda, lda, a, top, vw, y);
    const dots = 2 * PANEL;
    kernels.gemvT(len, i, vw, w0 + c + 1, ldw, a, top, coef, dots);
    kernels.gemvT(len, i, a, vp + c + 1, lda, a, top, coef, dots + PANEL);
    kernels.gemvN(len, i, -1, a, vp + c + 1, lda, coef, dots, vw, y);
    kernels.gemvN(len, i, -1, vw, w0 + c + 1, ldw, coef, dots + PANEL, vw, y);
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
  buffers: Buffers,
): void {
  const { vw, wv } = buffers;
  const q = p + nb;
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
