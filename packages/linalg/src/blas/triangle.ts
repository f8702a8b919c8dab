/**
 * Validation of the triangle of a square matrix that a triangular kernel reads.
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { NonFiniteError } from '../core/errors.js';

/**
 * Asserts that the `lower` (or upper) triangle of the square matrix `a` is
 * finite, its diagonal included unless `skipDiagonal`; the other triangle is
 * not read, so it may hold anything.
 * @internal
 */
export function assertTriangleFinite(
  fn: string,
  arg: string,
  a: Matrix,
  lower: boolean,
  skipDiagonal: boolean,
): void {
  const n = a.shape[0]!;
  const [s0, s1] = a.stride as [number, number];
  const d = a.data;
  for (let i = 0; i < n; i++) {
    const from = lower ? 0 : skipDiagonal ? i + 1 : i;
    const to = lower ? (skipDiagonal ? i : i + 1) : n;
    for (let j = from, p = a.offset + i * s0 + from * s1; j < to; j++, p += s1) {
      const v = d[p]!;
      if (v - v !== 0) throw new NonFiniteError(fn, arg, `(${i}, ${j})`, v);
    }
  }
}
