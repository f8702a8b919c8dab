/**
 * Blocked Householder QR kernels (unchecked) over column-major workspaces:
 * factorization `A = Q·R` in LAPACK's `geqrt` layout and formation of `Q`.
 *
 * Columns are factored in blocks of {@link QR_BLOCK}. Each block (panel) is
 * factored recursively (Elmroth–Gustavson) down to 8-column leaves done one
 * reflector at a time, so most of the work inside a panel runs in GEMM too;
 * the panel's compact-WY factor `T` is kept and the trailing columns are
 * updated with three GEMMs. Forming `Q` replays the blocks in reverse, with
 * GEMMs only.
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { zeros } from '../core/matrix.js';
import { gemmUnchecked } from '../blas/gemm.js';
import { Workspace } from '../blas/workspace.js';
import type { ReflectorScratch } from './householder.js';
import {
  applyBlockReflector,
  applyReflector,
  columnMajor,
  explicitReflectors,
  formBlockFactor,
  generateReflector,
  mergeBlockFactors,
  writeExplicitReflectors,
} from './householder.js';

/**
 * Number of columns per block of the blocked Householder QR; the `T` factors
 * of a factorization fill a `QR_BLOCK x min(m, n)` matrix.
 * @internal
 */
export const QR_BLOCK = 32;

const vSpace = new Workspace();
const wSpace = new Workspace();
const w2Space = new Workspace();

/** Module-level scratch for an `m`-row factorization touching `cols` columns (grows, never shrinks). */
function scratchFor(m: number, cols: number): ReflectorScratch {
  const wide = QR_BLOCK * Math.max(cols, QR_BLOCK);
  return { v: vSpace.get(m * QR_BLOCK), w: wSpace.get(wide), w2: w2Space.get(wide) };
}

/**
 * A fresh `QR_BLOCK x min(m, n)` column-major matrix for the block `T`
 * factors of {@link householderQrInPlace}.
 * @internal
 */
export function blockFactorsFor(m: number, n: number): Matrix {
  return zeros(QR_BLOCK, Math.min(m, n), 'col');
}

/**
 * Householder QR in place, `A = H_0·H_1···H_{k−1}·R` with `k = min(m, n)`.
 *
 * `a` is `m x n` and column-major (`stride[0] === 1`, any leading dimension
 * `stride[1] >= m`, any offset). On return its upper trapezoid holds `R`
 * (LAPACK signs: the diagonal may be negative) and its strictly lower part
 * the reflectors `v_j(1:)` (`v_j(0) = 1` implicit). `t` (`QR_BLOCK x k`,
 * column-major, e.g. from {@link blockFactorsFor}) receives, for the block of
 * columns `[j, j+jb)`, the upper triangular `jb x jb` factor in
 * `t[0:jb, j:j+jb]` with `H_j···H_{j+jb−1} = I − V·T·Vᵀ`. A zero column gives
 * `tau = 0` (no NaN).
 * @internal
 */
export function householderQrInPlace(a: Matrix, t: Matrix): void {
  const m = a.shape[0]!;
  const n = a.shape[1]!;
  const k = Math.min(m, n);
  const scratch = scratchFor(m, n);
  for (let j = 0; j < k; j += QR_BLOCK) {
    const jb = Math.min(QR_BLOCK, k - j);
    const tb = t.lo(0, j).hi(jb, jb);
    const v = columnMajor(scratch.v, m - j, jb, 0);
    v.data.fill(0, 0, (m - j) * jb);
    factorPanel(a.lo(j, j).hi(m - j, jb), v, tb, scratch);
    if (j + jb < n) applyBlockReflector(true, v, tb, a.lo(j, j + jb), 0, scratch);
  }
}

/** Panels at most this wide are factored one reflector at a time (level-2 code). */
const LEAF = 8;
const leafTau = new Float64Array(LEAF);

/**
 * Recursive QR of a column-major panel `a` (`rows >= cols`). Each reflector
 * is also written, explicit, into `v` (same shape, zero on entry), which
 * every level then multiplies by without copying; `t` receives the full
 * `cols x cols` compact-WY factor (zeros below the diagonal included).
 */
function factorPanel(a: Matrix, v: Matrix, t: Matrix, scratch: ReflectorScratch): void {
  const rows = a.shape[0]!;
  const cols = a.shape[1]!;
  if (cols <= LEAF) {
    factorLeaf(a, v, t, scratch);
    return;
  }
  const n1 = cols >> 1;
  const v1 = v.hi(rows, n1);
  const t11 = t.hi(n1, n1);
  factorPanel(a.hi(rows, n1), v1, t11, scratch);
  applyBlockReflector(true, v1, t11, a.lo(0, n1), 0, scratch);
  factorPanel(a.lo(n1, n1), v.lo(n1, n1), t.lo(n1, n1), scratch);
  mergeBlockFactors(v, t, n1, scratch);
}

