/**
 * Householder reflectors and compact-WY block reflectors over column-major
 * workspaces (element `(i, j)` at `offset + i + j·ld`, LAPACK style).
 *
 * A reflector is `H = I − tau·v·vᵀ` with `v(0) = 1`; a block of reflectors
 * `H_0·H_1···H_{k−1} = I − V·T·Vᵀ` (Schreiber–Van Loan) with `V` unit lower
 * trapezoidal and `T` upper triangular, so applying it costs three GEMMs.
 * @module
 */
import ndarray from 'ndarray';
import type { Matrix } from '../core/matrix.js';
import { gemmUnchecked } from '../blas/gemm.js';

/** Below this sum of squares some squares may have underflowed: take the scaled path. */
const TINY_SUM_OF_SQUARES = 1e-250;
/** Below this `|beta|`, `tau = (beta − alpha)/beta` would be computed from subnormals. */
const SAFE_MIN = 2.2250738585072014e-308 / Number.EPSILON;
/** Exact power-of-two rescaling for reflectors of subnormal size. */
const UPSCALE = 2 ** 600;

/**
 * Scratch buffers of the block-reflector routines (contents unspecified).
 * @internal
 */
export interface ReflectorScratch {
  /** Explicit copy of a block's `V`: at least `rows · blockWidth` entries. */
  readonly v: Float64Array;
  /** `Vᵀ·C`: at least `blockWidth · columns` entries. */
  readonly w: Float64Array;
  /** `op(T)·Vᵀ·C`: at least `blockWidth · columns` entries. */
  readonly w2: Float64Array;
}

/**
 * Generates the reflector `H` with `H·x = beta·e_0` for the unit-stride
 * vector `x = d[p .. p+len−1]`, LAPACK's `dlarfg` convention: `beta =
 * −sign(x_0)·‖x‖` (so `beta` may be negative) and `tau = 0` (`H = I`) when
 * `x(1:)` is zero. Overwrites `d[p]` with `beta` and `d[p+1 ..]` with `v(1:)`.
 * No overflow while ‖x‖ is representable; accurate for subnormal entries too.
 * @returns `tau`, in `[1, 2]` or `0`
 * @internal
 */
export function generateReflector(d: Float64Array, p: number, len: number): number {
  const xnorm = safeNorm(d, p + 1, len - 1);
  if (xnorm === 0) return 0;
  let alpha = d[p]!;
  let norm = Math.hypot(alpha, xnorm);
  const tiny = norm < SAFE_MIN;
  if (tiny) {
    // Scale by a power of two (exact) so tau and v are computed from normal numbers.
    for (let i = p + 1; i < p + len; i++) d[i]! *= UPSCALE;
    alpha *= UPSCALE;
    norm = Math.hypot(alpha, safeNorm(d, p + 1, len - 1));
  }
  const beta = alpha >= 0 ? -norm : norm;
  const tau = (beta - alpha) / beta;
  // |alpha − beta| >= ‖x‖, so the quotients are at most 1.
  const inv = 1 / (alpha - beta);
  for (let i = p + 1; i < p + len; i++) d[i]! *= inv;
  d[p] = tiny ? beta / UPSCALE : beta;
  return tau;
}

/** ‖d[p .. p+len−1]‖₂ without overflow or damaging underflow (fast path: plain sum of squares). */
function safeNorm(d: Float64Array, p: number, len: number): number {
  const end = p + len;
  let ssq = 0;
  for (let i = p; i < end; i++) ssq += d[i]! * d[i]!;
  if (ssq > TINY_SUM_OF_SQUARES && ssq < Infinity) return Math.sqrt(ssq);
  let big = 0;
  for (let i = p; i < end; i++) big = Math.max(big, Math.abs(d[i]!));
  if (big === 0) return 0;
  let scaled = 0;
  for (let i = p; i < end; i++) {
    const y = d[i]! / big;
    scaled += y * y;
  }
  return big * Math.sqrt(scaled);
}

/**
 * Copies the reflectors stored below the diagonal of the column-major view
 * `a` (`rows x cols`, LAPACK layout: `v_j` in column `j` below row `j`, unit
 * leading entry implicit) into `out` as an explicit unit lower trapezoidal
 * `V` (ones on the diagonal, zeros above), column-major with leading
 * dimension `rows`, so GEMM can multiply by it.
 * @returns the `rows x cols` view of `V` over `out`
 * @internal
 */
export function explicitReflectors(a: Matrix, out: Float64Array): Matrix {
  const v = columnMajor(out, a.shape[0]!, a.shape[1]!, 0);
  writeExplicitReflectors(a, v);
  return v;
}

/**
 * {@link explicitReflectors} into an existing column-major view `out` of the
 * same shape as `a` (any leading dimension and offset).
 * @internal
 */
export function writeExplicitReflectors(a: Matrix, out: Matrix): void {
  const rows = a.shape[0]!;
  const cols = a.shape[1]!;
  const d = a.data;
  const od = out.data;
  const lda = a.stride[1]!;
  const ldo = out.stride[1]!;
  for (let j = 0; j < cols; j++) {
    const src = a.offset + j * lda;
    const dst = out.offset + j * ldo;
    od.fill(0, dst, dst + j);
    od[dst + j] = 1;
    od.set(d.subarray(src + j + 1, src + rows), dst + j + 1);
  }
}

/**
 * Applies one reflector from the left, `C ← (I − tau·v·vᵀ)·C`, with `v`
 * explicit and unit-stride at `v[vo .. vo+rows)` and `C` (`rows x nc`)
 * column-major. Level-2 code for narrow panels, where GEMM does not pay.
 * @internal
 */
