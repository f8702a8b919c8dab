/**
 * Entry-wise maps over matrices with any strides, into fresh row-major
 * matrices. Shared by the element-wise ops and their derivatives.
 * @module
 */
import type { Matrix } from '@bkfac/linalg';
import { zeros } from '@bkfac/linalg';

/**
 * `Y_ij = f(A_ij)` into a fresh row-major matrix.
 * @internal
 */
export function mapEntries(a: Matrix, f: (x: number) => number): Matrix {
  const [m, n] = a.shape as [number, number];
  const [s0, s1] = a.stride as [number, number];
  const out = zeros(m, n);
  const ad = a.data;
  const od = out.data;
  for (let i = 0, q = 0; i < m; i++) {
    let p = a.offset + i * s0;
    for (let j = 0; j < n; j++, p += s1, q++) od[q] = f(ad[p]!);
  }
  return out;
}

/**
 * `Y_ij = f(A_ij, B_ij)` into a fresh row-major matrix; `a` and `b` have the same shape.
 * @internal
 */
export function zipEntries(a: Matrix, b: Matrix, f: (x: number, y: number) => number): Matrix {
  const [m, n] = a.shape as [number, number];
  const [a0, a1] = a.stride as [number, number];
  const [b0, b1] = b.stride as [number, number];
  const out = zeros(m, n);
  const ad = a.data;
  const bd = b.data;
  const od = out.data;
  for (let i = 0, q = 0; i < m; i++) {
    let p = a.offset + i * a0;
    let r = b.offset + i * b0;
    for (let j = 0; j < n; j++, p += a1, r += b1, q++) od[q] = f(ad[p]!, bd[r]!);
  }
  return out;
}

/**
 * `D ← D + S` entry-wise; same shapes, any strides.
 * @internal
 */
export function addInPlace(dst: Matrix, src: Matrix): void {
  const [m, n] = dst.shape as [number, number];
  const [d0, d1] = dst.stride as [number, number];
  const [s0, s1] = src.stride as [number, number];
  const dd = dst.data;
  const sd = src.data;
  for (let i = 0; i < m; i++) {
    let p = dst.offset + i * d0;
    let q = src.offset + i * s0;
    for (let j = 0; j < n; j++, p += d1, q += s1) dd[p] = dd[p]! + sd[q]!;
  }
}
