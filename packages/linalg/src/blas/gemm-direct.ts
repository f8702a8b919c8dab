/**
 * Unpacked GEMM for small products, where packing would cost more than it saves.
 * @module
 */
import type { Matrix } from '../core/matrix.js';

/**
 * `C = alpha·op(A)·op(B) + beta·C` by strided dot products, any strides;
 * `beta === 0` overwrites `C`.
 * @internal
 */
export function gemmDirect(
  transA: boolean,
  transB: boolean,
  alpha: number,
  a: Matrix,
  b: Matrix,
  beta: number,
  c: Matrix,
): void {
  const m = c.shape[0]!;
  const n = c.shape[1]!;
  const k = a.shape[transA ? 0 : 1]!;
  const ad = a.data;
  const bd = b.data;
  const cd = c.data;
  const ai = a.stride[transA ? 1 : 0]!;
  const ap = a.stride[transA ? 0 : 1]!;
  const bp = b.stride[transB ? 1 : 0]!;
  const bj = b.stride[transB ? 0 : 1]!;
  const ci = c.stride[0]!;
  const cj = c.stride[1]!;
  const ao = a.offset;
  const bo = b.offset;
  const co = c.offset;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let pa = ao + i * ai;
      let pb = bo + j * bj;
      for (let p = 0; p < k; p++, pa += ap, pb += bp) s += ad[pa]! * bd[pb]!;
      const q = co + i * ci + j * cj;
      cd[q] = beta === 0 ? alpha * s : alpha * s + beta * cd[q]!;
    }
  }
}