export function applyReflector(v: Float64Array, vo: number, tau: number, c: Matrix): void {
  if (tau === 0) return;
  const rows = c.shape[0]!;
  const nc = c.shape[1]!;
  const d = c.data;
  const ld = c.stride[1]!;
  // Two columns per sweep: v is read once for both (≈8% faster panels than one at a time).
  let j = 0;
  for (; j + 1 < nc; j += 2) {
    const c0 = c.offset + j * ld;
    const c1 = c0 + ld;
    let s0 = 0;
    let s1 = 0;
    for (let r = 0; r < rows; r++) {
      const x = v[vo + r]!;
      s0 += x * d[c0 + r]!;
      s1 += x * d[c1 + r]!;
    }
    s0 *= tau;
    s1 *= tau;
    for (let r = 0; r < rows; r++) {
      const x = v[vo + r]!;
      d[c0 + r]! -= s0 * x;
      d[c1 + r]! -= s1 * x;
    }
  }
  if (j < nc) {
    const co = c.offset + j * ld;
    let s = 0;
    for (let r = 0; r < rows; r++) s += v[vo + r]! * d[co + r]!;
    s *= tau;
    for (let r = 0; r < rows; r++) d[co + r]! -= s * v[vo + r]!;
  }
}

/**
 * Completes the compact-WY factor of two consecutive groups of reflectors:
 * with `V = [V1 V2]` explicit (`rows x b`, `V1` its first `n1` columns, `V2`
 * zero in its first `n1` rows) and the diagonal blocks `T11`, `T22` of `t`
 * (`b x b`) already set, writes `T12 = −T11·(V1ᵀ·V2)·T22` and `T21 = 0`, so
 * that `I − V·T·Vᵀ` is the product of all `b` reflectors.
 * @internal
 */
export function mergeBlockFactors(
  v: Matrix,
  t: Matrix,
  n1: number,
  scratch: ReflectorScratch,
): void {
  const b = v.shape[1]!;
  const n2 = b - n1;
  const g = columnMajor(scratch.w, n1, n2, 0);
  const x = columnMajor(scratch.w2, n1, n2, 0);
  gemmUnchecked(true, false, 1, v.lo(n1, 0).hi(v.shape[0]! - n1, n1), v.lo(n1, n1), 0, g);
  gemmUnchecked(false, false, 1, g, t.lo(n1, n1), 0, x);
  gemmUnchecked(false, false, -1, t.hi(n1, n1), x, 0, t.lo(0, n1).hi(n1, n2));
  const td = t.data;
  const ld = t.stride[1]!;
  for (let j = 0; j < n1; j++) td.fill(0, t.offset + j * ld + n1, t.offset + j * ld + b);
}

/**
 * The upper triangular `T` (`b x b`) with `H_0···H_{b−1} = I − V·T·Vᵀ` for
 * an explicit unit lower trapezoidal `V` (`rows x b`) and `H_i = I −
 * tau[at+i]·v_i·v_iᵀ` (LAPACK's `dlarft`, forward, column-wise), by
 * recursive halving so the work runs in GEMM.
 * @internal
 */
export function formBlockFactor(
  v: Matrix,
  tau: Float64Array,
  at: number,
  t: Matrix,
  scratch: ReflectorScratch,
): void {
  const rows = v.shape[0]!;
  const b = v.shape[1]!;
  if (b === 1) {
    t.data[t.offset] = tau[at]!;
    return;
  }
  const n1 = b >> 1;
  formBlockFactor(v.hi(rows, n1), tau, at, t.hi(n1, n1), scratch);
  formBlockFactor(v.lo(n1, n1), tau, at + n1, t.lo(n1, n1), scratch);
  mergeBlockFactors(v, t, n1, scratch);
}

/**
 * Applies the block reflector `H = I − V·T·Vᵀ` (or `Hᵀ = I − V·Tᵀ·Vᵀ` when
 * `transpose`) from the left: `C ← H·C` or `C ← Hᵀ·C`. `V` is `rows x k`
 * explicit, `T` is `k x k` upper triangular with zeros stored below the
 * diagonal, `C` is `rows x nc`. The first `zeroRows` rows of `C` are known to
 * be zero and are skipped when forming `Vᵀ·C`.
 * @internal
 */
export function applyBlockReflector(
  transpose: boolean,
  v: Matrix,
  t: Matrix,
  c: Matrix,
  zeroRows: number,
  scratch: ReflectorScratch,
): void {
  const k = v.shape[1]!;
  const nc = c.shape[1]!;
  const w = columnMajor(scratch.w, k, nc, 0);
  const w2 = columnMajor(scratch.w2, k, nc, 0);
  gemmUnchecked(true, false, 1, v.lo(zeroRows, 0), c.lo(zeroRows, 0), 0, w);
  gemmUnchecked(transpose, false, 1, t, w, 0, w2);
  gemmUnchecked(false, false, -1, v, w2, 1, c);
}

/**
 * Column-major `rows x cols` view over `data` starting at `offset` (leading dimension `rows`).
 * @internal
 */
export function columnMajor(
  data: Float64Array,
  rows: number,
  cols: number,
  offset: number,
): Matrix {
  return ndarray(data, [rows, cols], [1, rows], offset);
}

/**
 * Copies the column-major `src` into the equally shaped column-major `dst`
 * (any leading dimensions and offsets), a column at a time.
 * @internal
 */
export function copyColumns(src: Matrix, dst: Matrix): void {
  const [rows, cols] = src.shape as [number, number];
  for (let j = 0; j < cols; j++) {
    const from = src.offset + j * src.stride[1]!;
    dst.data.set(src.data.subarray(from, from + rows), dst.offset + j * dst.stride[1]!);
  }
}