/** Unblocked QR of a narrow panel (LAPACK `dgeqr2`), then its `T` (`dlarft`). */
function factorLeaf(a: Matrix, v: Matrix, t: Matrix, scratch: ReflectorScratch): void {
  const rows = a.shape[0]!;
  const cols = a.shape[1]!;
  const ld = a.stride[1]!;
  const ldv = v.stride[1]!;
  for (let i = 0; i < cols; i++) {
    const column = a.lo(i, i).hi(rows - i, 1);
    leafTau[i] = generateReflector(a.data, a.offset + i + i * ld, rows - i);
    writeExplicitReflectors(column, v.lo(i, i).hi(rows - i, 1));
    applyReflector(
      v.data,
      v.offset + i + i * ldv,
      leafTau[i]!,
      a.lo(i, i + 1).hi(rows - i, cols - i - 1),
    );
  }
  formBlockFactor(v, leafTau, 0, t, scratch);
}

/**
 * Overwrites the column-major `m x p` view `a` (`k <= p <= m`), whose first
 * `k` columns hold reflectors as left by {@link householderQrInPlace} with
 * their factors `t`, by the first `p` columns of `Q = H_0···H_{k−1}`
 * (columns `k..p−1` of `a` are ignored on input). `p = k` gives the thin
 * `Q`, `p = m` the complete one.
 * @internal
 */
export function formQInPlace(a: Matrix, k: number, t: Matrix): void {
  const m = a.shape[0]!;
  const p = a.shape[1]!;
  const scratch = scratchFor(m, p);
  setIdentityColumns(a, k);
  for (let j = Math.floor((k - 1) / QR_BLOCK) * QR_BLOCK; j >= 0; j -= QR_BLOCK) {
    const jb = Math.min(QR_BLOCK, k - j);
    const panel = a.lo(j, j).hi(m - j, jb);
    const tb = t.lo(0, j).hi(jb, jb);
    const v = explicitReflectors(panel, scratch.v);
    // Columns right of the block: rows j..j+jb−1 are still zero there.
    if (j + jb < p) applyBlockReflector(false, v, tb, a.lo(j, j + jb), jb, scratch);
    // The block's own columns: H·E = E − V·(T·V1ᵀ), V1 the top jb x jb of V.
    const s = columnMajor(scratch.w, jb, jb, 0);
    gemmUnchecked(false, true, 1, tb, v.hi(jb, jb), 0, s);
    gemmUnchecked(false, false, -1, v, s, 0, panel);
    addToDiagonal(panel, 1);
    fillZero(a.lo(0, j).hi(j, jb));
  }
}

/**
 * `C ← Qᵀ·C` for `Q = H_0···H_{k−1}` as left in the column-major `a`
 * (`m x n`, `k = min(m, n)`) and `t` by {@link householderQrInPlace}; `C`
 * is `m x nc` (any strides). Costs `≈ 4·m·k·nc` flops in GEMM, without
 * forming `Q`.
 * @internal
 */
export function applyQTransposeInPlace(a: Matrix, t: Matrix, c: Matrix): void {
  const m = a.shape[0]!;
  const k = Math.min(m, a.shape[1]!);
  const scratch = scratchFor(m, c.shape[1]!);
  for (let j = 0; j < k; j += QR_BLOCK) {
    const jb = Math.min(QR_BLOCK, k - j);
    const v = explicitReflectors(a.lo(j, j).hi(m - j, jb), scratch.v);
    applyBlockReflector(true, v, t.lo(0, j).hi(jb, jb), c.lo(j, 0), 0, scratch);
  }
}

/** Columns `k..` of the column-major `a` become the identity columns `e_k, e_{k+1}, …`. */
function setIdentityColumns(a: Matrix, k: number): void {
  const p = a.shape[1]!;
  fillZero(a.lo(0, k));
  const d = a.data;
  const step = a.stride[1]! + 1;
  for (let j = k, q = a.offset + k * step; j < p; j++, q += step) d[q] = 1;
}

function addToDiagonal(a: Matrix, value: number): void {
  const d = a.data;
  const step = a.stride[1]! + 1;
  const end = Math.min(a.shape[0]!, a.shape[1]!);
  for (let j = 0, q = a.offset; j < end; j++, q += step) d[q]! += value;
}

function fillZero(a: Matrix): void {
  const rows = a.shape[0]!;
  const cols = a.shape[1]!;
  const d = a.data;
  const ld = a.stride[1]!;
  for (let j = 0; j < cols; j++) d.fill(0, a.offset + j * ld, a.offset + j * ld + rows);
}
