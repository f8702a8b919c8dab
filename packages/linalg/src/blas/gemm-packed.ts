/**
 * Cache-blocked GEMM over packed panels with a 3x3 register-blocked
 * micro-kernel (Goto/BLIS loop structure).
 *
 * op(A) is packed into row panels of MR rows and op(B) into column panels of
 * NR columns, contiguous and zero-padded to full panels, so the micro-kernel
 * never branches on edges and never sees a stride: packing absorbs every
 * transpose, stride and offset.
 *
 * Measured on V8 (Node 20): TurboFan schedules all products of an iteration
 * before the additions, so MR·NR products and MR·NR accumulators are live at
 * once and larger blocks (4x3: 6.4 GFLOP/s) spill to the stack; 3x3 (and 4x2)
 * run at ~7.3. The panels live in one plain `number[]` with double elements
 * rather than a Float64Array: element loads then need no typed-array
 * base/length reloads and detach checks (~10% faster), and a single array
 * means a single map check per iteration (another ~7%).
 * @module
 */
import type { Matrix } from '../core/matrix.js';

const MR = 3;
const NR = 3;
/** Depth of a packed block: an MR x KC and a KC x NR micro-panel sit in L1 together. */
const KC = 256;
/** Rows of a packed A block (MC x KC doubles = 240 KiB, L2-resident); a multiple of MR. */
const MC = 120;
/** Columns of a packed B block (KC x NC doubles = 1 MiB); a multiple of NR. */
const NC = 510;

/** Offset of the packed B block in {@link panels}; the packed A block starts at 0. */
const B_START = MC * KC;
/**
 * Packed A and B blocks, allocated on first use at their fixed maximum size
 * (1.3 MB) and reused by every later call. Created from doubles so that V8
 * gives it double elements from the start (the elements kind never changes).
 */
let panels: number[] | null = null;
/** The micro-kernel's MR x NR result (row-major), added to C by the caller. */
const tile = new Float64Array(MR * NR);

/**
 * `C += alpha·op(A)·op(B)` through packed panels (`C` already scaled by beta).
 * Any strides and offsets; `m, n, k > 0`; `C` must not overlap `A` or `B`.
 * @internal
 */
export function gemmPacked(
  transA: boolean,
  transB: boolean,
  alpha: number,
  a: Matrix,
  b: Matrix,
  c: Matrix,
): void {
  const m = c.shape[0]!;
  const n = c.shape[1]!;
  const k = a.shape[transA ? 0 : 1]!;
  // Strides of op(A) (row i, depth p) and op(B) (depth p, column j).
  const ai = a.stride[transA ? 1 : 0]!;
  const ap = a.stride[transA ? 0 : 1]!;
  const bp = b.stride[transB ? 1 : 0]!;
  const bj = b.stride[transB ? 0 : 1]!;
  const p = (panels ??= Array.from({ length: B_START + NC * KC }, () => 0.5));
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packPanels(b.data, b.offset + pc * bp + jc * bj, bj, bp, nc, kc, p, B_START);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packPanels(a.data, a.offset + ic * ai + pc * ap, ai, ap, mc, kc, p, 0);
        macroKernel(mc, nc, kc, alpha, p, B_START, c, ic, jc);
      }
    }
  }
}

/**
 * Packs `count` lines (rows of op(A) or columns of op(B)) of depth `kc`,
 * starting at `o` with stride `sLine` between lines and `sDepth` along the
 * depth, into panels of 3 lines at out[start..]: panel-major, then depth, then
 * line, zero-padding the last panel. (MR = NR = 3, so A and B pack alike.)
 */
function packPanels(
  d: Float64Array,
  o: number,
  sLine: number,
  sDepth: number,
  count: number,
  kc: number,
  out: number[],
  start: number,
): void {
  let q = start;
  for (let l0 = 0; l0 < count; l0 += 3) {
    const lines = Math.min(3, count - l0);
    let s = o + l0 * sLine;
    if (lines === 3) {
      for (let p = 0; p < kc; p++, s += sDepth, q += 3) {
        out[q] = d[s]!;
        out[q + 1] = d[s + sLine]!;
        out[q + 2] = d[s + 2 * sLine]!;
      }
    } else {
      for (let p = 0; p < kc; p++, s += sDepth, q += 3) {
        for (let r = 0; r < 3; r++) out[q + r] = r < lines ? d[s + r * sLine]! : 0;
      }
    }
  }
}

/** C[ic.., jc..] += alpha · (packed mc x kc A block) · (packed kc x nc B block at bStart). */
function macroKernel(
  mc: number,
  nc: number,
  kc: number,
  alpha: number,
  p: number[],
  bStart: number,
  c: Matrix,
  ic: number,
  jc: number,
): void {
  const cd = c.data;
  const c0 = c.stride[0]!;
  const c1 = c.stride[1]!;
  const co = c.offset + ic * c0 + jc * c1;
  const t = tile;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const cols = Math.min(NR, nc - j0);
    const bOff = bStart + j0 * kc;
    for (let i0 = 0; i0 < mc; i0 += MR) {
      const rows = Math.min(MR, mc - i0);
      microKernel(kc, p, i0 * kc, bOff, t);
      const cOff = co + i0 * c0 + j0 * c1;
      if (rows === MR && cols === NR) {
        const r1 = cOff + c0;
        const r2 = r1 + c0;
        cd[cOff]! += alpha * t[0]!;
        cd[cOff + c1]! += alpha * t[1]!;
        cd[cOff + 2 * c1]! += alpha * t[2]!;
        cd[r1]! += alpha * t[3]!;
        cd[r1 + c1]! += alpha * t[4]!;
        cd[r1 + 2 * c1]! += alpha * t[5]!;
        cd[r2]! += alpha * t[6]!;
        cd[r2 + c1]! += alpha * t[7]!;
        cd[r2 + 2 * c1]! += alpha * t[8]!;
      } else {
        for (let r = 0; r < rows; r++) {
          for (let s = 0; s < cols; s++) cd[cOff + r * c0 + s * c1]! += alpha * t[r * NR + s]!;
        }
      }
    }
  }
}

/**
 * The 3x3 register block: `tile = Σ_p a[:, p]·b[p, :]` over the packed
 * micro-panels of A at `aOff` and B at `bOff` (row-major 3x3 result).
 * `| 0` keeps the index arithmetic in int32 without overflow checks.
 */
function microKernel(kc: number, p: number[], aOff: number, bOff: number, t: Float64Array): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c10 = 0,
    c11 = 0,
    c12 = 0,
    c20 = 0,
    c21 = 0,
    c22 = 0;
  const end = (aOff + 3 * kc) | 0;
  for (let qa = aOff | 0, qb = bOff | 0; qa < end; qa = (qa + 3) | 0, qb = (qb + 3) | 0) {
    const a0 = p[qa]!;
    const a1 = p[(qa + 1) | 0]!;
    const a2 = p[(qa + 2) | 0]!;
    const b0 = p[qb]!;
    c00 += a0 * b0;
    c10 += a1 * b0;
    c20 += a2 * b0;
    const b1 = p[(qb + 1) | 0]!;
    c01 += a0 * b1;
    c11 += a1 * b1;
    c21 += a2 * b1;
    const b2 = p[(qb + 2) | 0]!;
    c02 += a0 * b2;
    c12 += a1 * b2;
    c22 += a2 * b2;
  }
  t[0] = c00;
  t[1] = c01;
  t[2] = c02;
  t[3] = c10;
  t[4] = c11;
  t[5] = c12;
  t[6] = c20;
  t[7] = c21;
  t[8] = c22;
}
